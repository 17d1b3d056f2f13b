"""The valid creation of a mapping and of a meeting on a case, on their pages, for
access_change_payloads.PAYLOADS: builder(person, case) -> (the object the address names, the
data sent, a check that the record changed). Data as mapping/tests/test_views_mappings.py sends
it."""

import datetime as dt

from django.utils import timezone


def _day(days_ago):
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


MEETING = {"kind": "avstamningsmote", "participants": ["person", "AF"], "notes": "Avstämt."}


def _case_meeting(person, case):
    return case, {**MEETING, "date": _day(1)}, lambda: case.meetings.exists()


def _mapping_create(person, case):
    from mapping.models import JointMapping

    data = {
        "initiated_by": "FK",
        "initiation_reason": "Sjukskriven sedan länge, arbetsgivaren saknar arbetsuppgifter.",
        "requested_on": _day(3),
        "request_received_on": _day(2),
        "benefit": "sjukpenning",
        "sick_leave_start": _day(100),
        "participants": ["person", "FK"],
        "rough_plan": "",
        "consent_basis": "none",
    }
    return person, data, lambda: JointMapping.objects.filter(person=person).exists()


MAPPINGS = {
    "mapping:case_meeting_create": _case_meeting,
    "mapping:mapping_create": _mapping_create,
}
