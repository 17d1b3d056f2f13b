"""The valid changes of a case's own pages (phases, closing, situations, plans), for
access_change_payloads.PAYLOADS: builder(person, case) -> (the object the address names, the
data sent, a check that the record changed). The case is conftest.py's: in the needs analysis
since 30 days, both officers named."""

from django.utils import timezone


def _today():
    return timezone.localdate()


def _plan(case):
    from mapping.services import plan_save
    from samverkan.services import AccessContext

    context = AccessContext.system("test")
    plan_save(case=case, goal="Arbete inom handeln", activities="Arbetsprövning", context=context)
    case.refresh_from_db()


def _case_transition(person, case):
    _plan(case)
    data = {"to_phase": "introduction_trial", "on": _today().isoformat(), "version": case.version}

    def changed():
        case.refresh_from_db()
        return case.phase == "introduction_trial"

    return case, data, changed


def _case_close(person, case):
    data = {"on": _today().isoformat(), "exit_reason": "completed", "version": case.version}

    def changed():
        case.refresh_from_db()
        return case.end_date == _today()

    return case, data, changed


def _situation(moment, data):
    def build(person, case):
        return case, data, lambda: case.situations.filter(moment=moment).exists()

    return build


def _plan_create(person, case):
    data = {"goal": "Mål ett", "activities": "A", "version": "0"}
    return case, data, lambda: case.plan_versions.filter(goal="Mål ett").exists()


CASE_PAGES = {
    "cases:case_transition": _case_transition,
    "cases:case_close": _case_close,
    "cases:situation_start": _situation(
        "start",
        {
            "registered_with_af": "true",
            "employed": "true",
            "employer_orgnr": "5560360793",
            "working": "subsidised",
            "work_share_percent": "50",
            "public_support_months": "14",
        },
    ),
    "cases:situation_end": _situation("end", {"working": "unsubsidised", "studying": "false"}),
    "mapping:plan_create": _plan_create,
}
