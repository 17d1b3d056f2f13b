"""The phase-transitions resource of the API (issue 6 point 1): a case's dated phase history,
read through the case's scope, and new transitions through cases.services.case_transition.
Transitions are history: there is no PATCH."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.models import Case, PhaseTransition
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.services import plan_save
from samverkan.services import AccessContext

TODAY = dt.date.today()
REASON = "Handläggning efter telefonsamtal med deltagaren"
LIST = reverse("api:phase-transition-list")


def _detail(transition):
    return reverse("api:phase-transition-detail", args=[transition.pk])


def _token_client(user):
    _token, secret = api_token_create(user=user, name="Test")
    return Client(headers={"Authorization": f"Token {secret}"})


def _post(client, data, **headers):
    return client.post(LIST, data, content_type="application/json", **headers)


def _move(case, to_phase, **fields):
    return {
        "case": case.pk,
        "to_phase": to_phase,
        "date": str(TODAY),
        "version": case.version,
        **fields,
    }


def _transition(case, to_phase, day, from_phase=""):
    return PhaseTransition.objects.create(
        case=case, from_phase=from_phase, to_phase=to_phase, date=day
    )


@pytest.fixture
def referred(person, fk_officer, af_officer):
    """A referred case of the area, on both officers' caseload, with its first transition."""
    case = CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        phase=Case.Phase.REFERRED,
        start_date=None,
        referral_date=TODAY - dt.timedelta(days=10),
    )
    _transition(case, "referred", case.referral_date)
    return case


# --- list and detail --------------------------------------------------------------------------


def test_officer_lists_the_transitions_of_their_cases_and_each_is_logged(
    referred, fk_officer, login
):
    first = referred.transitions.get()

    response = login(fk_officer).get(LIST)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["id"], r["case"], r["to_phase"]) for r in rows] == [
        (first.pk, referred.pk, "referred")
    ]
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW, object_type="phasetransition")
    assert entry.person_id == referred.person_id and entry.user == fk_officer


def test_detail_is_logged_with_the_person(referred, af_officer, login):
    first = referred.transitions.get()

    response = login(af_officer).get(_detail(first))

    assert response.status_code == 200
    assert response.json()["date"] == str(referred.referral_date)
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert entry.object_id == str(first.pk) and entry.person_id == referred.person_id
    assert entry.purpose == "eget ärendebestånd"


def test_colleague_needs_a_reason_for_the_detail(referred, colleague, login):
    first = referred.transitions.get()
    client = login(colleague)

    assert client.get(LIST).json()["count"] == 0
    assert client.get(_detail(first)).status_code == 403
    assert client.get(_detail(first), HTTP_X_ACCESS_REASON=REASON).status_code == 200


def test_outsider_sees_no_transitions_of_the_area(referred, outsider, login):
    client = login(outsider)

    assert client.get(LIST).json()["results"] == []
    detail = client.get(_detail(referred.transitions.get()), HTTP_X_ACCESS_REASON=REASON)
    assert detail.status_code == 404
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED, user=outsider).exists()


@pytest.mark.parametrize("role", ["management", "analyst"])
def test_role_without_case_access_sees_no_transitions(role, referred, request, login):
    client = login(request.getfixturevalue(role))

    assert client.get(LIST).json()["count"] == 0
    assert client.get(_detail(referred.transitions.get())).status_code == 404


@pytest.fixture
def history(area, other_area, coordinator):
    """Transitions of two cases of the area and one of another area (the coordinator works in
    both areas)."""
    coordinator.staff_profile.areas.add(other_area)
    one = CaseFactory(person=PersonFactory(area=area), start_date=dt.date(2025, 1, 10))
    two = CaseFactory(person=PersonFactory(area=area), start_date=dt.date(2025, 2, 10))
    far = CaseFactory(person=PersonFactory(area=other_area), start_date=dt.date(2025, 1, 20))
    return {
        "one_referred": _transition(one, "referred", dt.date(2025, 1, 3)),
        "one_started": _transition(one, "needs_analysis", dt.date(2025, 1, 10), "referred"),
        "two_started": _transition(two, "needs_analysis", dt.date(2025, 2, 10)),
        "two_closed": _transition(two, "closed", dt.date(2025, 3, 1), "needs_analysis"),
        "far_started": _transition(far, "needs_analysis", dt.date(2025, 1, 20)),
    }


def _names(client, history, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    by_id = {t.pk: name for name, t in history.items()}
    return {by_id[row["id"]] for row in response.json()["results"]}


def test_transitions_filter_by_case(history, coordinator, login):
    case = history["one_started"].case_id

    assert _names(login(coordinator), history, case=case) == {"one_referred", "one_started"}


def test_transitions_filter_by_area(history, coordinator, login):
    client = login(coordinator)

    assert _names(client, history, area="ume") == {"far_started"}
    assert "far_started" not in _names(client, history, area="sdt")


def test_transitions_filter_by_period_on_their_date(history, coordinator, login):
    client = login(coordinator)

    assert _names(client, history, **{"from": "2025-02-01"}) == {"two_started", "two_closed"}
    assert _names(client, history, to="2025-01-10", area="sdt") == {"one_referred", "one_started"}


def test_transitions_filter_by_the_phase_moved_to(history, coordinator, login):
    client = login(coordinator)

    assert _names(client, history, phase="closed") == {"two_closed"}
    assert _names(client, history, phase="needs_analysis", area="sdt") == {
        "one_started",
        "two_started",
    }


@pytest.mark.parametrize(
    ("param", "value"),
    [("case", "ett"), ("case", "0"), ("phase", "slut"), ("from", "1/2"), ("area", "x y")],
)
def test_invalid_filter_value_is_400_naming_the_parameter(param, value, fk_officer, login):
    response = login(fk_officer).get(LIST, {param: value})

    assert response.status_code == 400
    assert param in response.json()


# --- a new transition (POST) ------------------------------------------------------------------


def test_officer_starts_the_needs_analysis(referred, af_officer, login):
    response = _post(login(af_officer), _move(referred, "needs_analysis", note=" Start "))

    assert response.status_code == 201, response.content
    created = PhaseTransition.objects.get(pk=response.json()["id"])
    assert (created.from_phase, created.to_phase, created.date) == (
        "referred",
        "needs_analysis",
        TODAY,
    )
    assert created.note == "Start" and created.by == af_officer
    assert response.json()["case"] == referred.pk and response.json()["by"] == af_officer.pk
    referred.refresh_from_db()
    assert referred.phase == "needs_analysis" and referred.start_date == TODAY
    assert referred.version == 2
    logged = AccessLog.objects.get(action=AccessLog.Action.UPDATE, object_type="case")
    assert logged.purpose == "fas: referred → needs_analysis" and logged.user == af_officer


def test_introduction_and_trial_needs_a_plan_first(case, fk_officer, login):
    client = login(fk_officer)

    refused = _post(client, _move(case, "introduction_trial"))
    plan_save(
        case=case,
        goal="Arbete i handeln",
        activities="Arbetsprövning",
        context=AccessContext.system("test"),
    )
    moved = _post(client, _move(case, "introduction_trial"))

    assert refused.status_code == 400
    assert refused.json() == {
        "to_phase": ["En individuell plan måste finnas före introduktion och prövning."]
    }
    assert moved.status_code == 201, moved.content


def test_case_cannot_skip_or_go_back(case, fk_officer, login):
    client = login(fk_officer)

    for phase in ("work_oriented", "referred", "needs_analysis"):
        response = _post(client, _move(case, phase))
        assert response.status_code == 400
        assert "to_phase" in response.json()
    assert not PhaseTransition.objects.filter(case=case).exists()


def test_closing_needs_an_exit_reason_and_records_the_end(case, fk_officer, login):
    client = login(fk_officer)

    missing = _post(client, _move(case, "closed"))
    closed = _post(client, _move(case, "closed", exit_reason="completed"))

    assert missing.status_code == 400
    assert missing.json() == {"exit_reason": ["Välj avslutsorsak."]}
    assert closed.status_code == 201, closed.content
    case.refresh_from_db()
    assert (case.phase, case.end_date, case.exit_reason) == ("closed", TODAY, "completed")


def test_exit_reason_is_refused_when_not_closing(referred, fk_officer, login):
    response = _post(login(fk_officer), _move(referred, "needs_analysis", exit_reason="moved"))

    assert response.status_code == 400
    assert "exit_reason" in response.json()
    referred.refresh_from_db()
    assert referred.phase == "referred"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date": str(TODAY + dt.timedelta(days=1))}, "date"),
        ({"date": str(TODAY - dt.timedelta(days=20))}, "date"),  # before the referral
        ({"date": "2025-02-29"}, "date"),
        ({"date": None}, "date"),
        ({"to_phase": "slutet"}, "to_phase"),
        ({"case": "ärendet"}, "case"),
        ({"case": 999999}, "case"),
        ({"version": 0}, "version"),
        ({"note": "x" * 301}, "note"),
        ({"phase": "closed"}, "phase"),
    ],
)
def test_bad_transition_is_400_naming_the_field_and_saves_nothing(
    fields, field, referred, fk_officer, login
):
    response = _post(login(fk_officer), {**_move(referred, "needs_analysis"), **fields})

    assert response.status_code == 400
    assert field in response.json()
    assert referred.transitions.count() == 1
    referred.refresh_from_db()
    assert referred.version == 1


@pytest.mark.parametrize("missing", ["case", "to_phase", "date", "version"])
def test_missing_field_is_400(missing, referred, fk_officer, login):
    data = _move(referred, "needs_analysis")
    del data[missing]

    response = _post(login(fk_officer), data)

    assert response.status_code == 400
    assert missing in response.json()


def test_stale_version_is_409_and_moves_nothing(referred, fk_officer, login):
    stale = _move(referred, "needs_analysis")
    referred.target_group = "sick_unemployed"
    referred.version = 2
    referred.save()

    response = _post(login(fk_officer), stale)

    assert response.status_code == 409
    assert "Någon annan har ändrat" in response.json()["detail"]
    referred.refresh_from_db()
    assert referred.phase == "referred" and referred.transitions.count() == 1


def test_colleague_outside_the_caseload_needs_a_reason(referred, colleague, login):
    client = login(colleague)

    refused = _post(client, _move(referred, "needs_analysis"))
    moved = _post(client, _move(referred, "needs_analysis"), HTTP_X_ACCESS_REASON=REASON)

    assert refused.status_code == 403
    assert moved.status_code == 201
    assert AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS, user=colleague).exists()


def test_outsider_cannot_move_this_areas_case(referred, outsider, login):
    client = login(outsider)

    other = _post(
        client, _move(referred, "closed", exit_reason="moved"), HTTP_X_ACCESS_REASON=REASON
    )
    missing = _post(client, {**_move(referred, "closed", exit_reason="moved"), "case": 999999})

    # the same answer as for a case that does not exist
    assert other.status_code == missing.status_code == 400
    assert (
        other.json()
        == missing.json()
        == {"case": ["Finns inte bland de poster du har åtkomst till."]}
    )
    referred.refresh_from_db()
    assert referred.phase == "referred"


@pytest.mark.parametrize("role", ["management", "analyst"])
def test_role_without_case_access_may_not_move_cases(role, referred, request, login):
    response = _post(login(request.getfixturevalue(role)), _move(referred, "needs_analysis"))

    assert response.status_code == 403
    assert response.json() == {"detail": "Din roll får inte ändra detta."}
    referred.refresh_from_db()
    assert referred.phase == "referred"


def test_transitions_are_history_without_patch(referred, coordinator, login):
    first = referred.transitions.get()

    response = login(coordinator).patch(
        _detail(first), {"note": "ändrad"}, content_type="application/json"
    )

    assert response.status_code == 405
    first.refresh_from_db()
    assert first.note == ""


# --- token authentication ---------------------------------------------------------------------


def test_token_client_lists_and_moves(referred, fk_officer):
    client = _token_client(fk_officer)

    moved = _post(client, _move(referred, "needs_analysis"))
    listed = client.get(LIST, {"case": referred.pk})

    assert moved.status_code == 201
    assert [row["to_phase"] for row in listed.json()["results"]] == ["referred", "needs_analysis"]
