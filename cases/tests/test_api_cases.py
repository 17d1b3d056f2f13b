"""The cases resource of the API (issue 6 point 1): list and detail with filters, opening a case
(POST, cases.services.case_open) and changing it (PATCH, cases.services.case_update), with the
pages' rules: scoping, reasons outside the caseload, secrecy between the agencies, versions."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.models import Case, PhaseTransition
from cases.services import consent_record, person_create
from cases.tests.factories import CaseFactory, PersonFactory, make_personnummer
from samverkan.services import AccessContext

TODAY = dt.date.today()
REASON = "Handläggning efter telefonsamtal med deltagaren"
LIST = reverse("api:case-list")


def _detail(case):
    return reverse("api:case-detail", args=[case.pk])


def _token_client(user):
    _token, secret = api_token_create(user=user, name="Test")
    return Client(headers={"Authorization": f"Token {secret}"})


def _post(client, data, **headers):
    return client.post(LIST, data, content_type="application/json", **headers)


def _patch(client, case, data, **headers):
    return client.patch(_detail(case), data, content_type="application/json", **headers)


def _registered_by(user, area):
    """A person the user registered: on their caseload until a case is opened (as on the
    pages), so opening the case needs no reason."""
    return person_create(
        personnummer=make_personnummer(),
        first_name="Nils",
        last_name="Nyberg",
        area=area,
        context=AccessContext.for_user(user),
    )


def _opening(who, **fields):
    return {"person": who.pk, "referral_date": str(TODAY - dt.timedelta(days=3)), **fields}


def _logged(action, obj):
    return AccessLog.objects.filter(action=action, object_type="case", object_id=str(obj.pk))


# --- list and detail --------------------------------------------------------------------------


def test_officer_lists_own_cases_and_each_row_is_logged(case, fk_officer, login):
    response = login(fk_officer).get(LIST)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [case.pk]
    assert _logged(AccessLog.Action.VIEW, case).get().user == fk_officer


def test_detail_shows_version_and_area_code_and_is_logged(case, fk_officer, login):
    response = login(fk_officer).get(_detail(case))

    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1 and data["area"] == "sdt" and data["person"] == case.person_id
    assert _logged(AccessLog.Action.VIEW, case).get().purpose == "eget ärendebestånd"


def test_fk_officer_sees_own_secret_fields_but_not_afs(case, fk_officer, login):
    data = login(fk_officer).get(_detail(case)).json()

    assert {"benefit", "return_unlikely_before_181", "fk_notes"} <= set(data)
    assert "af_notes" not in data


def test_role_without_case_access_sees_no_cases(case, management, analyst, login):
    for user in (management, analyst):
        client = login(user)
        assert client.get(LIST).json()["count"] == 0
        assert client.get(_detail(case)).status_code == 404


def test_outsider_sees_none_of_the_areas_cases(case, outsider, login):
    client = login(outsider)

    assert client.get(LIST).json()["results"] == []
    assert client.get(_detail(case), HTTP_X_ACCESS_REASON=REASON).status_code == 404
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED, user=outsider).exists()


@pytest.fixture
def three_cases(area, other_area, fk_officer):
    """Three cases of the area (referred, started in January, started in March) and one of
    another area, all the FK officer's."""
    referred = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        phase=Case.Phase.REFERRED,
        start_date=None,
        referral_date=dt.date(2025, 1, 2),
        target_group="sick_unemployed",
    )
    january = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        start_date=dt.date(2025, 1, 10),
        target_group="sick_unemployed",
    )
    march = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        phase=Case.Phase.WORK_ORIENTED,
        start_date=dt.date(2025, 3, 10),
        target_group="young_activity_comp",
    )
    return referred, january, march


def _ids(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_cases_filter_by_area(three_cases, coordinator, other_area, login):
    coordinator.staff_profile.areas.add(other_area)
    elsewhere = CaseFactory(person=PersonFactory(area=other_area))
    client = login(coordinator)

    assert _ids(client, area="sdt") == {c.pk for c in three_cases}
    assert _ids(client, area="ume") == {elsewhere.pk}


def test_cases_filter_by_period_on_start_date(three_cases, coordinator, login):
    referred, january, march = three_cases
    client = login(coordinator)

    assert _ids(client, **{"from": "2025-02-01"}) == {march.pk}
    assert _ids(client, to="2025-02-01") == {january.pk}
    assert _ids(client, **{"from": "2025-01-10", "to": "2025-03-10"}) == {january.pk, march.pk}


def test_cases_filter_by_phase_and_target_group(three_cases, coordinator, login):
    referred, january, march = three_cases
    client = login(coordinator)

    assert _ids(client, phase="referred") == {referred.pk}
    assert _ids(client, target_group="sick_unemployed") == {referred.pk, january.pk}
    assert _ids(client, target_group="young_activity_comp", phase="work_oriented") == {march.pk}


def test_cases_filter_by_person(three_cases, coordinator, login):
    referred, _january, _march = three_cases

    assert _ids(login(coordinator), person=referred.person_id) == {referred.pk}


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("phase", "avslutad"),
        ("target_group", "alla"),
        ("from", "2025-02-30"),
        ("to", "igår"),
        ("person", "tre"),
        ("area", "<script>"),
    ],
)
def test_invalid_filter_value_is_400_naming_the_parameter(param, value, case, fk_officer, login):
    response = login(fk_officer).get(LIST, {param: value})

    assert response.status_code == 400
    assert param in response.json()


# --- opening a case (POST) --------------------------------------------------------------------


def test_officer_opens_a_referred_case_for_a_person_they_registered(area, fk_officer, login):
    person = _registered_by(fk_officer, area)

    response = _post(login(fk_officer), _opening(person, fk_officer=fk_officer.pk))

    assert response.status_code == 201, response.content
    case = Case.objects.get(person=person)
    assert response.json()["id"] == case.pk
    assert response.json()["phase"] == "referred" and response.json()["version"] == 1
    assert case.fk_officer == fk_officer and case.start_date is None
    assert PhaseTransition.objects.get(case=case).to_phase == "referred"
    assert _logged(AccessLog.Action.CREATE, case).get().purpose == "ärende öppnat"


def test_case_opened_in_the_needs_analysis_is_dated_by_its_start(area, af_officer, login):
    person = _registered_by(af_officer, area)
    start = TODAY - dt.timedelta(days=1)

    response = _post(
        login(af_officer),
        {"person": person.pk, "phase": "needs_analysis", "start_date": str(start)},
    )

    assert response.status_code == 201, response.content
    assert Case.objects.get(person=person).start_date == start


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"referral_date": None}, "referral_date"),
        ({"referral_date": str(TODAY + dt.timedelta(days=2))}, "referral_date"),
        ({"referral_date": "0001-01-01"}, "referral_date"),
        ({"referral_date": "2025-13-01"}, "referral_date"),
        ({"phase": "needs_analysis"}, "start_date"),
        ({"start_date": str(TODAY)}, "start_date"),
        ({"phase": "closed"}, "phase"),
        ({"target_group": "alla"}, "target_group"),
        ({"person": "Greta"}, "person"),
        ({"person": 10**30}, "person"),
        ({"fk_officer": "ett"}, "fk_officer"),
        ({"end_date": str(TODAY)}, "end_date"),
    ],
)
def test_opening_with_bad_values_is_400_naming_the_field_and_saves_nothing(
    fields, field, area, fk_officer, login
):
    person = _registered_by(fk_officer, area)

    response = _post(login(fk_officer), _opening(person, **fields))

    assert response.status_code == 400
    assert field in response.json()
    assert not Case.objects.filter(person=person).exists()


def test_missing_person_is_400(fk_officer, login):
    response = _post(login(fk_officer), {"referral_date": str(TODAY)})

    assert response.status_code == 400
    assert "person" in response.json()


def test_second_open_case_for_a_person_is_refused(case, person, coordinator, login):
    response = _post(login(coordinator), _opening(person))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Personen har redan ett öppet ärende."]}
    assert Case.objects.filter(person=person).count() == 1


def test_new_case_cannot_begin_before_the_previous_one_ended(person, coordinator, login):
    CaseFactory(person=person, phase=Case.Phase.CLOSED, start_date=TODAY - dt.timedelta(days=60))
    ended = TODAY - dt.timedelta(days=40)

    response = _post(
        login(coordinator),
        _opening(person, referral_date=str(ended - dt.timedelta(days=1))),
    )

    assert response.status_code == 400
    assert "referral_date" in response.json()


def test_officer_of_the_wrong_agency_is_refused_on_the_team(area, fk_officer, af_officer, login):
    person = _registered_by(fk_officer, area)

    response = _post(login(fk_officer), _opening(person, fk_officer=af_officer.pk))

    assert response.status_code == 400
    assert "fk_officer" in response.json()


def test_officer_of_another_area_is_as_unknown_as_a_missing_id(area, fk_officer, outsider, login):
    person = _registered_by(fk_officer, area)
    client = login(fk_officer)

    other = _post(client, _opening(person, fk_officer=outsider.pk)).json()["fk_officer"]
    missing = _post(client, _opening(person, fk_officer=999999)).json()["fk_officer"]

    assert [m.replace(str(outsider.pk), "X") for m in other] == [
        m.replace("999999", "X") for m in missing
    ]


def test_fk_officer_records_the_benefit_facts_when_opening(area, fk_officer, login):
    person = _registered_by(fk_officer, area)
    end = TODAY + dt.timedelta(days=300)

    response = _post(
        login(fk_officer),
        _opening(person, benefit="sjukpenning", benefit_end_date=str(end)),
    )

    assert response.status_code == 201, response.content
    case = Case.objects.get(person=person)
    assert case.benefit == "sjukpenning" and case.benefit_end_date == end


def test_af_officer_may_not_set_fks_benefit_facts(area, af_officer, login):
    person = _registered_by(af_officer, area)

    response = _post(
        login(af_officer),
        _opening(person, benefit="sjukpenning", sick_leave_start=str(TODAY)),
    )

    assert response.status_code == 400
    assert response.json() == {
        "benefit": ["Uppgiften registreras av den andra myndigheten."],
        "sick_leave_start": ["Uppgiften registreras av den andra myndigheten."],
    }
    assert not Case.objects.filter(person=person).exists()


def test_person_outside_the_caseload_needs_a_reason(area, colleague, login):
    person = PersonFactory(area=area)
    client = login(colleague)

    refused = _post(client, _opening(person))
    opened = _post(client, _opening(person), HTTP_X_ACCESS_REASON=REASON)

    assert refused.status_code == 403
    assert "X-Access-Reason" in refused.json()["detail"]
    assert opened.status_code == 201, opened.content
    grant = AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS)
    assert grant.person_id == person.pk and grant.purpose == REASON
    assert Case.objects.filter(person=person).count() == 1


def test_outsider_cannot_open_a_case_for_this_areas_person(person, outsider, login):
    client = login(outsider)

    other = _post(client, _opening(person), HTTP_X_ACCESS_REASON=REASON)
    missing = _post(client, {**_opening(person), "person": 999999})

    # the same message as for an id that does not exist: the answer reveals nothing
    assert other.status_code == missing.status_code == 400
    assert (
        other.json()
        == missing.json()
        == {"person": ["Finns inte bland de poster du har åtkomst till."]}
    )
    assert not Case.objects.filter(person=person).exists()


@pytest.mark.parametrize("role", ["management", "analyst"])
def test_role_without_case_access_may_not_open_cases(role, person, request, login):
    response = _post(login(request.getfixturevalue(role)), _opening(person))

    assert response.status_code == 403
    assert response.json() == {"detail": "Din roll får inte ändra detta."}
    assert not Case.objects.exists()


# --- changing a case (PATCH) ------------------------------------------------------------------


def test_officer_changes_the_target_group_and_the_change_is_logged(case, af_officer, login):
    response = _patch(login(af_officer), case, {"version": 1, "target_group": "sick_unemployed"})

    assert response.status_code == 200, response.content
    assert response.json()["target_group"] == "sick_unemployed"
    assert response.json()["version"] == 2
    case.refresh_from_db()
    assert case.target_group == "sick_unemployed" and case.version == 2
    assert _logged(AccessLog.Action.UPDATE, case).get().purpose == "ändrade: target_group"


def test_each_agency_sets_its_own_notes(case, fk_officer, af_officer, login):
    fk = _patch(login(fk_officer), case, {"version": 1, "fk_notes": "Läkarintyg inkommet"})
    af = _patch(login(af_officer), case, {"version": 2, "af_notes": "Vill arbeta i handeln"})

    assert fk.status_code == af.status_code == 200
    case.refresh_from_db()
    assert (case.fk_notes, case.af_notes) == ("Läkarintyg inkommet", "Vill arbeta i handeln")
    # each answer leaves out the other agency's notes (no consent recorded)
    assert "af_notes" not in fk.json() and "fk_notes" not in af.json()


@pytest.mark.parametrize(
    "field", ["fk_notes", "benefit", "benefit_end_date", "return_unlikely_before_181"]
)
def test_af_officer_may_not_change_fks_fields(field, case, af_officer, login):
    value = {"fk_notes": "x", "benefit": "ingen", "benefit_end_date": str(TODAY)}.get(field, True)

    response = _patch(login(af_officer), case, {"version": 1, field: value})

    assert response.status_code == 400
    assert response.json() == {field: ["Uppgiften registreras av den andra myndigheten."]}
    case.refresh_from_db()
    assert case.version == 1


def test_fk_officer_may_not_change_afs_notes(case, fk_officer, login):
    response = _patch(login(fk_officer), case, {"version": 1, "af_notes": "x"})

    assert response.status_code == 400
    assert "af_notes" in response.json()


def test_consent_shows_both_sides_after_a_change(case, person, af_officer, login):
    consent_record(
        person=person,
        given_on=TODAY,
        covers_sharing=True,
        covers_follow_up=True,
        context=AccessContext.system("test"),
    )

    response = _patch(login(af_officer), case, {"version": 1, "af_notes": "Praktik"})

    assert response.status_code == 200
    assert "fk_notes" in response.json()


def test_stale_version_is_409_and_changes_nothing(case, fk_officer, af_officer, login):
    first = _patch(login(fk_officer), case, {"version": 1, "target_group": "sick_unemployed"})
    second = _patch(login(af_officer), case, {"version": 1, "target_group": "young_activity_comp"})

    assert first.status_code == 200
    assert second.status_code == 409
    assert "Någon annan har ändrat" in second.json()["detail"]
    case.refresh_from_db()
    assert case.target_group == "sick_unemployed" and case.version == 2


def test_patch_without_version_is_400(case, fk_officer, login):
    response = _patch(login(fk_officer), case, {"target_group": "sick_unemployed"})

    assert response.status_code == 400
    assert "version" in response.json()
    case.refresh_from_db()
    assert case.target_group == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phase": "closed"}, "phase"),
        ({"start_date": "2025-01-01"}, "start_date"),
        ({"closing_doc_date": str(TODAY)}, "closing_doc_date"),
        ({"referral_date": str(TODAY + dt.timedelta(days=1))}, "referral_date"),
        ({"referral_date": str(TODAY)}, "referral_date"),
        ({"sick_leave_start": "1066-10-14"}, "sick_leave_start"),
        ({"af_officer": 999999}, "af_officer"),
        ({"target_group": 7}, "target_group"),
        ({"version": "senaste"}, "version"),
    ],
)
def test_bad_change_is_400_naming_the_field(data, field, case, fk_officer, login):
    response = _patch(login(fk_officer), case, {"version": 1, **data})

    assert response.status_code == 400
    assert field in response.json()
    case.refresh_from_db()
    assert case.version == 1


def test_referred_case_keeps_its_referral_date(person, fk_officer, login):
    referred = CaseFactory(
        person=person,
        fk_officer=fk_officer,
        phase=Case.Phase.REFERRED,
        start_date=None,
        referral_date=TODAY - dt.timedelta(days=2),
    )

    response = _patch(login(fk_officer), referred, {"version": 1, "referral_date": None})

    assert response.status_code == 400
    assert "referral_date" in response.json()


def test_closing_documentation_date_is_not_patched_on_the_case(person, fk_officer, login):
    # It is the day FK confirms the closing document (mapping.services.closing_document_confirm).
    closed = CaseFactory(
        person=person,
        fk_officer=fk_officer,
        phase=Case.Phase.CLOSED,
        start_date=TODAY - dt.timedelta(days=40),
    )

    response = _patch(login(fk_officer), closed, {"version": 1, "closing_doc_date": str(TODAY)})

    assert response.status_code == 400, response.content
    assert "closing_doc_date" in response.json()
    closed.refresh_from_db()
    assert closed.closing_doc_date is None and closed.version == 1


def test_colleague_outside_the_caseload_needs_a_reason_to_change(case, colleague, login):
    client = login(colleague)

    refused = _patch(client, case, {"version": 1, "af_notes": "x"})
    changed = _patch(client, case, {"version": 1, "af_notes": "x"}, HTTP_X_ACCESS_REASON=REASON)

    assert refused.status_code == 403
    assert changed.status_code == 200
    assert AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS, user=colleague).exists()


def test_outsider_gets_404_on_patch_and_nothing_changes(case, outsider, login):
    response = _patch(
        login(outsider), case, {"version": 1, "fk_notes": "x"}, HTTP_X_ACCESS_REASON=REASON
    )

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.version == 1 and case.fk_notes == ""


@pytest.mark.parametrize("role", ["management", "analyst"])
def test_role_without_case_access_may_not_change_cases(role, case, request, login):
    response = _patch(login(request.getfixturevalue(role)), case, {"version": 1, "fk_notes": "x"})

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.version == 1


def test_put_is_not_offered(case, fk_officer, login):
    response = login(fk_officer).put(_detail(case), {}, content_type="application/json")

    assert response.status_code == 405


# --- token authentication ---------------------------------------------------------------------


def test_token_client_reads_opens_and_changes_cases(area, fk_officer):
    person = _registered_by(fk_officer, area)
    client = _token_client(fk_officer)

    opened = _post(client, _opening(person, fk_officer=fk_officer.pk))
    case = Case.objects.get(person=person)
    changed = _patch(client, case, {"version": 1, "fk_notes": "Via API"})
    listed = client.get(LIST)

    assert opened.status_code == 201
    assert changed.status_code == 200 and changed.json()["fk_notes"] == "Via API"
    assert [row["id"] for row in listed.json()["results"]] == [case.pk]
    assert _logged(AccessLog.Action.UPDATE, case).get().user == fk_officer


def test_wrong_token_is_401(case):
    response = Client(headers={"Authorization": "Token " + "x" * 43}).get(LIST)

    assert response.status_code == 401
