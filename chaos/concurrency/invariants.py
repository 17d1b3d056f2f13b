"""What a case and its interventions must satisfy whatever happened at once, as the models and
the lifecycle rules declare it (not a second copy of the rules: each check names where its rule
lives):

- the models' own checks: `full_clean()` of the case and of each intervention (fields, `clean()`,
  the check constraints);
- the lifecycle (SPEC §3, `ALLOWED_TRANSITIONS`, `cases.services.case_transition`): the dated
  phase moves form one allowed path ending in the stored phase, never back in time; a closed case
  has its end and reason and an open one neither; introduction and trial only with a plan; the
  registration day is the day the needs analysis began;
- support and phase agree (`mapping.services.interventions`): an intervention starts on or after
  the day the case reached introduction and trial (a work-oriented one: work-oriented support),
  an open case with started support is in active support, a closed case has no running support
  and nothing dated after its end, a move ends the one the day the other starts;
- the change history: the newest historical entry of the case and of each intervention is what
  is stored."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from cases.models import ALLOWED_TRANSITIONS, Case, Phase
from mapping.models import Category, Intervention, PlanVersion
from mapping.services.interventions import ACTIVE_PHASES


def _clean(record, label: str) -> list[str]:
    try:
        record.full_clean()
    except ValidationError as error:
        return [f"{label}: {'; '.join(error.messages)}"]
    return []


def _latest_history_differs(record, fields) -> bool:
    latest = record.history.order_by("history_date", "history_id").last()
    return latest is None or any(getattr(latest, f) != getattr(record, f) for f in fields)


def _path(case: Case) -> tuple[list[str], dict[str, object]]:
    """The phase moves' faults, and the day each phase was first reached."""
    found, reached, previous = [], {}, None
    for move in case.transitions.order_by("id"):
        if previous is None:
            if move.from_phase != "":
                found.append(f"första fasbytet börjar i {move.from_phase}")
        else:
            if move.from_phase != previous.to_phase:
                found.append(f"fasbyte från {move.from_phase} efter {previous.to_phase}")
            if move.to_phase not in ALLOWED_TRANSITIONS[Phase(move.from_phase)]:
                found.append(f"otillåtet fasbyte {move.from_phase} → {move.to_phase}")
            if move.date < previous.date:
                found.append(f"fasbyte {move.date} före föregående {previous.date}")
        reached.setdefault(move.to_phase, move.date)
        previous = move
    if previous is None or previous.to_phase != case.phase:
        found.append(f"fasen {case.phase} är inte det senaste fasbytets")
    return found, reached


def violations(case_pk: int) -> list[str]:
    case = Case.objects.select_related("person").get(pk=case_pk)
    found = _clean(case, "ärendet")
    if case.phase not in Phase.values:
        found.append(f"okänd fas {case.phase!r}")
        return found
    path, reached = _path(case)
    found += path
    closed = case.phase == Phase.CLOSED
    if closed != (case.end_date is not None) or closed != bool(case.exit_reason):
        found.append("avslutsdag och avslutsorsak stämmer inte med fasen")
    if Phase.INTRODUCTION_TRIAL in reached and not PlanVersion.objects.filter(case=case).exists():
        found.append("introduktion och prövning utan individuell plan")
    if Phase.NEEDS_ANALYSIS in reached and case.start_date != reached[Phase.NEEDS_ANALYSIS]:
        found.append("registreringsdagen är inte dagen behovsanalysen började")
    if _latest_history_differs(case, ("phase", "start_date", "end_date", "exit_reason")):
        found.append("ärendets historik slutar inte i det sparade")
    for intervention in Intervention.objects.filter(case=case).order_by("id"):
        found += _support(case, reached, intervention)
    return found


def _support(case: Case, reached: dict, intervention: Intervention) -> list[str]:
    label = f"insats {intervention.pk}"
    found = _clean(intervention, label)
    start, end = intervention.start_date, intervention.end_date
    if _latest_history_differs(intervention, ("start_date", "end_date", "outcome")):
        found.append(f"{label}: historiken slutar inte i det sparade")
    if start is None:
        return found
    phase = (
        Phase.WORK_ORIENTED
        if intervention.category == Category.WORK_ORIENTED
        else Phase.INTRODUCTION_TRIAL
    )
    began = reached.get(phase)
    if began is None or start < began:
        found.append(f"{label}: startade {start} men fasen {phase} började {began}")
    if case.is_open and case.phase not in ACTIVE_PHASES:
        found.append(f"{label}: pågår i fasen {case.phase}")
    if not case.is_open:
        if end is None:
            found.append(f"{label}: pågår i ett avslutat ärende")
        if max(start, end or start) > case.end_date:
            found.append(f"{label}: daterad efter ärendets avslut {case.end_date}")
    before = intervention.moved_from
    if before is not None and (
        before.category != Category.WORK_PREPARATORY
        or intervention.category != Category.WORK_ORIENTED
        or before.end_date != start
    ):
        found.append(f"{label}: bytet från insats {before.pk} stämmer inte")
    return found
