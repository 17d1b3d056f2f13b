"""What a report month is held against (SPEC §5 "Work plan", "Outcome at day 365", "Deviation
report"), and the tests of being off it (inflow below plan, share below goal, average
days above goal, staffing below plan). One definition, read by the dashboard and by the
monthly deviation detection alike, so a month the dashboard flags is the month a deviation
report counts, and the other way round.

Which plan a figure of report month M is held against:

- the inflow (new participants in M), its tolerance and the average days (those who ended in M)
  measure M itself: the work plan of M's year;
- the day-365 share measures the cohort that started in M−12, and a cohort is held against the
  goal of its *start year's* work plan (SPEC §5, as amended: "Under 2012 följer myndigheterna de
  resultatmål som sattes upp för de personer som startade under 2011"). Report month 2012-01 →
  cohort 2011-01 → the goal of the 2011 plan. `Target.goal_share_year` says which year that is,
  so a page can say where its goal comes from.

The nation has no work plan of its own: its planned inflow is the sum of every active area's
plan, shown only when all of them have one for the year (a partial sum would look like a
shortfall); its goals and tolerance are the rule set's national ones, the share goal that of
the rule set in force on 1 January of the cohort's start year (the day a new work plan takes its
goals from, reporting.services.work_plan_save), the others that in force in the report month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Area
from cases.models import RuleSet
from samverkan.dates import add_months

from .models import WorkPlan

COHORT_MONTHS_BACK = 12


@dataclass(frozen=True)
class Target:
    """One report month's plan and goals; None where there is none (no work plan)."""

    planned_inflow: int | None = None
    tolerance_percent: int | None = None
    goal_share_percent: int | None = None
    goal_share_year: int | None = None  # whose plan the share goal is: the cohort's start year
    goal_average_days: int | None = None
    # The staffing the area's plan of the month's year sets, per agency (full-time equivalents).
    planned_af_fte: Decimal | None = None
    planned_fk_fte: Decimal | None = None


@dataclass
class Targets:
    """The targets of some report months of one area (or the nation)."""

    by_month: dict[dt.date, Target] = field(default_factory=dict)
    # The nation or a region: the areas all of whose plans its plan needs (else 0).
    active_areas: int = 0

    def __getitem__(self, month: dt.date) -> Target:
        return self.by_month.get(month, Target())


def cohort_month(report_month: dt.date) -> dt.date:
    """The start month of the cohort report month `report_month` measures at day 365 (M−12)."""
    return add_months(report_month, -COHORT_MONTHS_BACK)


# --- the tests of being off a target --------------------------------------------------------------


def inflow_below_plan(*, actual: int, planned: int, tolerance_percent: int) -> bool:
    """More than the tolerance below plan, in exact integer arithmetic: actual × 100 < planned ×
    (100 − tolerance). A month planned at 0 is never below plan."""
    return planned > 0 and actual * 100 < planned * (100 - tolerance_percent)


def share_below_goal(*, in_work: int, measured: int, goal_percent: int) -> bool:
    """The day-365 share in work or education below the goal, exactly: in_work × 100 < goal ×
    measured. A cohort of nobody is never below goal."""
    return measured > 0 and in_work * 100 < goal_percent * measured


def days_above_goal(*, days_total: int, ended: int, goal_days: int) -> bool:
    """The average days in samverkan of those who ended above the goal's most days, exactly:
    days_total > goal × ended (a mean of 230.4 days is above a goal of 230, though it prints as
    230). Nobody ended is never above goal. The goal holds for women and men each (seed 000 §3,
    001: "för såväl kvinnor som män"), so a caller tests each sex by itself."""
    return ended > 0 and days_total > goal_days * ended


# --- which sexes are off a goal (the goals hold for women and men each) -------------------------

SEXES = ("K", "M")

# One sex's figures in a month: (counted, people), i.e. (in work or education, measured) for the
# day-365 share, (days in samverkan in all, ended) for the average days. None for a whole pair:
# nobody; None inside a pair: hidden from the reader (a suppressed view).
SexFigures = tuple[int | None, int | None] | None


@dataclass(frozen=True)
class SexVerdict:
    """One month's figures by sex held against a goal: which sexes are off it (SEXES' order),
    which could be held against it at all (somebody measured, nothing hidden), and whether a
    sex's figures are hidden from the reader, so that the month cannot be said to be on goal."""

    off: tuple[str, ...] = ()
    judged: tuple[str, ...] = ()
    hidden: bool = False


def _sexes_off(by_sex: Mapping[str, SexFigures], is_off: Callable[[int, int], bool]) -> SexVerdict:
    off, judged, hidden = [], [], False
    for sex in SEXES:
        pair = by_sex.get(sex)
        if pair is None:
            continue
        counted, people = pair
        if counted is None or people is None:
            hidden = True
            continue
        if people == 0:  # nobody measured: this sex is neither off nor on the goal
            continue
        judged.append(sex)
        if is_off(counted, people):
            off.append(sex)
    return SexVerdict(off=tuple(off), judged=tuple(judged), hidden=hidden)


def sexes_below_share_goal(by_sex: Mapping[str, SexFigures], goal_percent: int) -> SexVerdict:
    """The sexes whose day-365 share is below the goal (`share_below_goal` on each sex's own
    counts): the one rule of the dashboard's "Under målet: kvinnor" and of the deviation
    detection. `by_sex`: sex -> (in work or education, measured)."""
    return _sexes_off(
        by_sex,
        lambda in_work, measured: share_below_goal(
            in_work=in_work, measured=measured, goal_percent=goal_percent
        ),
    )


def sexes_above_days_goal(by_sex: Mapping[str, SexFigures], goal_days: int) -> SexVerdict:
    """The sexes whose average days in samverkan is above the goal (`days_above_goal` on each
    sex's own sums): the dashboard's "Över målet: kvinnor" and the deviation detection's.
    `by_sex`: sex -> (days in samverkan in all, ended)."""
    return _sexes_off(
        by_sex,
        lambda days_total, ended: days_above_goal(
            days_total=days_total, ended=ended, goal_days=goal_days
        ),
    )


def staffing_below_plan(
    *, actual_fte: Decimal, planned_fte: Decimal, tolerance_percent: int
) -> bool:
    """One agency's staffing more than the tolerance below the plan's, as the inflow's test and
    in exact decimal arithmetic: actual × 100 < planned × (100 − tolerance). A plan of 0 is never
    short."""
    return planned_fte > 0 and actual_fte * 100 < planned_fte * (100 - tolerance_percent)


# --- the lookup ---------------------------------------------------------------------------------


def targets_for(*, area: Area | None, months: Iterable[dt.date]) -> Targets:
    """The targets of report months `months` (first days) of `area` (None: the nation). A fixed
    number of queries whatever the number of months."""
    months = sorted(set(months))
    years = {month.year for month in months} | {cohort_month(month).year for month in months}
    if area is not None:
        plans = {plan.year: plan for plan in WorkPlan.objects.filter(area=area, year__in=years)}
        return Targets(by_month={month: _area_target(plans, month) for month in months})

    active = Area.objects.filter(is_active=True).count()
    plans = WorkPlan.objects.filter(year__in=years, area__is_active=True)
    return _summed_targets(plans, active, months)


def targets_for_areas(*, area_ids: list[int], months: Iterable[dt.date]) -> Targets:
    """The targets of report months `months` of a group of areas (a region, issue 20 point 2),
    held like the nation: the planned inflow is the sum of the areas' plans, shown only when
    every one of them has a plan for the year (`active_areas` says how many that is); the goals
    and the tolerance are the rule set's national ones, since the areas' plans may set their own
    and a group has no plan to choose between them. Two queries whatever the number of months."""
    months = sorted(set(months))
    years = {month.year for month in months} | {cohort_month(month).year for month in months}
    plans = WorkPlan.objects.filter(year__in=years, area__in=sorted(set(area_ids)))
    return _summed_targets(plans, len(set(area_ids)), months)


def _summed_targets(plans, areas: int, months: list[dt.date]) -> Targets:
    """The targets of a sum of `areas` areas whose work plans are `plans`."""
    by_year: dict[int, list[list[int]]] = {}
    for year, planned in plans.values_list("year", "planned_inflow"):
        by_year.setdefault(year, []).append(planned)
    rule_sets = list(RuleSet.objects.order_by("valid_from"))
    targets = {}
    for month in months:
        year_plans = by_year.get(month.year, [])
        complete = areas > 0 and len(year_plans) == areas
        rules = _rules_on(rule_sets, month)
        start_year = cohort_month(month).year
        targets[month] = Target(
            planned_inflow=sum(p[month.month - 1] for p in year_plans) if complete else None,
            tolerance_percent=rules.deviation_tolerance_percent,
            goal_share_percent=_rules_on(rule_sets, dt.date(start_year, 1, 1)).goal_share_percent,
            goal_share_year=start_year,
            goal_average_days=rules.goal_average_days,
        )
    return Targets(by_month=targets, active_areas=areas)


def goal_for_cohort(*, area: Area | None, report_month: dt.date) -> tuple[int, int] | None:
    """(goal %, the year whose plan it is) that report month `report_month`'s day-365 cohort is
    held against, or None when that year has no plan."""
    target = targets_for(area=area, months=[report_month])[report_month]
    if target.goal_share_percent is None:
        return None
    return target.goal_share_percent, target.goal_share_year


def _area_target(plans: dict[int, WorkPlan], month: dt.date) -> Target:
    plan = plans.get(month.year)
    start_year = cohort_month(month).year
    cohort_plan = plans.get(start_year)
    return Target(
        planned_inflow=plan.planned_for_month(month.month) if plan else None,
        tolerance_percent=plan.deviation_tolerance_percent if plan else None,
        goal_share_percent=cohort_plan.goal_share_percent if cohort_plan else None,
        goal_share_year=start_year if cohort_plan else None,
        goal_average_days=plan.goal_average_days if plan else None,
        planned_af_fte=plan.planned_af_fte if plan else None,
        planned_fk_fte=plan.planned_fk_fte if plan else None,
    )


def _rules_on(rule_sets: list[RuleSet], day: dt.date) -> RuleSet:
    """RuleSet.for_date without a query per month: the set in force on `day`, before the first
    set the first one, with none stored the 2010 plan's defaults."""
    in_force = [rules for rules in rule_sets if rules.valid_from <= day]
    if in_force:
        return in_force[-1]
    return rule_sets[0] if rule_sets else RuleSet(valid_from=dt.date(2010, 1, 1))
