"""The valid starts, ends and moves of an intervention, page and API, for
access_change_payloads.PAYLOADS: builder(person, case) -> (the intervention, the data sent, a
check that the record changed). Data as mapping's own intervention tests send it."""

import datetime as dt

from django.utils import timezone


def _day(days_ago):
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def _intervention(case, started):
    """A work-preparatory intervention of the case (with a plan), started ten days ago or
    planned."""
    from mapping.services import intervention_create, plan_save
    from samverkan.services import AccessContext

    context = AccessContext.system("test")
    plan_save(case=case, goal="Arbete", activities="Friskvård", context=context)
    return intervention_create(
        case=case,
        kind="wellness",
        provider="AF",
        hours_per_week=6,
        goal="Orka en dag.",
        start_date=timezone.localdate() - dt.timedelta(days=10) if started else None,
        context=context,
    )


def _ended(intervention):
    def changed():
        intervention.refresh_from_db()
        return intervention.end_date is not None

    return changed


def _moved(intervention):
    from mapping.models import Intervention

    return lambda: Intervention.objects.filter(moved_from=intervention).exists()


def _api_start(person, case):
    planned = _intervention(case, started=False)

    def changed():
        planned.refresh_from_db()
        return planned.start_date is not None

    return planned, {"version": planned.version, "start_date": _day(1)}, changed


def _end(field):
    def build(person, case):
        running = _intervention(case, started=True)
        body = {"version": running.version, field: _day(1), "outcome": "aborted"}
        return running, body, _ended(running)

    return build


MOVE = {
    "outcome": "partly_reached",
    "kind": "work_trial",
    "provider": "employer",
    "hours_per_week": "20",
    "goal": "Prova lagerarbete",
}


def _move(field):
    def build(person, case):
        running = _intervention(case, started=True)
        body = {**MOVE, "version": running.version, field: _day(1), "provider_name": ""}
        return running, body, _moved(running)

    return build


INTERVENTIONS = {
    "api:intervention-start": _api_start,
    "api:intervention-end": _end("end_date"),
    "mapping:intervention_end": _end("end_date"),
    "api:intervention-move": _move("date"),
    "mapping:intervention_move": _move("on"),
}
