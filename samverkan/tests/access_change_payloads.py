"""The valid changes of access_changes.CHANGES, one builder per route, from the data of each
route's own tests: builder(person, case) -> (the object the address names or None, or the
address's parameters where it names more than the object, the data sent, a check that the record
changed[, the person the change is about when it is a new one])."""

import datetime as dt

from django.utils import timezone

from samverkan.tests.access_change_api import API_CREATIONS, API_PATCHES
from samverkan.tests.access_change_case_pages import CASE_PAGES
from samverkan.tests.access_change_cases import CASES
from samverkan.tests.access_change_closing import CLOSING
from samverkan.tests.access_change_consents import CONSENTS
from samverkan.tests.access_change_decisions import DECISIONS
from samverkan.tests.access_change_interventions import INTERVENTIONS
from samverkan.tests.access_change_mappings import MAPPINGS
from samverkan.tests.access_change_preparation import PREPARATION
from samverkan.tests.access_change_quality import QUALITY


def _today():
    return timezone.localdate()


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


def _intervention(case, **fields):
    """An intervention of the case, with a plan (a started one needs it), by its service."""
    from mapping.services import intervention_create, plan_save
    from samverkan.services import AccessContext

    context = AccessContext.system("test")
    plan_save(case=case, goal="Arbete inom handeln", activities="Arbetsprövning", context=context)
    fields = {"kind": "wellness", "provider": "AF", "hours_per_week": 6, "goal": "Orka en dag."}
    return intervention_create(case=case, context=context, **fields)


def _intervention_create(person, case):
    data = {
        "kind": "wellness",
        "provider": "AF",
        "provider_name": "",
        "hours_per_week": "6",
        "goal": "Orka en regelbunden dag.",
        "status": "planned",
        "planned_start": (_today() + dt.timedelta(days=3)).isoformat(),
        "start_date": "",
    }
    return case, data, lambda: case.interventions.exists()


def _intervention_edit(person, case):
    intervention = _intervention(case)
    data = {
        "provider": intervention.provider,
        "provider_name": "",
        "hours_per_week": "7,5",
        "goal": intervention.goal,
        "follow_up_notes": "Bra",
        "planned_start": "",
        "version": intervention.version,
    }

    def changed():
        intervention.refresh_from_db()
        return intervention.follow_up_notes == "Bra"

    return intervention, data, changed


def _intervention_start(person, case):
    intervention = _intervention(case)
    day = _today() - dt.timedelta(days=1)
    data = {"start_date": day.isoformat(), "version": intervention.version}

    def changed():
        intervention.refresh_from_db()
        return intervention.start_date == day

    return intervention, data, changed


PAYLOADS = {
    **API_CREATIONS,
    **API_PATCHES,
    **CASE_PAGES,
    **CASES,
    **CLOSING,
    **CONSENTS,
    **DECISIONS,
    **INTERVENTIONS,
    **MAPPINGS,
    **PREPARATION,
    **QUALITY,
    "mapping:intervention_create": _intervention_create,
    "mapping:intervention_edit": _intervention_edit,
    "mapping:intervention_start": _intervention_start,
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
