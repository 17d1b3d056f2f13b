"""Valid changes through the access matrix's change routes (SPEC §7): each declared route,
called once by an allowed role with valid data, answers its success status, changes the record
and writes exactly the declared access-log rows, each a "create" or "update" naming the person
(access_changes.py declares them)."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AccessLog
from samverkan.tests import access_changes as table
from samverkan.tests import access_matrix as matrix
from samverkan.tests.test_access_matrix import clients  # noqa: F401 (the fixture)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
CHANGE_ACTIONS = {AccessLog.Action.CREATE, AccessLog.Action.UPDATE, AccessLog.Action.DELETE}


def _today():
    from django.utils import timezone

    return timezone.localdate()


def test_every_change_route_of_the_matrix_is_declared_once():
    writes = {name for name, route in matrix.ROUTES.items() if WRITES & set(route.allowed)}
    tables = [set(table.CHANGES), set(table.EXCLUDED), set(table.NOT_YET_PROVED)]
    declared = set().union(*tables)
    assert not writes - declared, f"declare in access_changes: {sorted(writes - declared)}"
    assert not declared - writes, f"no change routes: {sorted(declared - writes)}"
    assert sum(map(len, tables)) == len(declared), "a route is in more than one table"
    for name, change in table.CHANGES.items():
        assert change.method in matrix.ROUTES[name].allowed, name
        assert change.role in matrix.ROLES, name


# --- the valid changes: (url kwargs' object, data, a check that the record changed) ----------


def _person_edit(person, case):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "born_abroad": "unknown",
        "education_level": person.education_level,
        "disability": "unknown",
        "phone": person.phone,
        "email": person.email,
        "street_address": person.street_address,
        "postal_code": person.postal_code,
        "city": "Södertälje",
        "version": person.version,
    }

    def changed():
        person.refresh_from_db()
        return person.city == "Södertälje"

    return person, data, changed


def _consent_create(person, case):
    from cases.models import Consent

    before = Consent.objects.filter(person=person).count()
    data = {"given_on": _today().isoformat(), "basis": "written", "covers_sharing": "on"}
    return person, data, lambda: Consent.objects.filter(person=person).count() == before + 1


def _status_entry_create(person, case):
    from cases.models import StatusCode, StatusEntry

    code = StatusCode.objects.get(code="work_unsubsidised")
    data = {"date": _today().isoformat(), "code": code.pk, "note": "Anställd"}
    return person, data, lambda: StatusEntry.objects.filter(person=person, code=code).exists()


def _consent_withdraw(person, case):
    from cases.services import consent_record
    from samverkan.services import AccessContext

    consent = consent_record(
        person=person,
        given_on=_today(),
        basis="written",
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    data = {"consent": consent.pk, "withdrawn_on": _today().isoformat()}

    def changed():
        consent.refresh_from_db()
        return consent.withdrawn_on == _today()

    return person, data, changed


def _api_person_patch(person, case):
    def changed():
        person.refresh_from_db()
        return person.city == "Huddinge"

    return person, {"version": person.version, "city": "Huddinge"}, changed


def _api_case_patch(person, case):
    def changed():
        case.refresh_from_db()
        return case.fk_notes == "Läkarintyg inkommet"

    return case, {"version": case.version, "fk_notes": "Läkarintyg inkommet"}, changed


def _api_status_entry_create(person, case):
    from cases.models import StatusEntry

    data = {"person": person.pk, "date": str(_today()), "code": "work_subsidised"}
    return None, data, lambda: StatusEntry.objects.filter(person=person).exists()


def _new_person(personnummer):
    from cases.models import Person

    return lambda: Person.objects.filter(personnummer=personnummer).first()


def _api_person_create(person, case):
    from cases.tests.factories import make_personnummer

    number = make_personnummer(dt.date(1985, 4, 12), serial=123)
    data = {
        "personnummer": f"{number[:8]}-{number[8:]}",
        "area": person.area.code,
        "first_name": "Nils",
        "last_name": "Nyberg",
    }
    subject = _new_person(number)
    return None, data, lambda: subject() is not None, subject


def _person_create(person, case):
    from cases.tests.factories import make_personnummer

    number = make_personnummer(dt.date(1985, 3, 14))
    data = {
        "area": person.area.pk,
        "personnummer": number,
        "first_name": "Astrid",
        "last_name": "Lindqvist",
        "born_abroad": "false",
        "education_level": "gymnasial",
        "disability": "unknown",
        "phone": "070-123 45 67",
        "email": "astrid@example.se",
        "street_address": "Storgatan 1",
        "postal_code": "12345",
        "city": "Huddinge",
    }
    subject = _new_person(number)
    return None, data, lambda: subject() is not None, subject


def _case_edit(person, case):
    data = {
        "target_group": case.target_group,
        "fk_officer": case.fk_officer_id,
        "af_officer": case.af_officer_id,
        "referral_date": case.referral_date.isoformat() if case.referral_date else "",
        "version": case.version,
        "af_notes": "Ny anteckning",
    }

    def changed():
        case.refresh_from_db()
        return case.af_notes == "Ny anteckning"

    return case, data, changed


def _api_mapping_create(person, case):
    from mapping.models import JointMapping

    data = {
        "person": person.pk,
        "initiated_by": "FK",
        "initiation_reason": "Sjukskriven sedan länge, behöver stöd tillbaka.",
        "requested_on": (_today() - dt.timedelta(days=3)).isoformat(),
        "fk_officer": case.fk_officer_id,
        "af_officer": case.af_officer_id,
        "benefit": "sjukpenning",
        "sick_leave_start": (_today() - dt.timedelta(days=200)).isoformat(),
        "participants": ["FK", "person"],
    }
    return None, data, lambda: JointMapping.objects.filter(person=person).exists()


def _mapping(person, case):
    """A mapping requested by FK, both officers named, as mapping's own page tests make it."""
    from mapping.services import mapping_create
    from samverkan.services import AccessContext

    return mapping_create(
        person=person,
        initiated_by="FK",
        initiation_reason="Svårt att återgå till arbetsgivaren.",
        requested_on=_today() - dt.timedelta(days=30),
        fk_officer=case.fk_officer,
        af_officer=case.af_officer,
        benefit="sjukpenning",
        sick_leave_start=_today() - dt.timedelta(days=130),
        participants=["person", "FK"],
        context=AccessContext.system("test"),
    )


MEETING = {
    "kind": "avstamningsmote",
    "participants": ["person", "AF", "employer"],
    "notes": "Arbetsgivaren deltog.",
}


def _mapping_edit(person, case):
    mapping = _mapping(person, case)
    data = {
        "initiation_reason": mapping.initiation_reason,
        "requested_on": mapping.requested_on.isoformat(),
        "request_received_on": "",
        "fk_officer": mapping.fk_officer_id,
        "af_officer": mapping.af_officer_id,
        "benefit": mapping.benefit,
        "benefit_end_date": "",
        "sick_leave_start": mapping.sick_leave_start.isoformat(),
        "participants": mapping.participants,
        "rough_plan": "Kartlägga arbetsförmåga.",
        "version": mapping.version,
    }

    def changed():
        mapping.refresh_from_db()
        return mapping.rough_plan == "Kartlägga arbetsförmåga."

    return mapping, data, changed


def _mapping_meeting_create(person, case):
    mapping = _mapping(person, case)
    data = {**MEETING, "date": (_today() - dt.timedelta(days=1)).isoformat()}
    return mapping, data, lambda: mapping.meetings.exists()


def _person_meeting_create(person, case):
    from mapping.models import Meeting

    data = {**MEETING, "date": (_today() - dt.timedelta(days=1)).isoformat()}
    return person, data, lambda: Meeting.objects.filter(person=person).exists()


def _meeting_edit(person, case):
    from mapping.services import meeting_create
    from samverkan.services import AccessContext

    meeting = meeting_create(
        person=person,
        mapping=None,
        kind="avstamningsmote",
        on=_today() - dt.timedelta(days=20),
        participants=["person", "FK", "AF"],
        notes="Första avstämningen.",
        context=AccessContext.system("test"),
    )
    data = {**MEETING, "date": meeting.date.isoformat(), "version": meeting.version}

    def changed():
        meeting.refresh_from_db()
        return meeting.notes == MEETING["notes"]

    return meeting, data, changed


PAYLOADS = {
    "mapping:mapping_edit": _mapping_edit,
    "mapping:mapping_meeting_create": _mapping_meeting_create,
    "mapping:person_meeting_create": _person_meeting_create,
    "mapping:meeting_edit": _meeting_edit,
    "cases:case_edit": _case_edit,
    "api:mapping-list": _api_mapping_create,
    "api:person-list": _api_person_create,
    "cases:person_create": _person_create,
    "cases:consent_withdraw": _consent_withdraw,
    "api:person-detail": _api_person_patch,
    "api:case-detail": _api_case_patch,
    "api:status-entry-list": _api_status_entry_create,
    "cases:person_edit": _person_edit,
    "cases:consent_create": _consent_create,
    "cases:status_entry_create": _status_entry_create,
}


def test_every_declared_change_has_a_payload():
    assert set(PAYLOADS) == set(table.CHANGES)


@pytest.mark.parametrize("name", sorted(table.CHANGES))
def test_a_valid_change_succeeds_changes_the_record_and_is_logged(
    name,
    clients,  # noqa: F811 (the fixture)
    person,
    case,
):
    change = table.CHANGES[name]
    obj, data, changed, *subject = PAYLOADS[name](person, case)
    # The person the change is about: the fixture's, or the one a registration creates.
    subject = subject[0] if subject else lambda: person
    url = reverse(name, kwargs={"pk": obj.pk} if obj is not None else {})
    assert not changed(), f"{name}: the record had the change before the call"
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    call = getattr(clients[change.role], change.method.lower())
    api = name.startswith("api:")
    response = call(url, data, content_type="application/json") if api else call(url, data)
    rows = list(AccessLog.objects.filter(id__gt=before))
    assert response.status_code == change.status, (name, response.status_code)
    assert changed(), f"{name}: the record did not change"
    assert len(rows) == change.rows, (name, [(r.action, r.object_type) for r in rows])
    described = [(r.action, r.object_type, r.person_id) for r in rows]
    assert all(r.person_id == subject().pk for r in rows), (name, described)
    assert sum(r.action in CHANGE_ACTIONS for r in rows) == change.changes, (name, described)
    print(f"\n{name} {change.method} as {change.role}: {response.status_code}, {len(rows)} rows")
