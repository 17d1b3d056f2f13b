"""Writes of interventions (SPEC §4).

Interventions run while the case is in active support, and they move its phase forward so the
phase and the support given never disagree: starting any intervention while the case is in the
needs analysis moves it to introduction and trial (rule 4: directly after the needs analysis; the
plan is required), and starting a work-oriented one moves it on to work-oriented support. A move
from a work-preparatory to a work-oriented intervention ends the one and starts the other on the
same day and is kept as a registration point (`moved_from`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AccessLog
from cases.flags import rules_for
from cases.models import Case, Phase
from cases.worklist_state import cases_changed
from samverkan.dates import add_days
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    log_access,
    require_not_future,
    require_plausible,
    save_new_version,
    today_or,
)

from ..models import Category, Intervention, Outcome, Provider, category_of
from ..models import Kind as InterventionKind
from ._common import require_text

INTERVENTION_FIELDS = (
    "provider",
    "provider_name",
    "hours_per_week",
    "planned_start",
    "goal",
    "follow_up_notes",
    "outcome",
    "cost",
)
ACTIVE_PHASES = (Phase.INTRODUCTION_TRIAL, Phase.WORK_ORIENTED)


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"hours_per_week": _("Ange timmar per vecka.")}) from None
    if not hours.is_finite() or not (Decimal("0.5") <= hours <= Decimal("40")):
        raise ValidationError(
            {"hours_per_week": _("Ange mellan 0,5 och 40 timmar per vecka (heltid är 40).")}
        )
    return hours


def _case_for_start(case: Case, category: str, on: dt.date, *, context, today) -> Case:
    """Lock the case and move its phase so that an intervention of `category` can start on
    `on`: needs analysis → introduction and trial, and for work-oriented support on to
    work-oriented. The case services' own rules (plan first, dates in order) apply."""
    from cases.services import case_transition

    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("Ärendet är avslutat."))
    if case.phase == Phase.REFERRED or case.start_date is None:
        raise ValidationError({"start_date": _("Insatser börjar när behovsanalysen har startat.")})
    if on < case.start_date:
        raise ValidationError(
            {
                "start_date": _("Insatsen kan inte starta före registreringen i samverkan (%(d)s).")
                % {"d": case.start_date}
            }
        )
    rules = rules_for(case)
    if on > add_days(case.start_date, rules.max_days):
        raise ValidationError(
            {
                "start_date": _(
                    "Ärendet har passerat %(max)d dagar i samverkan; inga nya insatser kan starta."
                )
                % {"max": rules.max_days}
            }
        )
    if case.phase in ACTIVE_PHASES:
        # Phase and support never disagree: nothing starts before its phase began (a
        # work-oriented intervention not before work-oriented support, if the case is there).
        phase_of_start = (
            Phase.WORK_ORIENTED
            if category == Category.WORK_ORIENTED and case.phase == Phase.WORK_ORIENTED
            else Phase.INTRODUCTION_TRIAL
        )
        began = (
            case.transitions.filter(to_phase=phase_of_start).values_list("date", flat=True).first()
        )
        if began and on < began:
            raise ValidationError(
                {
                    "start_date": _("Insatsen kan inte starta före fasen %(phase)s (%(d)s).")
                    % {"phase": Phase(phase_of_start).label, "d": began}
                }
            )
    targets = []
    if case.phase == Phase.NEEDS_ANALYSIS:
        targets.append(Phase.INTRODUCTION_TRIAL)
    if category == Category.WORK_ORIENTED and case.phase != Phase.WORK_ORIENTED:
        targets.append(Phase.WORK_ORIENTED)
    for phase in targets:
        try:
            case = case_transition(case=case, to_phase=phase, on=on, context=context, today=today)
        except ValidationError as exc:
            messages = exc.messages
            raise ValidationError({"start_date": messages}) from None
    return case


def _lock_intervention(intervention: Intervention, expected_version: int | None) -> Intervention:
    """Row locks always in one order, the case first and then the intervention, as closing a
    case does (cases.services.case_transition → interventions_end_with_case): two writers can
    never wait for each other."""
    Case.objects.select_for_update().filter(pk=intervention.case_id).first()
    return lock_for_update(Intervention, intervention.pk, expected_version)


def _log_write(intervention, action, purpose, context):
    log_access(context, action=action, obj=intervention, purpose=purpose)


@transaction.atomic
def intervention_create(
    *,
    case: Case,
    kind: str,
    provider: str,
    hours_per_week,
    goal: str,
    provider_name: str = "",
    planned_start=None,
    start_date=None,
    moved_from: Intervention | None = None,
    context: AccessContext,
    today=None,
) -> Intervention:
    """Plan an intervention (no start date: the participant waits for it) or register one that
    has started."""
    today = today_or(today)
    if kind not in InterventionKind.values:
        raise ValidationError({"kind": _("Välj insats.")})
    if provider not in Provider.values:
        raise ValidationError({"provider": _("Välj anordnare.")})
    if provider == Provider.PURCHASED and not (provider_name or "").strip():
        raise ValidationError({"provider_name": _("Ange vem insatsen köps från.")})
    hours = _hours(hours_per_week)
    goal = require_text("goal", goal, _("Beskriv målet med insatsen."))
    category = category_of(kind)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(_("Ärendet är avslutat."))
    require_plausible(planned_start=planned_start)
    if locked.start_date and start_date is None:
        # A planned intervention must be able to start while the case may still run.
        limit = add_days(locked.start_date, rules_for(locked).max_days)
        if max(today, planned_start or today) > limit:
            raise ValidationError(
                {
                    "planned_start": _(
                        "Ärendet får vara i samverkan till och med %(d)s; planera insatsen "
                        "före det."
                    )
                    % {"d": limit}
                }
            )
    if planned_start and start_date is None and planned_start < today:
        raise ValidationError(
            {
                "planned_start": _(
                    "En planerad start ligger i dag eller senare; har insatsen "
                    "redan startat, ange startdatum."
                )
            }
        )
    if start_date is not None:
        require_not_future(
            "start_date", start_date, today, _("Ange startdatum när insatsen har startat.")
        )
        locked = _case_for_start(locked, category, start_date, context=context, today=today)
    intervention = Intervention(
        case=locked,
        category=category,
        kind=kind,
        provider=provider,
        provider_name=(provider_name or "").strip(),
        hours_per_week=hours,
        planned_start=planned_start,
        start_date=start_date,
        goal=goal,
        moved_from=moved_from,
        created_by=actor(context),
    )
    intervention.full_clean(validate_constraints=False)
    intervention._history_user = actor(context)
    intervention.save()
    _log_write(intervention, AccessLog.Action.CREATE, f"insats {kind}", context)
    cases_changed([intervention.case_id])
    return intervention


def _changed(intervention: Intervention) -> Intervention:
    """The case's worklist summary after a change of its interventions (cases.worklist_state)."""
    cases_changed([intervention.case_id])
    return intervention


@transaction.atomic
def intervention_start(
    *,
    intervention: Intervention,
    expected_version: int | None,
    on: dt.date,
    context: AccessContext,
    today=None,
) -> Intervention:
    """A planned intervention starts (registration point: start of an active intervention)."""
    today = today_or(today)
    current = _lock_intervention(intervention, expected_version)
    if current.start_date is not None:
        raise ValidationError(_("Insatsen har redan startat."))
    if on is None:
        raise ValidationError({"start_date": _("Ange startdatum.")})
    require_not_future("start_date", on, today, _("Ange startdatum när insatsen har startat."))
    _case_for_start(current.case, current.category, on, context=context, today=today)
    current.start_date = on
    return _changed(save_new_version(current, ["start_date"], context=context))


def _end(current: Intervention, on: dt.date, outcome: str, today: dt.date) -> None:
    if current.start_date is None:
        raise ValidationError(_("En insats som inte har startat kan inte avslutas."))
    if current.end_date is not None:
        raise ValidationError(_("Insatsen är redan avslutad."))
    if on is None:
        raise ValidationError({"end_date": _("Ange slutdatum.")})
    require_not_future("end_date", on, today)
    if on < current.start_date:
        raise ValidationError({"end_date": _("Insatsen kan inte sluta före starten.")})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Välj resultat.")})
    current.end_date = on
    current.outcome = outcome


@transaction.atomic
def intervention_end(
    *,
    intervention: Intervention,
    expected_version: int | None,
    on: dt.date,
    outcome: str,
    follow_up_notes: str | None = None,
    context: AccessContext,
    today=None,
) -> Intervention:
    today = today_or(today)
    current = _lock_intervention(intervention, expected_version)
    _end(current, on, outcome, today)
    changed = ["end_date", "outcome"]
    if follow_up_notes is not None and follow_up_notes.strip() != current.follow_up_notes:
        current.follow_up_notes = follow_up_notes.strip()
        changed.append("follow_up_notes")
    return _changed(save_new_version(current, changed, context=context))


@transaction.atomic
def intervention_move(
    *,
    intervention: Intervention,
    expected_version: int | None,
    on: dt.date,
    outcome: str,
    kind: str,
    provider: str,
    hours_per_week,
    goal: str,
    provider_name: str = "",
    context: AccessContext,
    today=None,
) -> Intervention:
    """Move from a running work-preparatory intervention to a work-oriented one on `on`: the
    first ends that day with its outcome, the second starts that day and points back at it."""
    today = today_or(today)
    current = _lock_intervention(intervention, expected_version)
    if current.category != Category.WORK_PREPARATORY:
        raise ValidationError(
            _("Bara en arbetsförberedande insats kan bytas mot en arbetslivsinriktad.")
        )
    if kind not in InterventionKind.values or category_of(kind) != Category.WORK_ORIENTED:
        raise ValidationError({"kind": _("Välj en arbetslivsinriktad insats.")})
    _end(current, on, outcome, today)
    save_new_version(current, ["end_date", "outcome"], context=context)
    return intervention_create(
        case=current.case,
        kind=kind,
        provider=provider,
        provider_name=provider_name,
        hours_per_week=hours_per_week,
        goal=goal,
        start_date=on,
        moved_from=current,
        context=context,
        today=today,
    )


@transaction.atomic
def intervention_update(
    *,
    intervention: Intervention,
    expected_version: int | None,
    data: dict,
    context: AccessContext,
    today=None,
) -> Intervention:
    """Change an intervention's description, hours, planned start and follow-up notes; the
    outcome only once it has ended. Start and end go through their own actions."""
    today = today_or(today)
    current = _lock_intervention(intervention, expected_version)
    if not current.case.is_open and current.end_date is None:
        raise ValidationError(_("Ärendet är avslutat."))
    changed = []
    for field, value in data.items():
        if field not in INTERVENTION_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        if field == "hours_per_week":
            value = _hours(value)
        elif isinstance(value, str):
            value = value.strip()
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    if current.provider not in Provider.values:
        raise ValidationError({"provider": _("Välj anordnare.")})
    if current.provider == Provider.PURCHASED and not current.provider_name:
        raise ValidationError({"provider_name": _("Ange vem insatsen köps från.")})
    if current.cost is not None and current.provider != Provider.PURCHASED:
        # The funds follow-up sums what AF paid for interventions bought from others (issue 21).
        raise ValidationError(
            {"cost": _("Kostnad anges bara för en insats som köps från en annan aktör.")}
        )
    if current.cost is not None and current.cost < 0:
        raise ValidationError({"cost": _("Kostnaden kan inte vara negativ.")})
    require_text("goal", current.goal, _("Beskriv målet med insatsen."))
    if "outcome" in changed:
        if current.end_date is None and current.outcome:
            raise ValidationError({"outcome": _("Resultatet registreras när insatsen avslutas.")})
        if current.end_date is not None and current.outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Välj resultat.")})
    if "planned_start" in changed and current.start_date is not None:
        raise ValidationError({"planned_start": _("Insatsen har redan startat.")})
    if "planned_start" in changed and current.planned_start:
        require_plausible(planned_start=current.planned_start)
        if current.planned_start < today:
            raise ValidationError(
                {"planned_start": _("En planerad start ligger i dag eller senare.")}
            )
    current.full_clean(validate_constraints=False)
    # what it changes (provider, hours, goal, notes, outcome) no flag reads
    return save_new_version(current, changed, context=context)


@transaction.atomic
def interventions_end_with_case(*, case: Case, on: dt.date, context: AccessContext) -> int:
    """Closing a case ends its running interventions that day (a hook of the case services,
    registered in mapping.apps). Planned interventions that never started stay as they are:
    they did not happen, and a closed case is nobody's waiting state. Returns how many
    were ended."""
    running = case.interventions.select_for_update().filter(
        start_date__isnull=False, end_date__isnull=True
    )
    ended = 0
    for current in running:
        current.end_date = on  # case_transition refuses an end before any intervention date
        save_new_version(current, ["end_date"], context=context)
        ended += 1
    return ended
