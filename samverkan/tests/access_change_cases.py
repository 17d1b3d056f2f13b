"""The valid changes of people's cases that are not edits of one form (SPEC §3): the reason stated
to break the glass, a case opened on the page and by the API, moved to another area, a rule's
suggestion marked not relevant, cases given to another officer; for
access_change_payloads.PAYLOADS: builder(person, case) -> (the object the address names, or the
address's parameters where it names more, the data sent, a check that the record changed[, the
person the change is about when it is a new one]). Data as the routes' own tests send it."""

import datetime as dt

from django.utils import timezone


def _day(days_ago):
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def _person_reason(person, case):
    """The colleague of the area, the person outside their caseload, states why they open them:
    the reason is the access log's entry (and the session's grant)."""
    from audit.models import AccessLog

    reason = "Ersätter ordinarie handläggare under semestern."

    def changed():
        stated = AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS, purpose=reason)
        return stated.filter(person_id=person.pk).exists()

    return person, {"reason": reason}, changed


def _registered(case):
    """A person the case's FK officer registered: on their caseload until a case is opened, so
    opening one needs no reason (cases/tests/test_api_cases.py)."""
    from cases.services import person_create
    from cases.tests.factories import make_personnummer
    from samverkan.services import AccessContext

    return person_create(
        personnummer=make_personnummer(dt.date(1979, 11, 2)),
        first_name="Nils",
        last_name="Nyberg",
        area=case.area,
        context=AccessContext.for_user(case.fk_officer),
    )


def _opened(registered):
    from cases.models import Case

    return lambda: Case.objects.filter(person=registered).exists()


def _case_open(person, case):
    registered = _registered(case)
    data = {
        "phase": "referred",
        "referral_date": _day(3),
        "target_group": "sick_unemployed",
        "fk_officer": case.fk_officer_id,
        "af_officer": case.af_officer_id,
        "benefit": "sjukpenning",
        "benefit_end_date": _day(-200),
    }
    return registered, data, _opened(registered), lambda: registered


def _api_case_open(person, case):
    registered = _registered(case)
    body = {"person": registered.pk, "referral_date": _day(3), "fk_officer": case.fk_officer_id}
    return None, body, _opened(registered), lambda: registered


def _case_move(person, case):
    """The person moved: the coordinator moves the case to the other area (the outsider's)."""
    from accounts.models import Area

    to_area = Area.objects.exclude(pk=case.area_id).order_by("pk").first()

    def changed():
        case.refresh_from_db()
        return case.area_id == to_area.pk

    return case, {"to_area": to_area.pk, "on": _day(0)}, changed


def _flag_dismiss(person, case):
    from cases.models import FlagDismissal

    reason = "Arbetsgivaren har lagts ned, ingen återgång är möjlig."
    code = "contact_meeting_due"
    address = {"pk": case.pk, "code": code}
    dismissed = FlagDismissal.objects.filter(case=case, code=code)
    return address, {"reason": reason}, lambda: dismissed.exists()


def _reassign(person, case):
    """The coordinator gives the AF officer's case to the colleague, an AF officer of the area."""
    from django.contrib.auth import get_user_model

    colleague = (
        get_user_model()
        .objects.filter(
            staff_profile__role__is_officer=True,
            staff_profile__agency__code="AF",
            staff_profile__areas=case.area,
        )
        .exclude(pk=case.af_officer_id)
        .get()
    )

    def changed():
        case.refresh_from_db()
        return case.af_officer_id == colleague.pk

    data = {"cases": [case.pk], "to_user": colleague.pk}
    return {"officer": case.af_officer_id}, data, changed


CASES = {
    "cases:person_reason": _person_reason,
    "cases:case_open": _case_open,
    "api:case-list": _api_case_open,
    "cases:case_move": _case_move,
    "cases:flag_dismiss": _flag_dismiss,
    "cases:reassign": _reassign,
}
