"""Deviation reports (SPEC §5): detection by the monthly job, and the management group's work
on them. Writes go through these services, never `save()` from a view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import StaffProfile
from accounts.scoping import coordinators_of, scope_for
from audit.models import AccessLog
from cases.models import RuleSet
from samverkan.dates import add_months
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    require_not_future,
    require_plausible,
    save_logged,
    save_new_version,
    today_or,
)

from .models import DeviationAction, DeviationReport, MonthlySnapshot
from .targets import (
    SEXES,
    Target,
    inflow_below_plan,
    sexes_above_days_goal,
    sexes_below_share_goal,
    staffing_below_plan,
    targets_for,
)

REPORT_FIELDS = ("analysis", "dialogue_on", "dialogue_with", "status")


def may_work_on(user, report: DeviationReport) -> bool:
    """The area's management group and its coordinators work on the area's reports."""
    return scope_for(user).manages(report.area_id)


def _require(user, report):
    if user is None or not may_work_on(user, report):
        raise PermissionDenied(_("Avvikelserapporten hanteras av områdets ledningsgrupp."))


@transaction.atomic
def deviation_update(
    *,
    report: DeviationReport,
    expected_version: int | None,
    data: dict,
    context: AccessContext,
    today=None,
) -> DeviationReport:
    """Record the analysis and the dialogue held (date, with whom); open → in dialogue once a
    dialogue is recorded. Closing goes through `deviation_close`."""
    acting = actor(context)
    _require(acting, report)
    today = today or timezone.localdate()
    current = lock_for_update(DeviationReport, report.pk, expected_version)
    if current.status == DeviationReport.Status.CLOSED:
        raise ValidationError(_("Rapporten är stängd."))
    changed = []
    for field, value in data.items():
        if field not in REPORT_FIELDS or field == "status":
            raise ValueError(f"{field} cannot be changed here")
        if isinstance(value, str):
            value = value.strip()
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    require_not_future("dialogue_on", current.dialogue_on, today)
    if current.dialogue_on and not current.dialogue_with:
        raise ValidationError({"dialogue_with": _("Ange vilka som deltog i dialogen.")})
    if current.dialogue_on and current.dialogue_on < current.opened_for:
        raise ValidationError(
            {"dialogue_on": _("Dialogen kan inte ligga före den avvikande månaden.")}
        )
    if current.dialogue_on and current.status == DeviationReport.Status.OPEN:
        current.status = DeviationReport.Status.IN_DIALOGUE
        changed.append("status")
    if not changed:
        return current
    return save_new_version(current, changed, context=context)


@transaction.atomic
def deviation_action_add(
    *,
    report: DeviationReport,
    description: str,
    owner: str,
    due_on: dt.date,
    owner_user=None,
    context: AccessContext,
    today: dt.date | None = None,
) -> DeviationAction:
    acting = actor(context)
    today = today_or(today)
    _require(acting, report)
    current = DeviationReport.objects.select_for_update().get(pk=report.pk)
    if current.status == DeviationReport.Status.CLOSED:
        raise ValidationError(_("Rapporten är stängd."))
    if not (description or "").strip():
        raise ValidationError({"description": _("Beskriv åtgärden.")})
    if not (owner or "").strip():
        raise ValidationError({"owner": _("Ange vem som ansvarar för åtgärden.")})
    if due_on is None:
        raise ValidationError({"due_on": _("Ange när åtgärden ska vara klar.")})
    if (
        owner_user is not None
        and not coordinators_of(current.area_id).filter(pk=owner_user.pk).exists()
    ):
        raise ValidationError(
            {"owner_user": _("Den som följer upp åtgärden ska vara samordnare i området.")}
        )
    require_plausible(due_on=due_on)
    if due_on < today:
        raise ValidationError(
            {"due_on": _("En ny åtgärd kan inte ha ett datum som redan har passerat.")}
        )
    action = DeviationAction(
        report=current,
        description=description.strip(),
        owner=owner.strip(),
        owner_user=owner_user,
        due_on=due_on,
    )
    action.full_clean()
    return save_logged(
        action, context=context, action=AccessLog.Action.CREATE, purpose="avvikelse: åtgärd"
    )


@transaction.atomic
def deviation_action_done(
    *,
    action: DeviationAction,
    expected_version: int | None,
    done_on: dt.date,
    follow_up: str = "",
    context: AccessContext,
    today=None,
) -> DeviationAction:
    acting = actor(context)
    _require(acting, action.report)
    today = today or timezone.localdate()
    current = lock_for_update(DeviationAction, action.pk, expected_version)
    if current.done_on is not None:
        raise ValidationError(_("Åtgärden är redan klar."))
    if done_on is None:
        raise ValidationError({"done_on": _("Ange när åtgärden blev klar.")})
    require_not_future("done_on", done_on, today)
    current.done_on = done_on
    current.follow_up = (follow_up or "").strip()
    return save_new_version(current, ["done_on", "follow_up"], context=context)


@transaction.atomic
def deviation_close(
    *,
    report: DeviationReport,
    expected_version: int | None,
    context: AccessContext,
    today=None,
) -> DeviationReport:
    """A report is closed when its analysis and dialogue are recorded and every agreed action
    is done (SPEC §5)."""
    acting = actor(context)
    _require(acting, report)
    today = today or timezone.localdate()
    current = lock_for_update(DeviationReport, report.pk, expected_version)
    if current.status == DeviationReport.Status.CLOSED:
        raise ValidationError(_("Rapporten är redan stängd."))
    if not current.analysis:
        raise ValidationError(_("Skriv analysen innan rapporten stängs."))
    if not current.dialogue_on:
        raise ValidationError(_("Registrera dialogen innan rapporten stängs."))
    actions = list(current.actions.all())
    if not actions:
        raise ValidationError(_("Minst en åtgärd ska vara beslutad innan rapporten stängs."))
    if any(a.done_on is None for a in actions):
        raise ValidationError(_("Alla åtgärder ska vara klara innan rapporten stängs."))
    current.status = DeviationReport.Status.CLOSED
    current.closed_on = today
    return save_new_version(current, ["status", "closed_on"], context=context)


def overdue_actions(*, reports, today: dt.date):
    """Actions past their due date and not done, for the flagged list on the dashboard."""
    return DeviationAction.objects.filter(
        report__in=reports, done_on__isnull=True, due_on__lt=today
    ).select_related("report", "report__area")


# --- detection by the monthly job ---------------------------------------------------------------

LOOK_BACK_MONTHS = 36


def _inflow_count(figures: dict) -> int:
    return figures["inflow"]["period"]["all"]["count"]


def _outcome_row(figures: dict, dimension: str, level: str) -> dict | None:
    try:
        return figures["outcomes"]["rows"][dimension][level]
    except (KeyError, TypeError):
        return None


def _outcome_counts(row: dict | None) -> dict:
    """(in work or education, measured) of one row of the month's day-365 cohort; nobody
    without the row."""
    if not row:
        return {"in_work_or_education": 0, "measured": 0}
    return {
        "in_work_or_education": row["counts"]["work_or_education"],
        "measured": row["total"],
    }


def _ended_row(figures: dict, dimension: str, level: str) -> dict:
    """(ended, days in all) of one row of everyone who ended in the month (average days, SPEC
    §5); nobody without the row."""
    try:
        part = figures["average_days"]["rows"][dimension][level]["all"]
    except (KeyError, TypeError):
        part = None
    if not part:
        return {"ended": 0, "days_total": 0}
    return {"ended": part.get("count") or 0, "days_total": part.get("days_total") or 0}


def _staffing(figures: dict, shares) -> dict[str, Decimal]:
    """The officers on the month's caseload per agency, each counted with their working-time
    share (1 without a profile), as the dashboard's caseload against the norm counts them."""
    caseload = figures.get("caseload") or {}
    return {
        agency: sum(
            (shares(int(user_id)) for user_id in (caseload.get(agency) or {})), Decimal("0.00")
        )
        for agency in ("af", "fk")
    }


def _month_deviation(kind: str, figures: dict, target: Target, shares=None) -> dict | None:
    """The month's figures against its target when they deviate, else None (also when the
    month has no plan to be held against). The tests are reporting.targets', the dashboard's."""
    if kind == DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL:
        goal = target.goal_average_days
        if goal is None:
            return None
        sexes = {sex: _ended_row(figures, "sex", sex) for sex in SEXES}
        verdict = sexes_above_days_goal(
            {sex: (row["days_total"], row["ended"]) for sex, row in sexes.items()}, goal
        )
        if not verdict.off:
            return None
        return {
            "month": figures["month"],
            **_ended_row(figures, "total", "total"),
            "goal_days": goal,
            "sexes": sexes,
            "off": list(verdict.off),
        }
    if kind == DeviationReport.Kind.STAFFING_BELOW_PLAN:
        tolerance = target.tolerance_percent
        if tolerance is None or target.planned_af_fte is None:
            return None
        actual = _staffing(figures, shares)
        planned = {"af": target.planned_af_fte, "fk": target.planned_fk_fte}
        if any(
            staffing_below_plan(
                actual_fte=actual[agency], planned_fte=planned[agency], tolerance_percent=tolerance
            )
            for agency in ("af", "fk")
        ):
            return {
                "month": figures["month"],
                "af_fte": str(actual["af"]),
                "af_planned_fte": str(planned["af"]),
                "fk_fte": str(actual["fk"]),
                "fk_planned_fte": str(planned["fk"]),
                "tolerance_percent": tolerance,
            }
        return None
    if kind == DeviationReport.Kind.INFLOW_BELOW_PLAN:
        planned, tolerance = target.planned_inflow, target.tolerance_percent
        if planned is None or tolerance is None:
            return None
        actual = _inflow_count(figures)
        if inflow_below_plan(actual=actual, planned=planned, tolerance_percent=tolerance):
            return {
                "month": figures["month"],
                "actual": actual,
                "planned": planned,
                "tolerance_percent": tolerance,
            }
        return None
    goal = target.goal_share_percent  # the cohort's start year's goal (reporting.targets)
    if goal is None:
        return None
    sexes = {sex: _outcome_counts(_outcome_row(figures, "sex", sex)) for sex in SEXES}
    verdict = sexes_below_share_goal(
        {sex: (row["in_work_or_education"], row["measured"]) for sex, row in sexes.items()}, goal
    )
    if not verdict.off:
        return None
    return {
        "month": figures["month"],
        **_outcome_counts(_outcome_row(figures, "total", "total")),
        "goal_percent": goal,
        "sexes": sexes,
        "off": list(verdict.off),
    }


def _latest_snapshot(area, month: dt.date) -> MonthlySnapshot | None:
    return (
        MonthlySnapshot.objects.filter(area=area, month=month)
        .only("version", "figures")
        .order_by("-version")
        .first()
    )


@transaction.atomic
def deviations_detect(*, area, month: dt.date) -> list[DeviationReport]:
    """Open a deviation report when the area's inflow has been below plan beyond the tolerance,
    its day-365 share below the goal, its average days in samverkan above the goal, or its
    staffing (either agency's) below the plan beyond the tolerance, for the rule set's number of
    months in a row (3 by default), ending with `month`. The months are read from the area's
    newest snapshots and held against reporting.targets (the inflow, average days and staffing
    against the plan of the month's year, the share against the goal of the cohort's start
    year); a month without a snapshot or without that plan breaks the run. The run is identified
    by its first month, so a run that goes on opens no second report, and a new run after a good
    month opens a new one.

    The share and average-days goals hold for women and men each (seed 000 §3, 001: "för såväl
    kvinnor som män"): a month deviates when either sex is off the goal, tested on that sex's
    own figures by reporting.targets.sexes_below_share_goal / sexes_above_days_goal, the rule
    the dashboard's "Under målet: kvinnor" follows. A sex nobody was measured for (or nobody of
    whom ended) does not deviate that month. A run is N months in a row in which the kind
    deviates for at least one sex, not necessarily the same one each month (women below in
    January and February, men in March is a run). Each stored month keeps the counts of women
    and men (`sexes`), which of them were off (`off`), the total as before, the goal and the
    snapshot version it was read from."""
    needed = RuleSet.for_date(month).deviation_months
    days = [add_months(month, -back) for back in range(LOOK_BACK_MONTHS)]
    targets = targets_for(area=area, months=days)
    snapshot_of: dict[dt.date, MonthlySnapshot | None] = {}
    known_shares: dict[int, Decimal] = {}

    def shares(user_id: int) -> Decimal:
        if user_id not in known_shares:
            known_shares[user_id] = StaffProfile.objects.filter(user_id=user_id).values_list(
                "working_time_share", flat=True
            ).first() or Decimal("1.00")
        return known_shares[user_id]

    opened = []
    for kind in DeviationReport.Kind.values:
        run = []
        for day in days:
            if day not in snapshot_of:
                snapshot_of[day] = _latest_snapshot(area, day)
            snapshot = snapshot_of[day]
            found = (
                _month_deviation(kind, snapshot.figures, targets[day], shares) if snapshot else None
            )
            if found is None:
                break
            # The snapshot version the month was read from: its page hides what the dashboard
            # hides of that version (reporting.deviation_figures).
            found["snapshot_version"] = snapshot.version
            run.append(found)
        if len(run) < needed:
            continue
        run.reverse()
        run_start = dt.date.fromisoformat(run[0]["month"] + "-01")
        report, created = DeviationReport.objects.get_or_create(
            area=area,
            kind=kind,
            run_start=run_start,
            defaults={"opened_for": month, "figures": {"months": run[:needed]}},
        )
        if created:
            opened.append(report)
    return opened
