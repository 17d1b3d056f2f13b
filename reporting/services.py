"""Writes of the area's work plan (arbetsplan, SPEC §5). Views, forms and commands call these,
never `save()`. Like cases.services: everything is checked before anything is written, one
transaction, an access-log entry per write, and the model's history keeps old → new."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Area
from accounts.scoping import scope_for
from audit.models import AccessLog
from cases.models import RuleSet, TargetGroup
from samverkan.services import (
    AccessContext,
    ConcurrentEditError,
    actor,
    lock_for_update,
    log_access,
    save_new_version,
)

from .models import PlanningYear, WorkPlan

WORK_PLAN_FIELDS = (
    "planned_inflow",
    "goal_share_percent",
    "goal_average_days",
    "planned_af_fte",
    "planned_fk_fte",
    "deviation_tolerance_percent",
    "prioritisation_follow_up",
    "planned_inflow_by_group",
)
PRIORITISATION_MAX = 10_000
# Taken from the rule set in force on 1 January when a plan is created without them.
RULE_SET_DEFAULTS = ("goal_share_percent", "goal_average_days", "deviation_tolerance_percent")

YEAR_RANGE = (2000, 2100)
# SPEC §5: the area's goal for the share in work or education at day 365 is at least 40 %.
GOAL_SHARE_RANGE = (40, 100)
GOAL_AVERAGE_DAYS_RANGE = (1, 365)
TOLERANCE_RANGE = (0, 100)
FTE_MAX = Decimal("999.9")
# No area plans more than this many new participants a month; the bound keeps a typing slip
# (an extra zero or three) from becoming a plan that no deviation could ever be measured against.
MONTHLY_INFLOW_MAX = 100_000


def may_edit_work_plans(user, area) -> bool:
    """The area's coordinators (area-wide case access) keep its work plan."""
    return scope_for(user).coordinates(area.pk)


def work_plan_areas(user):
    """The active areas whose work plans `user` keeps (the rule of may_edit_work_plans, as a
    queryset for lists and forms), by code."""
    scope = scope_for(user)
    if not scope.is_coordinator:
        return Area.objects.none()
    return Area.objects.filter(pk__in=scope.area_ids, is_active=True).order_by("code")


def may_submit_work_plan(user, area) -> bool:
    """The area's management group and its coordinators submit its plan (issue 20)."""
    return scope_for(user).manages(area.pk)


def may_decide_work_plans(user) -> bool:
    """The national samverkansgrupp approves or returns the areas' plans
    (Role.national_steering)."""
    return scope_for(user).national_steering


def _whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_range(errors, field, value, low, high, message):
    if not _whole_number(value) or not low <= value <= high:
        errors[field] = [message]


def _check_inflow(errors, inflow):
    if not isinstance(inflow, list | tuple) or len(inflow) != 12:
        errors["planned_inflow"] = [_("Ange planerat inflöde för årets tolv månader.")]
        return
    if not all(_whole_number(n) and 0 <= n <= MONTHLY_INFLOW_MAX for n in inflow):
        errors["planned_inflow"] = [
            _("Planerat inflöde anges i hela personer, 0–%(max)s per månad.")
            % {"max": f"{MONTHLY_INFLOW_MAX:,}".replace(",", "\u00a0")}
        ]


def _check_by_group(errors, by_group) -> dict:
    """The year's planned inflow per target group: known groups, whole people, groups planned at
    0 left out."""
    if not isinstance(by_group, dict) or not all(
        key in TargetGroup.values and _whole_number(n) and 0 <= n <= MONTHLY_INFLOW_MAX * 12
        for key, n in by_group.items()
    ):
        errors["planned_inflow_by_group"] = [
            _("Ange planerat inflöde per målgrupp i hela personer.")
        ]
        return by_group
    return {key: by_group[key] for key in TargetGroup.values if by_group.get(key)}


def _fte(errors, field, value):
    """Full-time equivalents: 0–999.9 with at most one decimal. Returns the Decimal to store."""
    try:
        number = None if isinstance(value, bool) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if (
        number is None
        or not number.is_finite()
        or not Decimal(0) <= number <= FTE_MAX
        or number != number.quantize(Decimal("0.1"))
    ):
        errors[field] = [_("Ange årsarbetskrafter mellan 0 och 999,9 med högst en decimal.")]
        return value
    return number.quantize(Decimal("0.1"))


def _validated(values: dict) -> dict:
    """Every field of the plan checked at once, so a form shows every mistake in one go."""
    errors: dict[str, list] = {}
    values = dict(values)
    _check_inflow(errors, values["planned_inflow"])
    _check_range(
        errors,
        "goal_share_percent",
        values["goal_share_percent"],
        *GOAL_SHARE_RANGE,
        _("Målet för andelen i arbete eller utbildning ska vara minst 40 och högst 100 %."),
    )
    _check_range(
        errors,
        "goal_average_days",
        values["goal_average_days"],
        *GOAL_AVERAGE_DAYS_RANGE,
        _("Målet för genomsnittlig tid i samverkan ska vara mellan 1 och 365 dagar."),
    )
    _check_range(
        errors,
        "deviation_tolerance_percent",
        values["deviation_tolerance_percent"],
        *TOLERANCE_RANGE,
        _("Toleransen ska vara mellan 0 och 100 %."),
    )
    for field in ("planned_af_fte", "planned_fk_fte"):
        values[field] = _fte(errors, field, values[field])
    values["planned_inflow_by_group"] = _check_by_group(errors, values["planned_inflow_by_group"])
    text = values["prioritisation_follow_up"]
    if not isinstance(text, str) or len(text) > PRIORITISATION_MAX:
        errors["prioritisation_follow_up"] = [
            _("Beskriv prioritering och uppföljning med högst %(n)s tecken.")
            % {"n": f"{PRIORITISATION_MAX:,}".replace(",", "\u00a0")}
        ]
    else:
        values["prioritisation_follow_up"] = text.strip()
    if errors:
        raise ValidationError(errors)
    values["planned_inflow"] = list(values["planned_inflow"])
    return values


@transaction.atomic
def work_plan_save(
    *, area, year: int, data: dict, expected_version: int | None, context: AccessContext
) -> WorkPlan:
    """Create the area's plan for `year`, or change it.

    `expected_version` is the version the form was opened on: None skips the optimistic check,
    0 means the caller expects no plan yet (a create form), so a plan someone else created
    meanwhile is a conflict rather than silently overwritten (SPEC §7). A new plan takes the
    goals and the tolerance the caller leaves out from the rule set in force on 1 January."""
    unknown = set(data) - set(WORK_PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown work plan fields: {sorted(unknown)}")
    acting = actor(context)
    if acting is None or not may_edit_work_plans(acting, area):
        raise PermissionDenied(_("Arbetsplanen upprättas av områdets samordnare."))
    if not _whole_number(year) or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValidationError({"year": _("Året ska ligga mellan 2000 och 2100.")})

    existing = WorkPlan.objects.filter(area=area, year=year).values_list("pk", flat=True).first()
    if existing is None:
        if expected_version:
            raise ConcurrentEditError()  # the plan the form was opened on is gone
        return _create(area=area, year=year, data=data, context=context)

    current = lock_for_update(WorkPlan, existing, expected_version)
    if not current.is_open_for_edit:
        raise ValidationError(
            _(
                "Planen är inskickad till nationella samverkansgruppen och kan inte ändras förrän "
                "den har returnerats."
            )
        )
    values = _validated({name: data.get(name, getattr(current, name)) for name in WORK_PLAN_FIELDS})
    changed = [name for name in WORK_PLAN_FIELDS if getattr(current, name) != values[name]]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean(validate_unique=False, validate_constraints=False)
    return save_new_version(current, changed, context=context)


def _create(*, area, year, data, context) -> WorkPlan:
    rules = RuleSet.for_date(dt.date(year, 1, 1))
    defaults = {name: getattr(rules, name) for name in RULE_SET_DEFAULTS}
    blank = WorkPlan()
    values = _validated(
        {
            name: data.get(name, defaults.get(name, getattr(blank, name)))
            for name in WORK_PLAN_FIELDS
        }
    )
    acting = actor(context)
    plan = WorkPlan(area=area, year=year, created_by=acting, **values)
    plan.full_clean(validate_unique=False, validate_constraints=False)
    plan._history_user = acting
    try:
        # Two coordinators creating the same plan at once: the unique constraint stops the
        # second, who is told, as for any concurrent edit, rather than overwriting the first.
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ConcurrentEditError() from None
    log_access(
        context,
        action=AccessLog.Action.CREATE,
        obj=plan,
        purpose="arbetsplan upprättad",
    )
    return plan


# --- submission and decision (issue 20) --------------------------------------------------------


def submission_problems(plan: WorkPlan) -> list[str]:
    """What keeps a plan from being submitted: the text the action plan asks for, and a split
    by target group that adds up to the months."""
    problems = []
    if not plan.prioritisation_follow_up.strip():
        problems.append(_("Beskriv hur området säkerställer prioritering och uppföljning."))
    by_group = sum(plan.planned_inflow_by_group.values())
    if by_group != sum(plan.planned_inflow):
        problems.append(
            _(
                "Inflödet per målgrupp (%(groups)s) ska bli lika mycket som årets planerade "
                "inflöde per månad (%(months)s)."
            )
            % {"groups": by_group, "months": sum(plan.planned_inflow)}
        )
    return problems


@transaction.atomic
def work_plan_submit(
    *, plan: WorkPlan, expected_version: int | None, context: AccessContext
) -> WorkPlan:
    """The area's management group sends the plan to the national group: draft or returned →
    submitted. The first submission's time is kept (whether it came in time is measured by it)."""
    acting = actor(context)
    if acting is None or not may_submit_work_plan(acting, plan.area):
        raise PermissionDenied(_("Arbetsplanen skickas in av områdets ledningsgrupp."))
    current = lock_for_update(WorkPlan, plan.pk, expected_version)
    if not current.is_open_for_edit:
        raise ValidationError(_("Planen är redan inskickad."))
    problems = submission_problems(current)
    if problems:
        raise ValidationError(problems)
    current.status = WorkPlan.Status.SUBMITTED
    changed = ["status"]
    if current.submitted_at is None:
        current.submitted_at = timezone.now()
        changed.append("submitted_at")
    current.submitted_by = acting
    changed.append("submitted_by")
    return save_new_version(current, changed, context=context)


@transaction.atomic
def work_plan_decide(
    *,
    plan: WorkPlan,
    expected_version: int | None,
    approve: bool,
    comment: str,
    context: AccessContext,
) -> WorkPlan:
    """The national group approves a submitted plan, or returns it with comments (then the area
    changes it and submits it again)."""
    acting = actor(context)
    if acting is None or not may_decide_work_plans(acting):
        raise PermissionDenied(_("Arbetsplanen godkänns av nationella samverkansgruppen."))
    current = lock_for_update(WorkPlan, plan.pk, expected_version)
    if current.status != WorkPlan.Status.SUBMITTED:
        raise ValidationError(_("Bara en inskickad plan kan godkännas eller returneras."))
    comment = (comment or "").strip() if isinstance(comment, str) else None
    if comment is None or len(comment) > PRIORITISATION_MAX:
        raise ValidationError({"comment": _("Kommentaren får vara högst 10 000 tecken.")})
    if not approve and not comment:
        raise ValidationError(
            {"comment": _("Skriv vad området ska ändra innan planen returneras.")}
        )
    current.status = WorkPlan.Status.APPROVED if approve else WorkPlan.Status.RETURNED
    current.decided_at = timezone.now()
    current.decided_by = acting
    current.decision_comment = comment
    return save_new_version(
        current, ["status", "decided_at", "decided_by", "decision_comment"], context=context
    )


def planning_year(year: int) -> PlanningYear | None:
    return PlanningYear.objects.filter(year=year).first()
