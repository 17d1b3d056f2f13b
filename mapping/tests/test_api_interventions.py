"""`/api/v1/interventions/`: interventions through the API, with start, end and the move to a
work-oriented intervention as actions of their own, the pages' scoping and access log, and the
case's phase moving with the support given (SPEC §4, §6, §7)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.models import Case, Phase
from cases.tests.factories import CaseFactory, PersonFactory
from mapping import services
from mapping.models import Intervention
from mapping.tests.factories import InterventionFactory
from samverkan.services import AccessContext

TODAY = dt.date.today()
NOT_IN_SCOPE = "Finns inte bland de poster du har åtkomst till."
LIST = "/api/v1/interventions/"
BODY = {"kind": "wellness", "provider": "AF", "hours_per_week": "6.5", "goal": "Orka en dag"}


def _day(days_ago):
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def _detail(intervention, action=None):
    name = f"api:intervention-{action or 'detail'}"
    return reverse(name, args=[intervention.pk])


def _post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", **headers)


def _patch(client, intervention, data):
    return client.patch(_detail(intervention), data, content_type="application/json")


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def planned(case):
    """A planned work-preparatory intervention in the team's case (needs analysis)."""
    return InterventionFactory(case=case)


@pytest.fixture
def with_plan(case, fk_officer):
    services.plan_save(
        case=case, goal="Arbete", activities="Friskvård", context=AccessContext.for_user(fk_officer)
    )
    return case


@pytest.fixture
def running(with_plan, fk_officer):
    """A work-preparatory intervention started ten days ago (the case is in introduction and
    trial since)."""
    return services.intervention_create(
        case=with_plan,
        start_date=TODAY - dt.timedelta(days=10),
        context=AccessContext.for_user(fk_officer),
        **BODY,
    )


# --- reading ----------------------------------------------------------------------------------


def test_officer_lists_the_interventions_of_their_caseload(
    login, planned, area, fk_officer, colleague, coordinator
):
    other = InterventionFactory(case=CaseFactory(person=PersonFactory(area=area)))
    assert _ids(login(fk_officer).get(LIST)) == {planned.pk}
    assert _ids(login(colleague).get(LIST)) == set()
    assert _ids(login(coordinator).get(LIST)) == {planned.pk, other.pk}


def test_detail_shows_the_intervention_and_is_logged(login, planned, case, af_officer):
    response = login(af_officer).get(_detail(planned))
    assert response.status_code == 200
    data = response.json()
    assert (data["case"], data["person"], data["state"]) == (case.pk, case.person_id, "planned")
    assert (data["category"], data["hours_per_week"]) == ("work_preparatory", "6.0")
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW,
        object_type="intervention",
        object_id=str(planned.pk),
        person_id=case.person_id,
    ).exists()


def test_a_person_outside_the_caseload_needs_a_stated_reason(login, planned, colleague):
    client = login(colleague)
    assert client.get(_detail(planned)).status_code == 403
    reason = "Uppföljning för teamet"
    assert client.get(_detail(planned), HTTP_X_ACCESS_REASON=reason).status_code == 200


def test_outsider_sees_nothing_and_gets_404(login, planned, outsider):
    client = login(outsider)
    assert _ids(client.get(LIST)) == set()
    assert client.get(_detail(planned)).status_code == 404
    assert _patch(client, planned, {"version": 1, "goal": "x"}).status_code == 404
    started = _post(client, _detail(planned, "start"), {"version": 1, "start_date": _day(1)})
    assert started.status_code == 404
    planned.refresh_from_db()
    assert (planned.goal, planned.start_date) == ("Orka en regelbunden dag.", None)


@pytest.mark.parametrize("who", ["management", "analyst"])
def test_roles_without_case_access_see_no_intervention_and_may_not_write(
    login, request, planned, case, who
):
    client = login(request.getfixturevalue(who))
    assert client.get(LIST).json()["results"] == []
    assert client.get(_detail(planned)).status_code == 404
    created = _post(client, LIST, {"case": case.pk, **BODY})
    assert created.status_code == 403
    assert created.json() == {"detail": "Din roll får inte ändra detta."}
    ended = _post(client, _detail(planned, "end"), {"version": 1})
    assert ended.status_code == 403


def test_the_list_costs_no_query_per_intervention(login, running, fk_officer):
    client = login(fk_officer)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(LIST).json()["results"]) == 1
    # a move gives the running one a successor (moved_to) and adds a second intervention
    services.intervention_move(
        intervention=running,
        expected_version=running.version,
        on=TODAY,
        outcome="goal_reached",
        kind="work_trial",
        provider="employer",
        hours_per_week=10,
        goal="Prova",
        context=AccessContext.for_user(fk_officer),
    )
    InterventionFactory(case=running.case)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(LIST).json()["results"]) == 3
    assert len(three) == len(one)


def test_token_authentication_reads_the_interventions(client, planned, fk_officer):
    _token, secret = api_token_create(user=fk_officer, name="Exportjobb")
    assert _ids(client.get(LIST, HTTP_AUTHORIZATION=f"Token {secret}")) == {planned.pk}


# --- registering ------------------------------------------------------------------------------


def test_a_planned_intervention_is_registered(login, case, af_officer):
    response = _post(login(af_officer), LIST, {"case": case.pk, **BODY, "planned_start": _day(-7)})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["state"], data["category"], data["hours_per_week"]) == (
        "planned",
        "work_preparatory",
        "6.5",
    )
    intervention = Intervention.objects.get()
    assert AccessLog.objects.filter(
        action=AccessLog.Action.CREATE, object_id=str(intervention.pk), user=af_officer
    ).exists()


def test_a_started_intervention_moves_the_case_to_introduction_and_trial(
    login, with_plan, af_officer
):
    response = _post(login(af_officer), LIST, {"case": with_plan.pk, **BODY, "start_date": _day(2)})
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "active"
    with_plan.refresh_from_db()
    assert with_plan.phase == Phase.INTRODUCTION_TRIAL


def test_starting_without_an_individual_plan_is_a_400(login, case, af_officer):
    response = _post(login(af_officer), LIST, {"case": case.pk, **BODY, "start_date": _day(2)})
    assert response.status_code == 400
    assert list(response.json()) == ["start_date"]
    assert not Intervention.objects.exists()
    case.refresh_from_db()
    assert case.phase == Phase.NEEDS_ANALYSIS


def test_another_areas_case_is_refused_like_an_unknown_one(login, case, outsider):
    client = login(outsider)
    theirs = _post(client, LIST, {"case": case.pk, **BODY})
    unknown = _post(client, LIST, {"case": 10**12, **BODY})
    assert theirs.status_code == unknown.status_code == 400
    assert theirs.json() == unknown.json() == {"case": [NOT_IN_SCOPE]}
    assert not Intervention.objects.exists()


def test_registering_for_a_person_outside_the_caseload_needs_a_reason(login, case, colleague):
    assert _post(login(colleague), LIST, {"case": case.pk, **BODY}).status_code == 403
    reason = "Tar över ärendet i dag"
    created = _post(login(colleague), LIST, {"case": case.pk, **BODY}, HTTP_X_ACCESS_REASON=reason)
    assert created.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "yoga"}, "kind"),
        ({"provider": "kommunen"}, "provider"),
        ({"provider": "purchased"}, "provider_name"),
        ({"hours_per_week": "sex"}, "hours_per_week"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": 41}, "hours_per_week"),
        ({"hours_per_week": "6.25"}, "hours_per_week"),
        ({"hours_per_week": "NaN"}, "hours_per_week"),
        ({"goal": ""}, "goal"),
        ({"planned_start": _day(3)}, "planned_start"),
        ({"start_date": _day(-1)}, "start_date"),
        ({"start_date": "2026-02-31"}, "start_date"),
        ({"case": None}, "case"),
        ({"outcome": "goal_reached"}, "outcome"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(login, case, fk_officer, change, field):
    response = _post(login(fk_officer), LIST, {"case": case.pk, **BODY, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Intervention.objects.exists()


def test_a_closed_case_gets_no_intervention(login, area, fk_officer):
    closed = CaseFactory(
        person=PersonFactory(area=area), fk_officer=fk_officer, phase=Case.Phase.CLOSED
    )
    response = _post(login(fk_officer), LIST, {"case": closed.pk, **BODY})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Ärendet är avslutat."]}


# --- changing ---------------------------------------------------------------------------------


def test_patch_changes_the_description(login, planned, fk_officer):
    response = _patch(
        login(fk_officer), planned, {"version": 1, "goal": "Nytt mål", "hours_per_week": 8}
    )
    assert response.status_code == 200, response.content
    planned.refresh_from_db()
    assert (planned.goal, planned.hours_per_week, planned.version) == ("Nytt mål", 8, 2)
    assert AccessLog.objects.filter(
        action=AccessLog.Action.UPDATE, object_id=str(planned.pk)
    ).exists()


def test_stale_version_is_409_and_changes_nothing(login, planned, fk_officer):
    client = login(fk_officer)
    assert _patch(client, planned, {"version": 1, "goal": "A"}).status_code == 200
    assert _patch(client, planned, {"version": 1, "goal": "B"}).status_code == 409
    planned.refresh_from_db()
    assert (planned.goal, planned.version) == ("A", 2)


def test_patch_refuses_what_it_cannot_change(login, planned, fk_officer):
    client = login(fk_officer)
    assert list(_patch(client, planned, {"goal": "A"}).json()) == ["version"]
    dates = _patch(client, planned, {"version": 1, "start_date": _day(1)})
    assert dates.status_code == 400 and list(dates.json()) == ["start_date"]
    outcome = _patch(client, planned, {"version": 1, "outcome": "goal_reached"})
    assert outcome.status_code == 400 and list(outcome.json()) == ["outcome"]
    planned.refresh_from_db()
    assert planned.version == 1


# --- start, end, move -------------------------------------------------------------------------


def test_start_a_planned_intervention(login, with_plan, fk_officer):
    planned = InterventionFactory(case=with_plan)
    response = _post(
        login(fk_officer), _detail(planned, "start"), {"version": 1, "start_date": _day(1)}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "active"
    with_plan.refresh_from_db()
    assert with_plan.phase == Phase.INTRODUCTION_TRIAL


def test_start_with_a_stale_version_is_409(login, with_plan, fk_officer):
    planned = InterventionFactory(case=with_plan, version=2)
    response = _post(
        login(fk_officer), _detail(planned, "start"), {"version": 1, "start_date": _day(1)}
    )
    assert response.status_code == 409
    planned.refresh_from_db()
    assert planned.start_date is None


def test_start_twice_is_a_400(login, running, fk_officer):
    response = _post(
        login(fk_officer),
        _detail(running, "start"),
        {"version": running.version, "start_date": _day(1)},
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Insatsen har redan startat."]}


def test_end_a_running_intervention(login, running, fk_officer):
    response = _post(
        login(fk_officer),
        _detail(running, "end"),
        {
            "version": running.version,
            "end_date": _day(1),
            "outcome": "goal_reached",
            "follow_up_notes": "Klar",
        },
    )
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["outcome"]) == ("ended", "goal_reached")
    running.refresh_from_db()
    assert (running.end_date, running.follow_up_notes) == (TODAY - dt.timedelta(days=1), "Klar")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": _day(11)}, "end_date"),
        ({"end_date": _day(-1)}, "end_date"),
        ({"outcome": "bra"}, "outcome"),
        ({"end_date": None}, "end_date"),
    ],
)
def test_end_with_bad_input_is_a_400(login, running, fk_officer, change, field):
    body = {"version": running.version, "end_date": _day(1), "outcome": "aborted", **change}
    response = _post(login(fk_officer), _detail(running, "end"), body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    running.refresh_from_db()
    assert running.end_date is None


def _move_body(running, **change):
    return {
        "version": running.version,
        "date": _day(1),
        "outcome": "partly_reached",
        "kind": "work_trial",
        "provider": "employer",
        "hours_per_week": 20,
        "goal": "Prova lagerarbete",
        **change,
    }


def test_move_to_a_work_oriented_intervention(login, running, fk_officer):
    response = _post(login(fk_officer), _detail(running, "move"), _move_body(running))
    assert response.status_code == 201, response.content
    new = Intervention.objects.get(pk=response.json()["id"])
    assert (new.category, new.moved_from, new.start_date) == (
        "work_oriented",
        running,
        TODAY - dt.timedelta(days=1),
    )
    running.refresh_from_db()
    assert (running.end_date, running.outcome) == (TODAY - dt.timedelta(days=1), "partly_reached")
    assert new.case.phase == Phase.WORK_ORIENTED
    assert login(fk_officer).get(_detail(running)).json()["moved_to"] == new.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "wellness"}, "kind"),
        ({"date": _day(20)}, "date"),
        ({"date": _day(-2)}, "date"),
        ({"hours_per_week": 50}, "hours_per_week"),
        ({"provider": "purchased"}, "provider_name"),
    ],
)
def test_move_with_bad_input_is_a_400_and_changes_nothing(
    login, running, fk_officer, change, field
):
    response = _post(login(fk_officer), _detail(running, "move"), _move_body(running, **change))
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    running.refresh_from_db()
    assert running.end_date is None
    assert Intervention.objects.count() == 1


def test_move_with_a_stale_version_is_409(login, running, fk_officer):
    response = _post(
        login(fk_officer),
        _detail(running, "move"),
        _move_body(running, version=running.version + 1),
    )
    assert response.status_code == 409
    assert Intervention.objects.count() == 1


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def interventions(area, case):
    """In the team's case (needs analysis, sick and unemployed): one planned and one that ran
    in January 2026. In another case (work-oriented support, exhausted insurance): one that
    started in March 2026 and still runs."""
    case.target_group = "sick_unemployed"
    case.save()
    other = CaseFactory(
        person=PersonFactory(area=area),
        phase=Phase.WORK_ORIENTED,
        target_group="exhausted_insurance",
    )
    return {
        "planned": InterventionFactory(case=case),
        "ended": InterventionFactory(
            case=case,
            start_date=dt.date(2026, 1, 5),
            end_date=dt.date(2026, 1, 30),
            outcome="goal_reached",
        ),
        "active": InterventionFactory(
            case=other, kind="work_trial", start_date=dt.date(2026, 3, 2)
        ),
    }


def test_filter_by_area_and_case(login, coordinator, case, interventions):
    client = login(coordinator)
    assert _ids(client.get(LIST, {"area": "sdt"})) == {i.pk for i in interventions.values()}
    assert _ids(client.get(LIST, {"area": "ume"})) == set()
    assert _ids(client.get(LIST, {"case": case.pk})) == {
        interventions["planned"].pk,
        interventions["ended"].pk,
    }


def test_filter_by_period_of_the_start(login, coordinator, interventions):
    client = login(coordinator)
    assert _ids(client.get(LIST, {"from": "2026-01-01", "to": "2026-01-31"})) == {
        interventions["ended"].pk
    }
    assert _ids(client.get(LIST, {"from": "2026-02-01"})) == {interventions["active"].pk}


@pytest.mark.parametrize("state", ["planned", "active", "ended"])
def test_filter_by_state(login, coordinator, interventions, state):
    assert _ids(login(coordinator).get(LIST, {"state": state})) == {interventions[state].pk}


def test_filter_by_category_phase_and_target_group(login, coordinator, interventions):
    client = login(coordinator)
    oriented = {interventions["active"].pk}
    assert _ids(client.get(LIST, {"category": "work_oriented"})) == oriented
    assert _ids(client.get(LIST, {"phase": "work_oriented"})) == oriented
    assert _ids(client.get(LIST, {"target_group": "exhausted_insurance"})) == oriented
    bad = client.get(LIST, {"state": "klar"})
    assert bad.status_code == 400 and "state" in bad.json()
