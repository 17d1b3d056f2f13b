"""The valid decisions of a joint mapping, page and API (SPEC §4): recorded by one agency,
confirmed by the other or sent back with a request for a change; for
access_change_payloads.PAYLOADS: builder(person, case) -> (the mapping, the data sent, a check
that the record changed). Data as mapping/tests/test_views_mappings.py and test_api_mappings.py
send it. The person already has a case (conftest.py's), so the decision is "no action": the
mapping ends without opening a second one."""

import datetime as dt

from django.utils import timezone

DECISION = {
    "decision": "no_action",
    "decision_reason": "Arbetsgivaren ordnar anpassning.",
}


def _day(days_ago):
    return timezone.localdate() - dt.timedelta(days=days_ago)


def _held(person, case):
    """A mapping requested by FK 30 days ago, its meeting held 20 days ago: ready for a
    decision."""
    from mapping.services import meeting_create
    from samverkan.services import AccessContext
    from samverkan.tests.access_change_payloads import _mapping

    mapping = _mapping(person, case)
    meeting_create(
        person=person,
        mapping=mapping,
        kind="avstamningsmote",
        on=_day(20),
        participants=["person", "FK", "AF"],
        notes="Första avstämningen.",
        context=AccessContext.system("test"),
    )
    mapping.refresh_from_db()
    return mapping


def _decided(person, case):
    """The decision recorded, and so confirmed, by FK: it waits for AF."""
    from mapping.services import mapping_decide
    from samverkan.services import AccessContext

    mapping = mapping_decide(
        mapping=_held(person, case),
        expected_version=None,
        decision_date=_day(10),
        context=AccessContext.for_user(case.fk_officer),
        **DECISION,
    )
    mapping.refresh_from_db()
    return mapping


def _decide(person, case):
    mapping = _held(person, case)
    data = {**DECISION, "decision_date": _day(10).isoformat(), "version": mapping.version}

    def changed():
        mapping.refresh_from_db()
        return mapping.decision == DECISION["decision"]

    return mapping, data, changed


def _sign(person, case):
    mapping = _decided(person, case)

    def changed():
        mapping.refresh_from_db()
        return mapping.af_signed_at is not None and not mapping.is_open

    return mapping, {"version": mapping.version}, changed


def _change_request(person, case):
    mapping = _decided(person, case)
    data = {
        "version": mapping.version,
        "reason": "Målgruppen ska vara arbetslös med sjukersättning.",
    }

    def changed():
        mapping.refresh_from_db()
        return mapping.change_requested_at is not None and mapping.fk_signed_at is None

    return mapping, data, changed


DECISIONS = {
    "mapping:mapping_decide": _decide,
    "api:mapping-decide": _decide,
    "mapping:mapping_sign": _sign,
    "api:mapping-sign": _sign,
    "mapping:mapping_change_request": _change_request,
}
