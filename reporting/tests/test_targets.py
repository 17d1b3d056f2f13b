"""What a report month is held against (reporting.targets, SPEC §5): the inflow and average days
against the plan of the month's year, the day-365 share against the goal of the cohort's start
year; the two tests of being off plan, shared by the dashboard and the deviation detection."""

import datetime as dt

import pytest

from cases.models import RuleSet
from reporting.models import WorkPlan
from reporting.targets import (
    cohort_month,
    days_above_goal,
    goal_for_cohort,
    inflow_below_plan,
    share_below_goal,
    targets_for,
)

JAN_2012 = dt.date(2012, 1, 1)


def test_report_month_2012_01_measures_the_cohort_of_2011_01():
    assert cohort_month(JAN_2012) == dt.date(2011, 1, 1)


@pytest.mark.parametrize(
    ("actual", "planned", "tolerance", "below"),
    [(8, 10, 10, True), (9, 10, 10, False), (0, 0, 10, False), (4, 5, 0, True), (5, 5, 0, False)],
)
def test_inflow_below_plan_is_beyond_the_tolerance_in_exact_arithmetic(
    actual, planned, tolerance, below
):
    # 9 × 100 = 900 is not below 10 × 90 = 900; a month planned at 0 is never below plan
    assert inflow_below_plan(actual=actual, planned=planned, tolerance_percent=tolerance) is below


@pytest.mark.parametrize(
    ("in_work", "measured", "goal", "below"),
    [(3, 10, 40, True), (4, 10, 40, False), (0, 0, 40, False), (39, 100, 40, True)],
)
def test_share_below_goal_in_exact_arithmetic(in_work, measured, goal, below):
    assert share_below_goal(in_work=in_work, measured=measured, goal_percent=goal) is below


@pytest.mark.django_db
def test_the_goal_is_the_cohorts_start_years_and_the_plan_the_report_months(area):
    # given the 2011 plan (goal 45 %, 7 a month) and the 2012 plan (goal 40 %, 9 a month)
    WorkPlan.objects.create(area=area, year=2011, goal_share_percent=45, planned_inflow=[7] * 12)
    WorkPlan.objects.create(
        area=area, year=2012, goal_share_percent=40, planned_inflow=[9] * 12, goal_average_days=200
    )

    target = targets_for(area=area, months=[JAN_2012])[JAN_2012]

    assert (target.goal_share_percent, target.goal_share_year) == (45, 2011)
    assert (target.planned_inflow, target.goal_average_days) == (9, 200)
    assert goal_for_cohort(area=area, report_month=JAN_2012) == (45, 2011)
    # from 2013-01 the 2012 cohorts are measured, against 2012's goal
    assert goal_for_cohort(area=area, report_month=dt.date(2013, 1, 1)) == (40, 2012)


@pytest.mark.django_db
def test_without_the_start_years_plan_there_is_no_goal(area):
    WorkPlan.objects.create(area=area, year=2012, goal_share_percent=40)
    assert goal_for_cohort(area=area, report_month=JAN_2012) is None
    assert goal_for_cohort(area=area, report_month=dt.date(2012, 12, 1)) is None


@pytest.mark.django_db
def test_the_nations_goal_is_the_rule_set_of_the_cohorts_start_year(area):
    # given national goals of 45 % from 2011 and 40 % from 2012
    for year, goal in ((2011, 45), (2012, 40)):
        RuleSet.objects.update_or_create(
            valid_from=dt.date(year, 1, 1),
            defaults={"name": str(year), "goal_share_percent": goal},
        )

    assert goal_for_cohort(area=None, report_month=JAN_2012) == (45, 2011)
    assert goal_for_cohort(area=None, report_month=dt.date(2013, 1, 1)) == (40, 2012)


@pytest.mark.parametrize(
    "days_total, ended, goal, above",
    [
        (601, 3, 200, True),  # mean 200.33: above, though it prints as 200
        (600, 3, 200, False),  # exactly on the goal
        (0, 0, 200, False),  # nobody ended
        (1, 1, 0, True),
    ],
)
def test_days_above_goal_in_exact_arithmetic(days_total, ended, goal, above):
    assert days_above_goal(days_total=days_total, ended=ended, goal_days=goal) is above
