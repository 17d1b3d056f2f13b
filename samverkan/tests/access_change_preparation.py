"""The valid changes of a person at the preparation group (beredningsgrupp, SPEC §3): a referred
case taken up at a session and its decision; for access_change_payloads.PAYLOADS:
builder(person, case) -> (the object the address names, the data sent, a check that the record
changed, the person the change is about). Data as preparation/tests/test_sessions.py sends it.
conftest.py's person already has a case in the needs analysis, so the case presented is another
person's of the area, referred a week before the session, with the same two officers."""

import datetime as dt

from django.utils import timezone


def _held():
    return timezone.localdate() - dt.timedelta(days=2)


def _session_and_referred(case):
    from cases.tests.factories import CaseFactory, PersonFactory
    from preparation.services import session_create
    from samverkan.services import AccessContext

    referred = CaseFactory(
        person=PersonFactory(area=case.area, first_name="Vera", last_name="Väntar"),
        fk_officer=case.fk_officer,
        af_officer=case.af_officer,
        phase="referred",
        start_date=None,
        referral_date=_held() - dt.timedelta(days=7),
    )
    session = session_create(
        area=case.area,
        held_on=_held(),
        attendees=[case.fk_officer, case.af_officer],
        context=AccessContext.for_user(case.fk_officer),
    )
    return session, referred


def _referral_add(person, case):
    session, referred = _session_and_referred(case)
    taken_up = session.referrals.filter(case=referred)
    return session, {"case": referred.pk}, lambda: taken_up.exists(), lambda: referred.person


def _referral_decide(person, case):
    """Admitted, the needs analysis started today."""
    from preparation.services import referral_add
    from samverkan.services import AccessContext

    session, referred = _session_and_referred(case)
    referral = referral_add(
        session=session, case=referred, context=AccessContext.for_user(case.fk_officer)
    )
    data = {
        "in_target_group": "yes",
        "decision": "admitted",
        "reason": "criteria_met",
        "needs": "Arbetsprövning",
        "start_on": timezone.localdate().isoformat(),
        "version": referral.version,
    }

    def changed():
        referral.refresh_from_db()
        referred.refresh_from_db()
        return referral.decision == "admitted" and referred.phase == "needs_analysis"

    return referral, data, changed, lambda: referred.person


PREPARATION = {
    "preparation:referral_add": _referral_add,
    "preparation:referral_decide": _referral_decide,
}
