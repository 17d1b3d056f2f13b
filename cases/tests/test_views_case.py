"""The case page and its actions (SPEC §3, §7): flags, secrecy, history, editing, phases,
closing, moving, situations, plans and meetings.

Cases are opened and moved through cases.services here, as the pages do, so transitions, plans
and history exist as they would in use."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Phase, Situation
from cases.services import case_open, case_transition, case_update, consent_record
from cases.tests.factories import PersonFactory, make_personnummer
from mapping.models import Meeting, PlanVersion
from mapping.services import meeting_create, plan_save
from samverkan.services import AccessContext

TODAY = timezone.localdate
CASE_PAGES = [
    "cases:case_detail",
    "cases:case_edit",
    "cases:case_transition",
    "cases:case_close",
    "cases:case_move",
    "cases:situation_start",
    "cases:situation_end",
    "mapping:plan_create",
    "mapping:case_meeting_create",
]
BENEFIT_NOTE = "Läkarintyg visar nedsatt arbetsförmåga i ryggen"


def url(name, case):
    return reverse(name, args=[case.pk])


def field_error(response, field):
    match = re.search(
        rf'<p class="field-error" id="id_{field}_error">([^<]*)</p>', response.content.decode()
    )
    return match.group(1) if match else None


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


def open_needs_analysis(person, fk_officer, af_officer, *, started=30, **fields):
    return case_open(
        person=person,
        phase=Phase.NEEDS_ANALYSIS,
        referral_date=days_ago(started + 5),
        start_date=days_ago(started),
        fk_officer=fk_officer,
        af_officer=af_officer,
        target_group="sick_unemployed",
        context=AccessContext.for_user(fk_officer),
        **fields,
    )


@pytest.fixture
def started(person, fk_officer, af_officer):
    """A case in the needs analysis since 30 days, with FK's benefit facts."""
    case = open_needs_analysis(person, fk_officer, af_officer, benefit="sjukpenning")
    return case_update(
        case=case,
        expected_version=None,
        data={"benefit_end_date": TODAY() + dt.timedelta(days=250), "fk_notes": BENEFIT_NOTE},
        context=AccessContext.for_user(fk_officer),
    )


def add_plan(case, user):
    return plan_save(
        case=case,
        goal="Arbete inom handeln",
        activities="Arbetsprövning",
        context=AccessContext.for_user(user),
    )


# --- outsiders --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASE_PAGES)
def test_outsider_gets_404_on_every_case_page(started, outsider, login, name):
    client = login(outsider)
    assert client.get(url(name, started)).status_code == 404
    assert client.post(url(name, started), {}).status_code == 404


@pytest.mark.parametrize("name", [n for n in CASE_PAGES if n != "cases:case_move"])
def test_colleague_outside_the_caseload_is_asked_for_a_reason_and_sent_back(
    started, colleague, login, name
):
    response = login(colleague).get(url(name, started))
    reason = reverse("cases:person_reason", args=[started.person_id])
    assert response.status_code == 302
    assert response["Location"].startswith(reason)
    assert url(name, started).replace("/", "%2F") in response["Location"]


# --- the case page ----------------------------------------------------------------------------


def test_case_page_shows_flags_with_wording_deadline_and_overdue_in_words(
    started, fk_officer, login
):
    body = login(fk_officer).get(url("cases:case_detail", started)).content.decode()

    follow_up = re.search(r'data-flag="follow_up_due">(.*?)</li>', body, re.S).group(1)
    deadline = (days_ago(30) + dt.timedelta(days=28)).isoformat()
    assert "Försenad" in follow_up and "Följ upp: minst var 28:e dag." in follow_up
    assert deadline in follow_up
    plan = re.search(r'data-flag="plan_missing">(.*?)</li>', body, re.S).group(1)
    assert "individuell plan: den krävs" in plan and "Försenad" not in plan
    assert re.search(r'data-testid="day-number">\s*Dag 30', body)


def test_a_meeting_counts_as_follow_up(started, fk_officer, login):
    client = login(fk_officer)
    client.post(
        url("mapping:case_meeting_create", started),
        {"kind": "follow_up", "date": TODAY().isoformat(), "participants": ["person", "AF"]},
    )

    body = client.get(url("cases:case_detail", started)).content.decode()

    follow_up = re.search(r'data-flag="follow_up_due">(.*?)</li>', body, re.S).group(1)
    assert "Försenad" not in follow_up
    assert (TODAY() + dt.timedelta(days=28)).isoformat() in follow_up


def test_priority_flags_are_shown_as_tags(area, fk_officer, af_officer, login):
    young = PersonFactory(area=area, personnummer=make_personnummer(dt.date(2000, 5, 5)))
    case = open_needs_analysis(young, fk_officer, af_officer, benefit="sjukpenning")
    case_update(
        case=case,
        expected_version=None,
        data={"benefit_end_date": TODAY() + dt.timedelta(days=200)},
        context=AccessContext.for_user(fk_officer),
    )
    body = login(fk_officer).get(url("cases:case_detail", case)).content.decode()
    priority = re.search(r'data-testid="priority">(.*?)</dd>', body, re.S).group(1)
    assert "Ung (≤ 29 år)" in priority and "Förmånstiden slutar" in priority


def test_phase_timeline_situations_plans_and_meetings_are_shown(started, fk_officer, login):
    add_plan(started, fk_officer)
    plan_save(
        case=started,
        goal="Nytt mål: lager",
        activities="Praktik",
        context=AccessContext.for_user(fk_officer),
    )
    meeting_create(
        person=started.person,
        case=started,
        kind="avstamningsmote",
        on=TODAY(),
        context=AccessContext.for_user(fk_officer),
    )

    body = login(fk_officer).get(url("cases:case_detail", started)).content.decode()

    transitions = body[body.index('data-testid="transitions"') :]
    assert "Behovsanalys" in transitions and days_ago(30).isoformat() in transitions
    assert url("cases:situation_start", started) in body
    assert url("cases:situation_end", started) in body
    plan = body[body.index('data-testid="plan"') :]
    assert plan.index("Nytt mål: lager") < plan.index("Tidigare versioner")
    assert "Version 1" in plan[plan.index("Tidigare versioner") :]
    assert "Avstämningsmöte" in body[body.index('data-testid="meetings"') :]


# --- secrecy ----------------------------------------------------------------------------------


def _secret_bits(case):
    return [
        BENEFIT_NOTE,
        case.benefit_end_date.isoformat(),
        "Förmånstidens slut",
        "FK:s anteckningar",
        "Sjukpenning",
        "Förmånstiden slutar",
    ]


def test_af_officer_without_consent_sees_no_fk_facts_on_the_page_or_in_the_history(
    started, af_officer, login
):
    client = login(af_officer)
    body = client.get(url("cases:case_detail", started)).content.decode()
    history = client.get(url("cases:case_history", started)).content.decode()

    for secret in _secret_bits(started):
        assert secret not in body, secret
        assert secret not in history, secret
    assert "FK:s uppgifter om ersättning visas inte: samtycke eller rättslig grund saknas" in body
    # the history is there, just without FK's fields; a change of only those is left out
    assert "Målgrupp: – → Sjukskriven arbetslös" in history
    assert "Ärende: Ändrad" not in history


def test_af_officer_sees_fk_facts_while_a_consent_covers_sharing(started, af_officer, login):
    consent_record(
        person=started.person,
        given_on=days_ago(40),
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    client = login(af_officer)
    body = client.get(url("cases:case_detail", started)).content.decode()

    for secret in _secret_bits(started):
        assert secret in body, secret
    page = client.get(url("cases:case_history", started)).content.decode()
    history = page[page.index('data-testid="history"') :]
    assert f"FK:s anteckningar: – → {BENEFIT_NOTE}" in history
    assert "Ärende: Ändrad" in history
    assert "visas inte" not in body


def test_fk_officer_without_consent_does_not_see_afs_notes(started, af_officer, fk_officer, login):
    case_update(
        case=started,
        expected_version=None,
        data={"af_notes": "Motiverad till arbetsprövning"},
        context=AccessContext.for_user(af_officer),
    )
    body = login(fk_officer).get(url("cases:case_detail", started)).content.decode()
    assert "Motiverad till arbetsprövning" not in body and "AF:s anteckningar:" not in body
    assert "AF:s anteckningar visas inte" in body
    assert BENEFIT_NOTE in body


def test_history_shows_who_changed_what_old_and_new(started, fk_officer, login):
    case_update(
        case=started,
        expected_version=None,
        data={"target_group": "exhausted_insurance"},
        context=AccessContext.for_user(fk_officer),
    )
    client = login(fk_officer)
    case_page = client.get(url("cases:case_detail", started)).content.decode()
    # the case page links to its history, which is a page of its own
    assert url("cases:case_history", started) in case_page
    assert 'data-testid="history"' not in case_page
    body = client.get(url("cases:case_history", started)).content.decode()
    history = body[body.index('data-testid="history"') :]
    assert "Målgrupp: Sjukskriven arbetslös → Utan rätt till ersättning" in history
    assert fk_officer.get_full_name() in history
    assert started.person.personnummer not in history


# --- edit -------------------------------------------------------------------------------------


def edit_data(case, **overrides):
    data = {
        "target_group": case.target_group,
        "fk_officer": case.fk_officer_id or "",
        "af_officer": case.af_officer_id or "",
        "referral_date": case.referral_date.isoformat() if case.referral_date else "",
        "version": case.version,
    }
    data.update(overrides)
    return data


def test_each_agency_edits_its_own_fields_only(started, fk_officer, af_officer, login):
    fk_form = login(fk_officer).get(url("cases:case_edit", started)).content.decode()
    af_form = login(af_officer).get(url("cases:case_edit", started)).content.decode()
    assert 'name="fk_notes"' in fk_form and 'name="benefit_end_date"' in fk_form
    assert 'name="af_notes"' not in fk_form
    assert 'name="af_notes"' in af_form
    assert 'name="fk_notes"' not in af_form and BENEFIT_NOTE not in af_form
    assert 'name="closing_doc_date"' not in fk_form  # FK confirms AF's closing document instead

    response = login(af_officer).post(
        url("cases:case_edit", started),
        edit_data(started, af_notes="Ny anteckning", fk_notes="Försök att skriva över"),
    )

    assert response.status_code == 302
    started.refresh_from_db()
    assert started.af_notes == "Ny anteckning" and started.fk_notes == BENEFIT_NOTE


def test_officer_changes_a_case(started, fk_officer, login):
    response = login(fk_officer).post(
        url("cases:case_edit", started),
        edit_data(
            started,
            target_group="employed_cannot_return",
            benefit="rehabiliteringspenning",
            benefit_end_date=started.benefit_end_date.isoformat(),
            fk_notes=BENEFIT_NOTE,
        ),
    )
    assert response.status_code == 302
    version = started.version
    started.refresh_from_db()
    assert started.target_group == "employed_cannot_return"
    assert started.benefit == "rehabiliteringspenning" and started.version == version + 1


def test_bad_case_input_is_shown_next_to_the_field_and_saves_nothing(started, fk_officer, login):
    future = (TODAY() + dt.timedelta(days=2)).isoformat()
    response = login(fk_officer).post(
        url("cases:case_edit", started),
        edit_data(started, referral_date=future, target_group="okänd"),
    )
    assert field_error(response, "target_group")
    assert field_error(response, "referral_date") is None  # form errors first, then the service

    response = login(fk_officer).post(
        url("cases:case_edit", started), edit_data(started, referral_date=future)
    )
    assert field_error(response, "referral_date") == "Datumet får inte ligga i framtiden."
    version = started.version
    started.refresh_from_db()
    assert started.referral_date == days_ago(35) and started.version == version


def test_second_case_editor_gets_a_conflict_and_keeps_what_they_typed(
    started, fk_officer, af_officer, login
):
    first, second = login(fk_officer), login(af_officer)
    opened = started.version
    assert (
        f'name="version" value="{opened}"'
        in first.get(url("cases:case_edit", started)).content.decode()
    )
    second.get(url("cases:case_edit", started))
    first.post(
        url("cases:case_edit", started),
        edit_data(started, target_group="exhausted_insurance", fk_notes=BENEFIT_NOTE),
    )

    response = second.post(
        url("cases:case_edit", started),
        edit_data(started, version=opened, af_notes="Min egen anteckning"),
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat uppgifterna medan du skrev" in body
    assert "Min egen anteckning" in body  # typed text kept in the form
    panel = body[body.index('data-testid="stored-values"') :]
    assert "Utan rätt till ersättning" in panel and "skiljer sig" in panel
    assert BENEFIT_NOTE not in body  # the AF officer's panel holds their own fields only
    started.refresh_from_db()
    assert started.target_group == "exhausted_insurance" and started.af_notes == ""


# --- phases -----------------------------------------------------------------------------------


def test_phase_form_offers_only_the_allowed_next_phases(started, fk_officer, login):
    body = login(fk_officer).get(url("cases:case_transition", started)).content.decode()
    offered = set(re.findall(r'name="to_phase" value="([a-z_]+)"', body))
    assert offered == {"introduction_trial"}


def test_introduction_needs_a_plan_first(started, fk_officer, login):
    client = login(fk_officer)
    data = {"to_phase": "introduction_trial", "on": TODAY().isoformat(), "version": started.version}

    refused = client.post(url("cases:case_transition", started), data)

    assert (
        field_error(refused, "to_phase")
        == "En individuell plan måste finnas före introduktion och prövning."
    )
    started.refresh_from_db()
    assert started.phase == Phase.NEEDS_ANALYSIS and started.transitions.count() == 1

    add_plan(started, fk_officer)
    data["version"] = Case.objects.get(pk=started.pk).version
    moved = client.post(url("cases:case_transition", started), {**data, "note": "Plan klar"})

    assert moved.status_code == 302
    started.refresh_from_db()
    assert started.phase == Phase.INTRODUCTION_TRIAL
    last = started.transitions.last()
    assert (last.from_phase, last.to_phase, last.by, last.note) == (
        "needs_analysis",
        "introduction_trial",
        fk_officer,
        "Plan klar",
    )


def test_after_day_365_the_case_can_only_be_closed(area, fk_officer, af_officer, login):
    person = PersonFactory(area=area)
    case = open_needs_analysis(person, fk_officer, af_officer, started=366)
    add_plan(case, fk_officer)
    case.refresh_from_db()

    response = login(fk_officer).post(
        url("cases:case_transition", case),
        {"to_phase": "introduction_trial", "on": TODAY().isoformat(), "version": case.version},
    )

    assert "har passerat 365 dagar i samverkan och kan bara avslutas" in field_error(
        response, "to_phase"
    )
    assert Case.objects.get(pk=case.pk).phase == Phase.NEEDS_ANALYSIS


def test_a_phase_not_offered_is_refused_and_a_start_before_the_referral_too(
    person, fk_officer, af_officer, login
):
    case = case_open(
        person=person,
        referral_date=days_ago(10),
        fk_officer=fk_officer,
        context=AccessContext.for_user(fk_officer),
    )
    client = login(fk_officer)
    skip = client.post(
        url("cases:case_transition", case),
        {"to_phase": "work_oriented", "on": TODAY().isoformat(), "version": case.version},
    )
    assert "Välj ett giltigt alternativ" in field_error(skip, "to_phase")

    early = client.post(
        url("cases:case_transition", case),
        {"to_phase": "needs_analysis", "on": days_ago(11).isoformat(), "version": case.version},
    )
    assert field_error(early, "on")
    case.refresh_from_db()
    assert case.phase == Phase.REFERRED and case.start_date is None

    ok = client.post(
        url("cases:case_transition", case),
        {"to_phase": "needs_analysis", "on": days_ago(2).isoformat(), "version": case.version},
    )
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.phase == Phase.NEEDS_ANALYSIS and case.start_date == days_ago(2)


def test_a_stale_phase_form_is_a_conflict(started, fk_officer, af_officer, login):
    add_plan(started, fk_officer)
    stale = Case.objects.get(pk=started.pk).version
    case_update(
        case=started,
        expected_version=None,
        data={"af_notes": "Ändrat"},
        context=AccessContext.for_user(af_officer),
    )
    response = login(fk_officer).post(
        url("cases:case_transition", started),
        {"to_phase": "introduction_trial", "on": TODAY().isoformat(), "version": stale},
    )
    assert "Någon annan har ändrat uppgifterna" in response.content.decode()
    assert Case.objects.get(pk=started.pk).phase == Phase.NEEDS_ANALYSIS


# --- closing ----------------------------------------------------------------------------------


def test_officer_closes_a_case_and_is_sent_to_the_closing_documentation(started, fk_officer, login):
    client = login(fk_officer)
    missing = client.post(
        url("cases:case_close", started),
        {"on": TODAY().isoformat(), "exit_reason": "", "version": started.version},
    )
    assert field_error(missing, "exit_reason") == "Det här fältet är obligatoriskt."
    assert Case.objects.get(pk=started.pk).is_open

    closed = client.post(
        url("cases:case_close", started),
        {"on": TODAY().isoformat(), "exit_reason": "completed", "version": started.version},
    )

    assert closed.status_code == 302
    started.refresh_from_db()
    assert (started.phase, started.end_date, started.exit_reason) == (
        Phase.CLOSED,
        TODAY(),
        "completed",
    )
    page = client.get(url("cases:case_detail", started)).content.decode()
    assert 'data-flag="closing_doc_due"' in page
    # the closing documentation is a document AF writes and FK confirms (mapping's pages,
    # mapping/tests/test_closing_documents.py), no longer a date typed on the case
    assert f'href="{url("mapping:closing_document", started)}"' in page
    form = client.get(url("cases:case_edit", started)).content.decode()
    assert 'name="closing_doc_date"' not in form


def test_closing_before_the_start_is_refused(started, fk_officer, login):
    response = login(fk_officer).post(
        url("cases:case_close", started),
        {"on": days_ago(31).isoformat(), "exit_reason": "other", "version": started.version},
    )
    assert field_error(response, "on")
    assert Case.objects.get(pk=started.pk).is_open


# --- moving to another area -------------------------------------------------------------------


def test_coordinator_moves_a_case_and_the_old_area_loses_it(
    started, coordinator, other_coordinator, other_area, login
):
    client = login(coordinator)
    form = client.get(url("cases:case_move", started)).content.decode()
    assert "Umeå" in form and "Södertörn" not in form.split("<form")[1]

    response = client.post(
        url("cases:case_move", started), {"to_area": other_area.pk, "on": TODAY().isoformat()}
    )

    assert response.status_code == 302 and response["Location"] == reverse("home")
    started.refresh_from_db()
    assert started.area == other_area and started.person.area == other_area
    assert started.area_moves.get().to_area == other_area
    home = client.get(reverse("home")).content.decode()
    assert "Ärendet är flyttat till Umeå" in home
    assert client.get(url("cases:case_detail", started)).status_code == 404
    assert login(other_coordinator).get(url("cases:case_detail", started)).status_code == 200


def test_only_coordinators_move_cases(started, fk_officer, other_area, login):
    client = login(fk_officer)
    assert client.get(url("cases:case_move", started)).status_code == 403
    response = client.post(
        url("cases:case_move", started), {"to_area": other_area.pk, "on": TODAY().isoformat()}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=started.pk).area_id != other_area.pk


def test_moving_to_the_same_area_or_in_advance_is_refused(
    started, coordinator, area, other_area, login
):
    client = login(coordinator)
    same = client.post(
        url("cases:case_move", started), {"to_area": area.pk, "on": TODAY().isoformat()}
    )
    assert field_error(same, "to_area")
    ahead = client.post(
        url("cases:case_move", started),
        {"to_area": other_area.pk, "on": (TODAY() + dt.timedelta(days=1)).isoformat()},
    )
    assert field_error(ahead, "on") == "Flytten registreras den dag den sker, inte i förväg."
    assert Case.objects.get(pk=started.pk).area == area


# --- situation, plan, meeting -----------------------------------------------------------------


def test_officer_records_the_situation_at_start(started, af_officer, login):
    client = login(af_officer)
    bad = client.post(
        url("cases:situation_start", started),
        {"employed": "true", "employer_orgnr": "5560360794", "working": "no"},
    )
    assert (
        field_error(bad, "employer_orgnr") == "Organisationsnumret är inte giltigt (NNNNNN-NNNN)."
    )
    share = client.post(
        url("cases:situation_start", started), {"working": "no", "work_share_percent": "50"}
    )
    assert field_error(share, "work_share_percent")
    assert not Situation.objects.exists()

    ok = client.post(
        url("cases:situation_start", started),
        {
            "registered_with_af": "true",
            "employed": "true",
            "employer_orgnr": "5560360793",
            "working": "subsidised",
            "work_share_percent": "50",
            "public_support_months": "14",
        },
    )

    assert ok.status_code == 302
    situation = Situation.objects.get()
    assert situation.moment == "start" and situation.employer_orgnr == "556036-0793"
    assert situation.public_support_months == 14
    page = client.get(url("cases:case_detail", started)).content.decode()
    assert "556036-0793" in page


def test_situation_at_end_has_no_public_support_months(started, af_officer, login):
    client = login(af_officer)
    form = client.get(url("cases:situation_end", started)).content.decode()
    assert 'name="public_support_months"' not in form
    client.post(
        url("cases:situation_end", started), {"working": "unsubsidised", "studying": "false"}
    )
    assert Situation.objects.get().moment == "end"


def test_officer_saves_plan_versions(started, fk_officer, login):
    client = login(fk_officer)
    empty = client.post(url("mapping:plan_create", started), {"goal": " ", "activities": "x"})
    assert field_error(empty, "goal")
    assert not PlanVersion.objects.exists()

    first = {"goal": "Mål ett", "activities": "A", "version": "0"}
    client.post(url("mapping:plan_create", started), first)
    form = client.get(url("mapping:plan_create", started)).content.decode()
    assert "Mål ett" in form  # the new version starts from the latest
    assert 'name="version" value="1"' in form
    client.post(
        url("mapping:plan_create", started), {"goal": "Mål två", "activities": "B", "version": "1"}
    )

    assert list(started.plan_versions.values_list("version", "goal")) == [
        (2, "Mål två"),
        (1, "Mål ett"),
    ]


def test_a_plan_saved_by_someone_else_meanwhile_is_shown_not_superseded(
    started, fk_officer, af_officer, login
):
    # given both officers opened the plan form on version 1
    plan_save(case=started, goal="Mål ett", activities="A", context=AccessContext.system("t"))
    first, second = login(fk_officer), login(af_officer)
    assert (
        'name="version" value="1"'
        in first.get(url("mapping:plan_create", started)).content.decode()
    )
    second.get(url("mapping:plan_create", started))
    first.post(
        url("mapping:plan_create", started), {"goal": "FK:s mål", "activities": "B", "version": "1"}
    )

    # when the second saves what they typed on version 1
    response = second.post(
        url("mapping:plan_create", started), {"goal": "AF:s mål", "activities": "C", "version": "1"}
    )

    # then nothing is saved: the page shows the version saved meanwhile beside what was typed,
    # and the form now carries that version, so saving after comparing goes through
    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat uppgifterna medan du skrev" in body
    assert "AF:s mål" in body
    assert "FK:s mål" in body[body.index('data-testid="stored-values"') :]
    assert 'name="version" value="2"' in body
    assert list(started.plan_versions.values_list("version", "goal")) == [
        (2, "FK:s mål"),
        (1, "Mål ett"),
    ]
    again = second.post(
        url("mapping:plan_create", started), {"goal": "AF:s mål", "activities": "C", "version": "2"}
    )
    assert again.status_code == 302
    assert started.plan_versions.first().goal == "AF:s mål"


def test_officer_registers_a_meeting(started, fk_officer, login):
    client = login(fk_officer)
    future = client.post(
        url("mapping:case_meeting_create", started),
        {"kind": "kontaktmote", "date": (TODAY() + dt.timedelta(days=1)).isoformat()},
    )
    assert field_error(future, "date") == "Registrera mötet när det har hållits."
    no_kind = client.post(
        url("mapping:case_meeting_create", started), {"date": TODAY().isoformat()}
    )
    assert field_error(no_kind, "kind")
    assert not Meeting.objects.exists()

    client.post(
        url("mapping:case_meeting_create", started),
        {
            "kind": "kontaktmote",
            "date": TODAY().isoformat(),
            "participants": ["person", "FK", "employer"],
            "notes": "Återgång till arbetsgivaren",
        },
    )

    meeting = Meeting.objects.get()
    assert meeting.case == started and meeting.person == started.person
    assert meeting.participants == ["person", "FK", "employer"]
    page = client.get(url("cases:case_detail", started)).content.decode()
    assert "Deltagaren, Försäkringskassan, Arbetsgivare" in page


def test_closing_a_case_through_the_service_shows_on_the_page(started, fk_officer, login):
    case_transition(
        case=started,
        to_phase=Phase.CLOSED,
        on=TODAY(),
        exit_reason="too_ill",
        context=AccessContext.for_user(fk_officer),
    )
    body = login(fk_officer).get(url("cases:case_detail", started)).content.decode()
    assert "För sjuk för att fortsätta" in body
    assert url("cases:case_close", started) not in body
    assert url("cases:case_transition", started) not in body


# --- bad input never gives a 500 --------------------------------------------------------------

HUGE = "9" * 25


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cases:case_edit", {"fk_officer": HUGE, "version": "1"}),
        ("cases:case_edit", {"af_notes": "a\x00b", "version": "-5"}),
        ("cases:case_transition", {"to_phase": HUGE, "on": "9999-99-99", "version": "x"}),
        ("cases:case_close", {"on": "0000-00-00", "exit_reason": "\x00", "version": HUGE}),
        ("cases:case_move", {"to_area": HUGE, "on": "igår"}),
        ("cases:situation_start", {"working": "ja", "work_share_percent": HUGE}),
        ("mapping:plan_create", {"goal": "x" * 100_000, "activities": "\x00"}),
        (
            "mapping:case_meeting_create",
            {"kind": "fest", "date": "2024-13-01", "participants": [HUGE]},
        ),
    ],
)
def test_bad_input_is_a_message_not_a_500(started, coordinator, login, name, data):
    before = Case.objects.filter(pk=started.pk).values().get()

    response = login(coordinator).post(url(name, started), data)

    assert response.status_code == 200
    assert "Inget är sparat" in response.content.decode()
    assert Case.objects.filter(pk=started.pk).values().get() == before
    assert not PlanVersion.objects.exists() and not Meeting.objects.exists()
    assert not Situation.objects.exists()
