"""`/api/v1/meetings/`: meetings through the API, registered on a person, a mapping or a case,
with the pages' scoping and access log (SPEC §4, §6, §7)."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.models import Meeting
from mapping.tests.factories import JointMappingFactory, MeetingFactory

TODAY = dt.date.today()
NOT_IN_SCOPE = "Finns inte bland de poster du har åtkomst till."
LIST = "/api/v1/meetings/"


def _detail(meeting):
    return reverse("api:meeting-detail", args=[meeting.pk])


def _post(client, data, **headers):
    return client.post(LIST, data, content_type="application/json", **headers)


def _patch(client, meeting, data):
    return client.patch(_detail(meeting), data, content_type="application/json")


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _days_ago(days):
    return (TODAY - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def meeting(case):
    """A follow-up meeting in the team's case, five days ago."""
    return MeetingFactory(person=case.person, case=case, kind="follow_up")


# --- reading ----------------------------------------------------------------------------------


def test_officer_lists_the_meetings_of_their_caseload(
    login, meeting, area, fk_officer, colleague, coordinator
):
    # given a meeting with someone of the area who is on nobody's caseload
    other = MeetingFactory(person=PersonFactory(area=area))
    assert _ids(login(fk_officer).get(LIST)) == {meeting.pk}
    assert _ids(login(colleague).get(LIST)) == set()
    assert _ids(login(coordinator).get(LIST)) == {meeting.pk, other.pk}


def test_detail_shows_the_meeting_and_is_logged(login, meeting, fk_officer):
    response = login(fk_officer).get(_detail(meeting))
    assert response.status_code == 200
    data = response.json()
    assert (data["person"], data["case"], data["kind"]) == (
        meeting.person_id,
        meeting.case_id,
        "follow_up",
    )
    assert data["participants"] == ["person", "FK", "AF"]
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW,
        object_type="meeting",
        object_id=str(meeting.pk),
        person_id=meeting.person_id,
    ).exists()


def test_a_person_outside_the_caseload_needs_a_stated_reason(login, meeting, colleague):
    client = login(colleague)
    assert client.get(_detail(meeting)).status_code == 403
    reason = "Vikarierar för handläggaren"
    assert client.get(_detail(meeting), HTTP_X_ACCESS_REASON=reason).status_code == 200


def test_outsider_sees_nothing_and_gets_404(login, meeting, outsider):
    client = login(outsider)
    assert _ids(client.get(LIST)) == set()
    assert client.get(_detail(meeting)).status_code == 404
    assert _patch(client, meeting, {"version": 1, "notes": "x"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.notes == "" and meeting.version == 1


@pytest.mark.parametrize("who", ["management", "analyst"])
def test_roles_without_case_access_see_no_meeting_and_may_not_write(
    login, request, meeting, person, who
):
    client = login(request.getfixturevalue(who))
    assert client.get(LIST).json()["results"] == []
    assert client.get(_detail(meeting)).status_code == 404
    created = _post(client, {"person": person.pk, "kind": "kontaktmote", "date": _days_ago(1)})
    assert created.status_code == 403
    assert created.json() == {"detail": "Din roll får inte ändra detta."}
    assert _patch(client, meeting, {"version": 1, "notes": "x"}).status_code == 403


def test_token_authentication_reads_the_meetings(client, meeting, fk_officer):
    _token, secret = api_token_create(user=fk_officer, name="Exportjobb")
    assert _ids(client.get(LIST, HTTP_AUTHORIZATION=f"Token {secret}")) == {meeting.pk}


# --- creating ---------------------------------------------------------------------------------


def test_meeting_on_the_persons_case(login, case, fk_officer):
    response = _post(
        login(fk_officer),
        {"case": case.pk, "kind": "follow_up", "date": _days_ago(1), "participants": ["AF"]},
    )
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get()
    assert (meeting.person, meeting.case, meeting.date) == (
        case.person,
        case,
        TODAY - dt.timedelta(days=1),
    )
    assert AccessLog.objects.filter(
        action=AccessLog.Action.CREATE, object_id=str(meeting.pk), user=fk_officer
    ).exists()


def test_a_mapping_meeting_dates_the_mappings_first_meeting(login, person, fk_officer):
    mapping = JointMappingFactory(person=person, fk_officer=fk_officer)
    response = _post(
        login(fk_officer),
        {
            "mapping": mapping.pk,
            "kind": "avstamningsmote",
            "date": _days_ago(4),
            "participants": ["employer"],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["person"] == person.pk
    mapping.refresh_from_db()
    assert mapping.first_meeting_on == TODAY - dt.timedelta(days=4)
    assert "employer" in mapping.participants


def test_a_contact_meeting_on_the_person(login, case, person, af_officer):
    response = _post(
        login(af_officer), {"person": person.pk, "kind": "kontaktmote", "date": _days_ago(2)}
    )
    assert response.status_code == 201, response.content
    assert Meeting.objects.get().case is None


def test_another_areas_ids_are_refused_like_unknown_ones(login, case, outsider):
    client = login(outsider)
    body = {"kind": "kontaktmote", "date": _days_ago(1)}
    for field, pk in (("person", case.person_id), ("case", case.pk)):
        theirs = _post(client, {**body, field: pk})
        unknown = _post(client, {**body, field: 10**12})
        assert theirs.status_code == unknown.status_code == 400
        assert theirs.json() == unknown.json() == {field: [NOT_IN_SCOPE]}
    mapping = JointMappingFactory(person=case.person)
    theirs = _post(client, {**body, "mapping": mapping.pk})
    assert theirs.json() == {"mapping": [NOT_IN_SCOPE]}
    assert not Meeting.objects.exists()


def test_registering_for_a_person_outside_the_caseload_needs_a_reason(login, case, colleague):
    body = {"case": case.pk, "kind": "follow_up", "date": _days_ago(1)}
    assert _post(login(colleague), body).status_code == 403
    assert not Meeting.objects.exists()
    created = _post(login(colleague), body, HTTP_X_ACCESS_REASON="Tog mötet i stället för AF")
    assert created.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": _days_ago(-1)}, "date"),
        ({"date": "i går"}, "date"),
        ({"date": None}, "date"),
        ({"kind": "fika"}, "kind"),
        ({"participants": ["chef"]}, "participants"),
        ({"case": "ett"}, "case"),
        ({"case": None, "person": None}, "person"),
        ({"mapping": 10**12}, "mapping"),
        ({"version": 1}, "version"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(login, case, fk_officer, change, field):
    body = {"case": case.pk, "kind": "follow_up", "date": _days_ago(1), **change}
    response = _post(login(fk_officer), body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Meeting.objects.exists()


def test_a_case_of_another_person_is_a_400(login, case, area, fk_officer):
    other = CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    response = _post(
        login(fk_officer),
        {"person": case.person_id, "case": other.pk, "kind": "follow_up", "date": _days_ago(1)},
    )
    assert response.status_code == 400
    assert response.json() == {"case": ["Ärendet hör till en annan person."]}


def test_a_meeting_before_the_mapping_was_requested_is_a_400(login, person, fk_officer):
    mapping = JointMappingFactory(person=person, fk_officer=fk_officer)  # requested 20 days ago
    response = _post(
        login(fk_officer), {"mapping": mapping.pk, "kind": "avstamningsmote", "date": _days_ago(30)}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["date"]


# --- changing ---------------------------------------------------------------------------------


def test_patch_corrects_the_meeting(login, meeting, fk_officer):
    response = _patch(
        login(fk_officer), meeting, {"version": 1, "notes": "Bra möte", "kind": "kontaktmote"}
    )
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.kind, meeting.version) == ("Bra möte", "kontaktmote", 2)
    assert AccessLog.objects.filter(
        action=AccessLog.Action.UPDATE, object_id=str(meeting.pk)
    ).exists()


def test_stale_version_is_409_and_changes_nothing(login, meeting, fk_officer):
    client = login(fk_officer)
    assert _patch(client, meeting, {"version": 1, "notes": "A"}).status_code == 200
    assert _patch(client, meeting, {"version": 1, "notes": "B"}).status_code == 409
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.version) == ("A", 2)


def test_patch_needs_the_version_and_known_fields(login, meeting, fk_officer):
    client = login(fk_officer)
    assert list(_patch(client, meeting, {"notes": "A"}).json()) == ["version"]
    assert list(_patch(client, meeting, {"version": 1, "person": 1}).json()) == ["person"]
    future = _patch(client, meeting, {"version": 1, "date": _days_ago(-3)})
    assert future.status_code == 400 and list(future.json()) == ["date"]
    meeting.refresh_from_db()
    assert meeting.version == 1


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def meetings(area, case):
    """In the case in January; a contact meeting in March with the person; another person's
    meeting in a mapping in May."""
    mapping = JointMappingFactory(person=PersonFactory(area=area), requested_on=dt.date(2026, 4, 1))
    return {
        "case": MeetingFactory(person=case.person, case=case, date=dt.date(2026, 1, 15)),
        "person": MeetingFactory(person=case.person, kind="kontaktmote", date=dt.date(2026, 3, 2)),
        "mapping": MeetingFactory(
            person=mapping.person, mapping=mapping, date=dt.date(2026, 5, 20)
        ),
    }


def test_filter_by_area(login, coordinator, meetings):
    client = login(coordinator)
    assert _ids(client.get(LIST, {"area": "sdt"})) == {m.pk for m in meetings.values()}
    assert _ids(client.get(LIST, {"area": "ume"})) == set()


def test_filter_by_period(login, coordinator, meetings):
    client = login(coordinator)
    found = _ids(client.get(LIST, {"from": "2026-02-01", "to": "2026-05-20"}))
    assert found == {meetings["person"].pk, meetings["mapping"].pk}
    bad = client.get(LIST, {"to": "maj"})
    assert bad.status_code == 400 and "to" in bad.json()


def test_filter_by_person_case_mapping_and_kind(login, coordinator, case, meetings):
    client = login(coordinator)
    assert _ids(client.get(LIST, {"person": case.person_id})) == {
        meetings["case"].pk,
        meetings["person"].pk,
    }
    assert _ids(client.get(LIST, {"case": case.pk})) == {meetings["case"].pk}
    mapping_id = meetings["mapping"].mapping_id
    assert _ids(client.get(LIST, {"mapping": mapping_id})) == {meetings["mapping"].pk}
    assert _ids(client.get(LIST, {"kind": "kontaktmote"})) == {meetings["person"].pk}
    bad = client.get(LIST, {"case": "x"})
    assert bad.status_code == 400 and "case" in bad.json()
