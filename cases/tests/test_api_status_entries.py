"""The status-entries resource of the API (issue 6 point 1): AF's status timeline per person,
read through the person's scope, written through cases.services.status_entry_save. An entry is
corrected by a new entry the same day, which replaces it; there is no PATCH."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.models import StatusCode, StatusEntry
from cases.services import status_entry_save
from cases.tests.factories import PersonFactory
from samverkan.services import AccessContext

TODAY = dt.date.today()
REASON = "Handläggning efter telefonsamtal med deltagaren"
LIST = reverse("api:status-entry-list")


def _detail(entry):
    return reverse("api:status-entry-detail", args=[entry.pk])


def _token_client(user):
    _token, secret = api_token_create(user=user, name="Test")
    return Client(headers={"Authorization": f"Token {secret}"})


def _post(client, data, **headers):
    return client.post(LIST, data, content_type="application/json", **headers)


def _entry(person, day, code="openly_unemployed"):
    return status_entry_save(
        person=person,
        on=day,
        code=StatusCode.objects.get(code=code),
        context=AccessContext.system("test"),
    )


def _new(person, **fields):
    return {"person": person.pk, "date": str(TODAY), "code": "work_subsidised", **fields}


@pytest.fixture
def entry(case, person):
    """A status entry of a person on both officers' caseload."""
    return _entry(person, TODAY - dt.timedelta(days=5))


# --- list and detail --------------------------------------------------------------------------


def test_officer_lists_the_entries_of_their_caseload_and_each_is_logged(entry, af_officer, login):
    response = login(af_officer).get(LIST)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["id"], r["code"], r["outcome_category"]) for r in rows] == [
        (entry.pk, "openly_unemployed", "openly_unemployed")
    ]
    logged = AccessLog.objects.get(action=AccessLog.Action.VIEW, object_type="statusentry")
    assert logged.person_id == entry.person_id and logged.user == af_officer


def test_detail_shows_the_code_and_is_logged(entry, fk_officer, login):
    response = login(fk_officer).get(_detail(entry))

    assert response.status_code == 200
    data = response.json()
    assert data["person"] == entry.person_id and data["date"] == str(entry.date)
    assert data["code_name"] == entry.code.name
    logged = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert logged.object_id == str(entry.pk) and logged.purpose == "eget ärendebestånd"


def test_colleague_needs_a_reason_for_the_detail(entry, colleague, login):
    client = login(colleague)

    assert client.get(LIST).json()["count"] == 0
    assert client.get(_detail(entry)).status_code == 403
    assert client.get(_detail(entry), HTTP_X_ACCESS_REASON=REASON).status_code == 200


def test_outsider_sees_no_entries_of_the_area(entry, outsider, login):
    client = login(outsider)

    assert client.get(LIST).json()["results"] == []
    assert client.get(_detail(entry), HTTP_X_ACCESS_REASON=REASON).status_code == 404
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED, user=outsider).exists()


@pytest.mark.parametrize("role", ["management", "analyst"])
def test_role_without_case_access_sees_no_entries(role, entry, request, login):
    client = login(request.getfixturevalue(role))

    assert client.get(LIST).json()["count"] == 0
    assert client.get(_detail(entry)).status_code == 404


@pytest.fixture
def timeline(area, other_area, coordinator):
    """Entries of two people of the area and one of another area (the coordinator works in
    both areas)."""
    coordinator.staff_profile.areas.add(other_area)
    anna, bo = PersonFactory(area=area), PersonFactory(area=area)
    far = PersonFactory(area=other_area)
    return {
        "anna_jan": _entry(anna, dt.date(2025, 1, 5)),
        "anna_mar": _entry(anna, dt.date(2025, 3, 5), "work_unsubsidised"),
        "bo_feb": _entry(bo, dt.date(2025, 2, 5)),
        "far_jan": _entry(far, dt.date(2025, 1, 20)),
    }


def _names(client, timeline, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    by_id = {e.pk: name for name, e in timeline.items()}
    return {by_id[row["id"]] for row in response.json()["results"]}


def test_entries_filter_by_person(timeline, coordinator, login):
    anna = timeline["anna_jan"].person_id

    assert _names(login(coordinator), timeline, person=anna) == {"anna_jan", "anna_mar"}


def test_entries_filter_by_area(timeline, coordinator, login):
    client = login(coordinator)

    assert _names(client, timeline, area="ume") == {"far_jan"}
    assert _names(client, timeline, area="sdt") == {"anna_jan", "anna_mar", "bo_feb"}


def test_entries_filter_by_period_on_their_date(timeline, coordinator, login):
    client = login(coordinator)

    assert _names(client, timeline, **{"from": "2025-02-01"}) == {"anna_mar", "bo_feb"}
    assert _names(client, timeline, to="2025-01-31") == {"anna_jan", "far_jan"}
    assert _names(client, timeline, **{"from": "2025-02-05", "to": "2025-02-05"}) == {"bo_feb"}


@pytest.mark.parametrize(
    ("param", "value"),
    [("person", "Greta"), ("person", "-1"), ("from", "2025-1-32"), ("to", "x"), ("area", "ö ö")],
)
def test_invalid_filter_value_is_400_naming_the_parameter(param, value, fk_officer, login):
    response = login(fk_officer).get(LIST, {param: value})

    assert response.status_code == 400
    assert param in response.json()


# --- a new entry (POST) -----------------------------------------------------------------------


def test_officer_records_a_status_and_it_is_logged(case, person, af_officer, login):
    response = _post(login(af_officer), _new(person, note=" Anställd med stöd "))

    assert response.status_code == 201, response.content
    entry = StatusEntry.objects.get(person=person)
    assert response.json()["id"] == entry.pk
    assert (entry.date, entry.code.code, entry.note) == (
        TODAY,
        "work_subsidised",
        "Anställd med stöd",
    )
    assert entry.created_by == af_officer
    logged = AccessLog.objects.get(action=AccessLog.Action.CREATE, object_type="statusentry")
    assert logged.person_id == person.pk and logged.purpose == "status work_subsidised"


def test_second_entry_the_same_day_replaces_the_first_and_answers_200(entry, af_officer, login):
    response = _post(login(af_officer), _new(entry.person, date=str(entry.date)))

    assert response.status_code == 200, response.content
    assert response.json()["id"] == entry.pk
    entry.refresh_from_db()
    assert entry.code.code == "work_subsidised"
    assert StatusEntry.objects.filter(person=entry.person).count() == 1
    assert AccessLog.objects.filter(
        action=AccessLog.Action.UPDATE, object_type="statusentry", object_id=str(entry.pk)
    ).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date": str(TODAY + dt.timedelta(days=1))}, "date"),
        ({"date": "1850-01-01"}, "date"),
        ({"date": "i dag"}, "date"),
        ({"code": "anställd"}, "code"),
        ({"code": 5}, "code"),
        ({"code": "x\x00y"}, "code"),
        ({"person": "Greta"}, "person"),
        ({"person": 999999}, "person"),
        ({"note": "x" * 301}, "note"),
        ({"outcome_category": "education"}, "outcome_category"),
    ],
)
def test_bad_entry_is_400_naming_the_field_and_saves_nothing(fields, field, case, person, login):
    response = _post(login(case.af_officer), {**_new(person), **fields})

    assert response.status_code == 400
    assert field in response.json()
    assert not StatusEntry.objects.exists()


@pytest.mark.parametrize("missing", ["person", "date", "code"])
def test_missing_field_is_400(missing, case, person, af_officer, login):
    data = _new(person)
    del data[missing]

    response = _post(login(af_officer), data)

    assert response.status_code == 400
    assert missing in response.json()


def test_retired_code_is_refused(case, person, af_officer, login):
    StatusCode.objects.filter(code="work_subsidised").update(is_active=False)

    response = _post(login(af_officer), _new(person))

    assert response.status_code == 400
    assert response.json() == {"code": ["Statuskoden används inte längre."]}


def test_colleague_outside_the_caseload_needs_a_reason(case, person, colleague, login):
    client = login(colleague)

    refused = _post(client, _new(person))
    recorded = _post(client, _new(person), HTTP_X_ACCESS_REASON=REASON)

    assert refused.status_code == 403
    assert recorded.status_code == 201
    assert AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS, user=colleague).exists()


def test_outsider_cannot_record_a_status_for_this_areas_person(person, outsider, login):
    client = login(outsider)

    other = _post(client, _new(person), HTTP_X_ACCESS_REASON=REASON)
    missing = _post(client, {**_new(person), "person": 999999})

    # the same answer as for a person who does not exist
    assert other.status_code == missing.status_code == 400
    assert (
        other.json()
        == missing.json()
        == {"person": ["Finns inte bland de poster du har åtkomst till."]}
    )
    assert not StatusEntry.objects.exists()


@pytest.mark.parametrize("role", ["management", "analyst"])
def test_role_without_case_access_may_not_record_statuses(role, person, request, login):
    response = _post(login(request.getfixturevalue(role)), _new(person))

    assert response.status_code == 403
    assert response.json() == {"detail": "Din roll får inte ändra detta."}
    assert not StatusEntry.objects.exists()


def test_entries_have_no_patch(entry, af_officer, login):
    response = login(af_officer).patch(
        _detail(entry), {"code": "education"}, content_type="application/json"
    )

    assert response.status_code == 405
    entry.refresh_from_db()
    assert entry.code.code == "openly_unemployed"


# --- token authentication ---------------------------------------------------------------------


def test_token_client_records_and_lists(case, person, af_officer):
    client = _token_client(af_officer)

    recorded = _post(client, _new(person))
    listed = client.get(LIST, {"person": person.pk})

    assert recorded.status_code == 201
    assert [row["code"] for row in listed.json()["results"]] == ["work_subsidised"]
