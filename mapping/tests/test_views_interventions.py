"""The intervention pages and the case page's intervention section (SPEC §4, §7).

Every page: renders for the team, saves through the service, shows refusals next to the field
with nothing saved, answers 404 to another area's officer (GET and POST, nothing changes), asks
a colleague outside the caseload for a reason, and writes the access log."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case, Phase
from cases.services import case_open, case_transition, case_update
from mapping.models import Intervention
from mapping.services import intervention_create, intervention_update, plan_save
from mapping.tests.factories import JointMappingFactory
from samverkan.services import AccessContext

TODAY = timezone.localdate
PLAN_RULE = "En individuell plan måste finnas före introduktion och prövning."
INTERVENTION_PAGES = [
    "mapping:intervention_detail",
    "mapping:intervention_edit",
    "mapping:intervention_start",
    "mapping:intervention_move",
    "mapping:intervention_end",
]
FORM_PAGES = [n for n in INTERVENTION_PAGES if n != "mapping:intervention_detail"]


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


def url(name, obj):
    return reverse(name, args=[obj.pk])


def field_error(response, field):
    match = re.search(
        rf'<p class="field-error" id="id_{field}_error">([^<]*)</p>', response.content.decode()
    )
    return match.group(1) if match else None


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def started(person, fk_officer, af_officer):
    """A case in the needs analysis since 30 days, no plan yet."""
    return case_open(
        person=person,
        phase=Phase.NEEDS_ANALYSIS,
        referral_date=days_ago(35),
        start_date=days_ago(30),
        fk_officer=fk_officer,
        af_officer=af_officer,
        target_group="sick_unemployed",
        context=AccessContext.for_user(fk_officer),
    )


def add_plan(case, user):
    return plan_save(
        case=case,
        goal="Arbete inom handeln",
        activities="Arbetsprövning",
        context=AccessContext.for_user(user),
    )


def create(case, user, **overrides):
    fields = {"kind": "wellness", "provider": "AF", "hours_per_week": 6, "goal": "Orka en dag."}
    fields.update(overrides)
    return intervention_create(case=case, context=AccessContext.for_user(user), **fields)


@pytest.fixture
def planned(started, af_officer):
    return create(started, af_officer, planned_start=TODAY() + dt.timedelta(days=7))


@pytest.fixture
def running(started, af_officer):
    """A work-preparatory intervention running since 10 days (so the case is in introduction)."""
    add_plan(started, af_officer)
    return create(started, af_officer, start_date=days_ago(10))


def create_data(**overrides):
    data = {
        "kind": "wellness",
        "provider": "AF",
        "provider_name": "",
        "hours_per_week": "6",
        "goal": "Orka en regelbunden dag.",
        "status": "planned",
        "planned_start": "",
        "start_date": "",
    }
    data.update(overrides)
    return data


def edit_data(intervention, **overrides):
    data = {
        "provider": intervention.provider,
        "provider_name": intervention.provider_name,
        "hours_per_week": str(intervention.hours_per_week),
        "goal": intervention.goal,
        "follow_up_notes": intervention.follow_up_notes,
        "version": intervention.version,
    }
    if intervention.start_date is None:
        data["planned_start"] = (
            intervention.planned_start.isoformat() if intervention.planned_start else ""
        )
    if intervention.end_date is not None:
        data["outcome"] = intervention.outcome
    data.update(overrides)
    return data


def move_data(intervention, **overrides):
    data = {
        "on": days_ago(2).isoformat(),
        "outcome": "goal_reached",
        "kind": "work_trial",
        "provider": "employer",
        "provider_name": "",
        "hours_per_week": "20",
        "goal": "Pröva arbete i butik.",
        "version": intervention.version,
    }
    data.update(overrides)
    return data


def snapshot():
    """Everything the pages could change: interventions and the case's phase and version."""
    return (
        list(Intervention.objects.order_by("pk").values()),
        list(Case.objects.order_by("pk").values_list("phase", "version")),
    )


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", INTERVENTION_PAGES)
def test_outsider_gets_404_on_every_intervention_page_and_changes_nothing(
    running, outsider, login, name
):
    client = login(outsider)
    before = snapshot()

    assert client.get(url(name, running)).status_code == 404
    if name in FORM_PAGES:
        posted = client.post(url(name, running), move_data(running, end_date=TODAY()))
        assert posted.status_code == 404

    assert snapshot() == before
    denied = AccessLog.objects.filter(action=AccessLog.Action.DENIED, user=outsider)
    assert denied.filter(object_type="intervention", object_id=str(running.pk)).exists()


def test_outsider_gets_404_on_the_new_intervention_page_and_registers_nothing(
    started, outsider, login
):
    client = login(outsider)
    target = reverse("mapping:intervention_create", args=[started.pk])
    assert client.get(target).status_code == 404
    assert client.post(target, create_data()).status_code == 404
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("who", ["management", "analyst"])
def test_roles_without_case_access_get_404(running, login, request, who):
    client = login(request.getfixturevalue(who))
    for name in INTERVENTION_PAGES:
        assert client.get(url(name, running)).status_code == 404, name
    assert client.post(url("mapping:intervention_end", running), {}).status_code == 404


@pytest.mark.parametrize("name", [*INTERVENTION_PAGES, "mapping:intervention_create"])
def test_colleague_outside_the_caseload_is_asked_for_a_reason_and_sent_back(
    running, colleague, login, name
):
    obj = running.case if name == "mapping:intervention_create" else running
    before = snapshot()

    response = login(colleague).get(url(name, obj))

    reason = reverse("cases:person_reason", args=[running.case.person_id])
    assert response.status_code == 302
    assert response["Location"].startswith(reason)
    assert url(name, obj).replace("/", "%2F") in response["Location"]
    posted = login(colleague).post(url("mapping:intervention_end", running), {})
    assert posted.status_code == 302 and posted["Location"].startswith(reason)
    assert snapshot() == before


def test_colleague_who_states_a_reason_opens_the_intervention(running, colleague, login):
    client = login(colleague)
    client.post(
        reverse("cases:person_reason", args=[running.case.person_id]),
        {"reason": "Ersätter ordinarie handläggare under semester."},
    )

    response = client.get(url("mapping:intervention_detail", running))

    assert response.status_code == 200
    entry = AccessLog.objects.filter(
        user=colleague, action=AccessLog.Action.VIEW, object_type="intervention"
    ).get()
    assert entry.outside_caseload and "semester" in entry.purpose


def test_each_page_view_is_logged_with_its_purpose(running, af_officer, login):
    client = login(af_officer)
    for name in INTERVENTION_PAGES:
        assert client.get(url(name, running)).status_code == 200, name

    views = AccessLog.objects.filter(
        user=af_officer,
        action=AccessLog.Action.VIEW,
        object_type="intervention",
        object_id=str(running.pk),
    )
    assert views.count() == len(INTERVENTION_PAGES)
    assert {e.purpose for e in views} == {"eget ärendebestånd"}
    assert {e.person_id for e in views} == {running.case.person_id}
    assert {e.area_id for e in views} == {running.case.area_id}


# --- register ---------------------------------------------------------------------------------


def test_the_new_intervention_form_groups_the_kinds_and_offers_planned_or_started(
    started, af_officer, login
):
    body = login(af_officer).get(url("mapping:intervention_create", started)).content.decode()

    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', body, re.S))
    assert set(groups) == {"Arbetsförberedande insats", "Arbetslivsinriktad insats"}
    assert 'value="wellness"' in groups["Arbetsförberedande insats"]
    assert 'value="work_trial"' not in groups["Arbetsförberedande insats"]
    assert 'value="work_trial"' in groups["Arbetslivsinriktad insats"]
    assert 'name="status" value="planned"' in body and 'name="status" value="started"' in body
    assert "Under 10 timmar i veckan går bra" in body


def test_officer_plans_an_intervention_with_a_decimal_comma(started, af_officer, login):
    # given a case in the needs analysis
    # when the officer registers a planned intervention of 6,5 hours bought from a provider
    response = login(af_officer).post(
        url("mapping:intervention_create", started),
        create_data(
            hours_per_week="6,5",
            provider="purchased",
            provider_name="Friskis AB",
            planned_start=(TODAY() + dt.timedelta(days=3)).isoformat(),
        ),
    )

    # then it is saved as planned and the officer is back on the case page
    assert response.status_code == 302
    assert response["Location"] == url("cases:case_detail", started)
    saved = Intervention.objects.get()
    assert (saved.hours_per_week, saved.provider_name, saved.start_date) == (
        Decimal("6.5"),
        "Friskis AB",
        None,
    )
    assert saved.planned_start == TODAY() + dt.timedelta(days=3)
    assert reload(started).phase == Phase.NEEDS_ANALYSIS
    assert AccessLog.objects.filter(
        user=af_officer, action=AccessLog.Action.CREATE, object_id=str(saved.pk)
    ).exists()


def test_officer_registers_a_started_intervention_and_the_case_moves_to_introduction(
    started, af_officer, login
):
    add_plan(started, af_officer)

    response = login(af_officer).post(
        url("mapping:intervention_create", started),
        create_data(status="started", start_date=days_ago(1).isoformat()),
    )

    assert response.status_code == 302
    assert Intervention.objects.get().start_date == days_ago(1)
    assert reload(started).phase == Phase.INTRODUCTION_TRIAL


def test_a_started_intervention_without_a_plan_is_refused_next_to_the_start_date(
    started, af_officer, login
):
    response = login(af_officer).post(
        url("mapping:intervention_create", started),
        create_data(status="started", start_date=days_ago(1).isoformat()),
    )

    assert response.status_code == 200
    assert field_error(response, "start_date") == PLAN_RULE
    assert not Intervention.objects.exists()
    assert reload(started).phase == Phase.NEEDS_ANALYSIS


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hours_per_week": "0"}, "hours_per_week", None),
        ({"hours_per_week": "41"}, "hours_per_week", None),
        ({"hours_per_week": "sex"}, "hours_per_week", "Ange timmar som ett tal"),
        ({"provider": "purchased"}, "provider_name", "Ange vem insatsen köps från."),
        ({"kind": "work_trial_x"}, "kind", None),
        ({"status": "started"}, "start_date", "Ange startdatum när insatsen har startat."),
        ({"start_date": "2025-01-01"}, "start_date", "Välj ”Ja, den har startat”"),
        ({"planned_start": "2020-01-01"}, "planned_start", "En planerad start ligger i dag"),
    ],
)
def test_bad_input_on_the_new_intervention_form_is_shown_and_saves_nothing(
    started, af_officer, login, overrides, field, message
):
    response = login(af_officer).post(
        url("mapping:intervention_create", started), create_data(**overrides)
    )

    assert response.status_code == 200
    error = field_error(response, field)
    assert error, field
    if message:
        assert error.startswith(message), error
    assert "Inget är sparat" in response.content.decode()
    assert not Intervention.objects.exists()


def test_no_new_intervention_in_a_closed_case(started, af_officer, login):
    case_transition(
        case=started,
        to_phase=Phase.CLOSED,
        on=TODAY(),
        exit_reason="completed",
        context=AccessContext.for_user(af_officer),
    )
    client = login(af_officer)
    target = url("mapping:intervention_create", started)

    page = client.get(target).content.decode()
    assert "Ärendet är avslutat." in page and 'name="kind"' not in page
    client.post(target, create_data())
    assert not Intervention.objects.exists()


# --- show -------------------------------------------------------------------------------------


def test_a_planned_intervention_offers_start_and_change_only(planned, af_officer, login):
    body = login(af_officer).get(url("mapping:intervention_detail", planned)).content.decode()

    assert re.search(r'data-testid="state"><span class="tag">Planerad<', body)
    assert url("mapping:intervention_start", planned) in body
    assert url("mapping:intervention_edit", planned) in body
    assert url("mapping:intervention_move", planned) not in body
    assert url("mapping:intervention_end", planned) not in body
    facts = body[body.index('data-testid="intervention-facts"') :]
    assert "Friskvård och hälsa" in facts and "Arbetsförberedande insats" in facts
    assert (TODAY() + dt.timedelta(days=7)).isoformat() in facts


def test_a_running_work_preparatory_intervention_offers_move_and_end(running, af_officer, login):
    body = login(af_officer).get(url("mapping:intervention_detail", running)).content.decode()

    assert re.search(r'data-testid="state"><span class="tag">Pågår<', body)
    assert url("mapping:intervention_move", running) in body
    assert url("mapping:intervention_end", running) in body
    assert url("mapping:intervention_start", running) not in body
    assert "Byt till arbetslivsinriktad insats" in body


def test_the_detail_page_shows_the_change_history_old_and_new(running, af_officer, login):
    intervention_update(
        intervention=running,
        expected_version=None,
        data={"hours_per_week": Decimal("8.5"), "goal": "Fyra timmar om dagen"},
        context=AccessContext.for_user(af_officer),
    )

    body = login(af_officer).get(url("mapping:intervention_detail", running)).content.decode()

    history = body[body.index('data-testid="history"') :]
    assert "Planerade timmar per vecka: 6 → 8,5" in history
    assert "Mål med insatsen: Orka en dag. → Fyra timmar om dagen" in history
    assert "Registrerad" in history and af_officer.get_full_name() in history
    assert running.case.person.personnummer not in body


# --- change -----------------------------------------------------------------------------------


def test_the_edit_form_offers_the_planned_start_only_while_planned_and_outcome_once_ended(
    planned, running, af_officer, login
):
    client = login(af_officer)
    planned_form = client.get(url("mapping:intervention_edit", planned)).content.decode()
    running_form = client.get(url("mapping:intervention_edit", running)).content.decode()

    assert 'name="planned_start"' in planned_form and 'name="outcome"' not in planned_form
    assert 'name="planned_start"' not in running_form and 'name="outcome"' not in running_form
    assert 'name="hours_per_week" value="6"' in running_form

    client.post(
        url("mapping:intervention_end", running),
        {"end_date": TODAY().isoformat(), "outcome": "aborted", "version": running.version},
    )
    ended_form = client.get(url("mapping:intervention_edit", running)).content.decode()
    assert 'name="outcome"' in ended_form


def test_officer_changes_an_intervention(planned, af_officer, login):
    response = login(af_officer).post(
        url("mapping:intervention_edit", planned),
        edit_data(planned, hours_per_week="7,5", provider="healthcare", follow_up_notes="Bra"),
    )

    assert response.status_code == 302
    assert response["Location"] == url("mapping:intervention_detail", planned)
    planned.refresh_from_db()
    assert (planned.hours_per_week, planned.provider, planned.follow_up_notes) == (
        Decimal("7.5"),
        "healthcare",
        "Bra",
    )
    assert planned.version == 2


def test_bad_edit_input_is_shown_next_to_the_field_and_saves_nothing(planned, af_officer, login):
    client = login(af_officer)
    bought = client.post(
        url("mapping:intervention_edit", planned), edit_data(planned, provider="purchased")
    )
    past = client.post(
        url("mapping:intervention_edit", planned),
        edit_data(planned, planned_start=days_ago(3).isoformat()),
    )

    assert bought.status_code == 200 and past.status_code == 200
    assert field_error(bought, "provider_name") == "Ange vem insatsen köps från."
    assert field_error(past, "planned_start") == "En planerad start ligger i dag eller senare."
    assert reload(planned).version == 1 and reload(planned).provider == "AF"


def test_second_editor_gets_a_conflict_sees_the_stored_values_and_keeps_what_they_typed(
    planned, af_officer, fk_officer, login
):
    # given two officers who opened the edit form at the same version
    first, second = login(fk_officer), login(af_officer)
    opened = planned.version
    form = second.get(url("mapping:intervention_edit", planned)).content.decode()
    assert f'name="version" value="{opened}"' in form
    first.post(
        url("mapping:intervention_edit", planned), edit_data(planned, goal="Målet enligt FK")
    )

    # when the second saves what they typed on the old version
    response = second.post(
        url("mapping:intervention_edit", planned),
        edit_data(planned, version=opened, follow_up_notes="Min uppföljning"),
    )

    # then nothing of theirs is saved, the stored values are shown beside their typed ones
    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat uppgifterna medan du skrev" in body
    assert "Min uppföljning" in body.split('data-testid="stored-values"')[0]
    panel = body[body.index('data-testid="stored-values"') :]
    assert "Målet enligt FK" in panel and "skiljer sig" in panel
    assert f'name="version" value="{opened + 1}"' in body  # a second save goes through
    planned.refresh_from_db()
    assert (planned.goal, planned.follow_up_notes) == ("Målet enligt FK", "")


# --- start ------------------------------------------------------------------------------------


def test_officer_starts_a_planned_intervention_and_the_case_moves_to_introduction(
    planned, af_officer, login
):
    client = login(af_officer)
    form = client.get(url("mapping:intervention_start", planned)).content.decode()
    assert f'value="{TODAY().isoformat()}"' in form  # today by default
    assert "Introduktion och prövning" in form  # the user is told the phase moves

    refused = client.post(
        url("mapping:intervention_start", planned),
        {"start_date": TODAY().isoformat(), "version": planned.version},
    )
    assert refused.status_code == 200 and field_error(refused, "start_date") == PLAN_RULE
    assert reload(planned).start_date is None

    add_plan(planned.case, af_officer)
    done = client.post(
        url("mapping:intervention_start", planned),
        {"start_date": days_ago(1).isoformat(), "version": planned.version},
    )

    assert done.status_code == 302
    assert reload(planned).start_date == days_ago(1)
    case = reload(planned.case)
    assert case.phase == Phase.INTRODUCTION_TRIAL
    assert case.transitions.order_by("-id").first().date == days_ago(1)


def test_a_future_start_or_a_stale_version_is_refused(planned, af_officer, login):
    add_plan(planned.case, af_officer)
    client = login(af_officer)
    future = client.post(
        url("mapping:intervention_start", planned),
        {"start_date": (TODAY() + dt.timedelta(days=1)).isoformat(), "version": 1},
    )
    assert field_error(future, "start_date") == "Ange startdatum när insatsen har startat."

    intervention_update(
        intervention=planned,
        expected_version=None,
        data={"goal": "Nytt"},
        context=AccessContext.system("test"),
    )
    stale = client.post(
        url("mapping:intervention_start", planned),
        {"start_date": TODAY().isoformat(), "version": 1},
    )
    assert stale.status_code == 200
    assert "Någon annan har ändrat uppgifterna" in stale.content.decode()
    assert reload(planned).start_date is None
    assert reload(planned.case).phase == Phase.NEEDS_ANALYSIS


def test_a_started_intervention_is_not_offered_a_start(running, af_officer, login):
    client = login(af_officer)
    page = client.get(url("mapping:intervention_start", running)).content.decode()
    assert "Insatsen har redan startat." in page and 'name="start_date"' not in page
    client.post(
        url("mapping:intervention_start", running),
        {"start_date": TODAY().isoformat(), "version": running.version},
    )
    assert reload(running).start_date == days_ago(10)


# --- move -------------------------------------------------------------------------------------


def test_the_move_form_offers_work_oriented_kinds_and_says_where_the_case_goes(
    running, af_officer, login
):
    body = login(af_officer).get(url("mapping:intervention_move", running)).content.decode()

    kinds = set(re.findall(r'<option value="([a-z_]+)"', body.split('name="kind"')[1]))
    kinds &= {k.value for k in Intervention.Kind}
    assert kinds == {
        "guidance",
        "work_trial",
        "job_search",
        "matching",
        "work_life_introduction",
        "labour_market_training",
        "other_oriented",
    }
    assert "Ärendet går till fasen ”Arbetslivsinriktade insatser”." in body


def test_officer_moves_to_a_work_oriented_intervention(running, af_officer, login):
    # given a work-preparatory intervention running since ten days
    # when the officer moves the participant to a work trial two days ago
    response = login(af_officer).post(url("mapping:intervention_move", running), move_data(running))

    # then the old one ended that day, the new one started that day from it, phase moved
    new = Intervention.objects.get(moved_from=running)
    assert response.status_code == 302
    assert response["Location"] == url("mapping:intervention_detail", new)
    running.refresh_from_db()
    assert (running.end_date, running.outcome) == (days_ago(2), "goal_reached")
    assert (new.kind, new.start_date, new.hours_per_week) == ("work_trial", days_ago(2), 20)
    assert reload(running.case).phase == Phase.WORK_ORIENTED

    client = login(af_officer)
    new_page = client.get(url("mapping:intervention_detail", new)).content.decode()
    old_page = client.get(url("mapping:intervention_detail", running)).content.decode()
    assert (
        url("mapping:intervention_detail", running) in new_page.split('data-testid="moved-from"')[1]
    )
    assert url("mapping:intervention_detail", new) in old_page.split('data-testid="moved-to"')[1]
    assert re.search(r'data-testid="state"><span class="tag">Avslutad<', old_page)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"on": "2000-01-01"}, "on"),  # before the start: the service's end_date error
        ({"kind": "ergonomics"}, "kind"),  # not offered: a work-preparatory kind
        ({"outcome": ""}, "outcome"),
        ({"provider": "purchased"}, "provider_name"),
        ({"hours_per_week": "41"}, "hours_per_week"),
    ],
)
def test_bad_move_input_is_shown_and_saves_nothing(running, af_officer, login, overrides, field):
    before = snapshot()

    response = login(af_officer).post(
        url("mapping:intervention_move", running), move_data(running, **overrides)
    )

    assert response.status_code == 200
    assert field_error(response, field), field
    assert snapshot() == before


def test_a_work_oriented_intervention_is_not_offered_a_move(started, af_officer, login):
    add_plan(started, af_officer)
    oriented = create(started, af_officer, kind="guidance", start_date=days_ago(3))
    client = login(af_officer)
    detail = client.get(url("mapping:intervention_detail", oriented)).content.decode()
    assert url("mapping:intervention_move", oriented) not in detail
    before = snapshot()

    response = client.post(url("mapping:intervention_move", oriented), move_data(oriented))

    assert response.status_code == 200
    assert "Bara en arbetsförberedande insats kan bytas" in response.content.decode()
    assert snapshot() == before


# --- end --------------------------------------------------------------------------------------


def test_officer_ends_an_intervention_with_outcome_and_follow_up(running, af_officer, login):
    client = login(af_officer)
    early = client.post(
        url("mapping:intervention_end", running),
        {"end_date": days_ago(11).isoformat(), "outcome": "aborted", "version": running.version},
    )
    assert early.status_code == 200
    assert field_error(early, "end_date") == "Insatsen kan inte sluta före starten."
    assert reload(running).end_date is None

    done = client.post(
        url("mapping:intervention_end", running),
        {
            "end_date": TODAY().isoformat(),
            "outcome": "partly_reached",
            "follow_up_notes": "Orkar fyra timmar",
            "version": running.version,
        },
    )

    assert done.status_code == 302
    running.refresh_from_db()
    assert (running.end_date, running.outcome, running.follow_up_notes) == (
        TODAY(),
        "partly_reached",
        "Orkar fyra timmar",
    )
    page = client.get(url("mapping:intervention_detail", running)).content.decode()
    assert re.search(r'data-testid="state"><span class="tag">Avslutad<', page)
    assert url("mapping:intervention_end", running) not in page


def test_a_planned_intervention_is_not_offered_an_end(planned, af_officer, login):
    client = login(af_officer)
    page = client.get(url("mapping:intervention_end", planned)).content.decode()
    assert "En insats som inte har startat kan inte avslutas." in page
    client.post(
        url("mapping:intervention_end", planned),
        {"end_date": TODAY().isoformat(), "outcome": "aborted", "version": 1},
    )
    assert reload(planned).end_date is None


# --- the case page ----------------------------------------------------------------------------


def test_the_case_page_lists_interventions_in_time_order_and_marks_moves(
    running, af_officer, login
):
    case = running.case
    client = login(af_officer)
    client.post(url("mapping:intervention_move", running), move_data(running))
    create(case, af_officer, kind="matching", planned_start=TODAY() + dt.timedelta(days=5))

    body = client.get(url("cases:case_detail", case)).content.decode()

    table = body[body.index('data-testid="interventions"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr data-testid="intervention-(\d+)">(.*?)</tr>', table, re.S)
    kinds = [re.search(r'">([^<]+)</a>', row).group(1) for _pk, row in rows]
    assert kinds == ["Friskvård och hälsa", "Arbetsprövning", "Matchning"]
    wellness, trial, matching = (row for _pk, row in rows)
    assert days_ago(10).isoformat() in wellness and "Avslutad" in wellness
    assert "Målet nått" in wellness
    assert (
        "bytt från Friskvård och hälsa" in trial and "Pågår" in trial and "Arbetsgivaren" in trial
    )
    assert "Planerad" in matching and "bytt från" not in matching
    assert url("mapping:intervention_detail", running) in wellness
    assert 'data-testid="new-intervention"' in body


def test_a_closed_case_offers_no_new_intervention(running, af_officer, login):
    case_transition(
        case=running.case,
        to_phase=Phase.CLOSED,
        on=TODAY(),
        exit_reason="completed",
        context=AccessContext.system("test"),
    )
    body = login(af_officer).get(url("cases:case_detail", running.case)).content.decode()
    assert 'data-testid="new-intervention"' not in body
    assert 'data-testid="interventions"' in body


def test_the_case_page_links_to_the_joint_mapping_it_was_opened_after(started, fk_officer, login):
    client = login(fk_officer)
    without = client.get(url("cases:case_detail", started)).content.decode()
    assert "Öppnat efter gemensam kartläggning" not in without

    mapping = JointMappingFactory(
        person=started.person,
        requested_on=days_ago(40),
        ended_on=days_ago(35),
        decision="joint_active_support",
        case=started,
    )
    body = client.get(url("cases:case_detail", started)).content.decode()

    link = body[body.index('data-testid="opened-by-mapping"') :]
    assert link.index(url("mapping:mapping_detail", mapping)) < link.index(
        "Öppnat efter gemensam kartläggning"
    )


def test_the_case_page_shows_return_to_the_employer_unlikely_before_day_181(
    started, fk_officer, login
):
    case_update(
        case=started,
        expected_version=None,
        data={"return_unlikely_before_181": True},
        context=AccessContext.for_user(fk_officer),
    )
    body = login(fk_officer).get(url("cases:case_detail", started)).content.decode()
    facts = body[body.index('data-testid="case-facts"') :]
    assert re.search(
        r"<dt>Återgång till arbetsgivaren före dag 181 bedöms osannolik</dt><dd>Ja</dd>", facts
    )
