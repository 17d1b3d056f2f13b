"""Deviation detection by the monthly job (SPEC §5): three months in a row below plan beyond
the tolerance, or below the day-365 goal, open exactly one report per run of months.

The month's figures come from a stand-in for the metrics (the metrics have their own tests), so
each month's inflow and outcome can be set by hand."""

import datetime as dt

import pytest

from reporting import snapshots
from reporting.models import DeviationReport, WorkPlan


@pytest.fixture
def month_data(monkeypatch):
    """{"YYYY-MM": (inflow, in_work, measured)}; months not listed: on plan and on goal. The
    day-365 cohort is all women (the goal is tested for each sex: test_deviation_per_sex)."""
    data = {}

    def fake(*, month, area_ids):
        inflow, in_work, measured = data.get(f"{month:%Y-%m}", (10, 5, 10))
        everyone = {"total": measured, "counts": {"work_or_education": in_work}}
        nobody = {"total": 0, "counts": {"work_or_education": 0}}
        return {
            "month": f"{month:%Y-%m}",
            "inflow": {"period": {"all": {"count": inflow}}},
            "outcomes": {
                "rows": {
                    "total": {"total": everyone},
                    "sex": {"K": everyone, "M": nobody},
                }
            },
        }

    monkeypatch.setattr(snapshots, "_figures", fake)
    return data


@pytest.fixture
def plan(area):
    """10 new participants a month, 10 % tolerance (below 9 deviates), goal 40 %; the same plan
    for 2025, the start year of the cohorts the 2026 report months measure at day 365 (their
    goal is their start year's, SPEC §5, reporting.targets)."""
    for year in (2025, 2026):
        created = WorkPlan.objects.create(
            area=area,
            year=year,
            planned_inflow=[10] * 12,
            goal_share_percent=40,
            deviation_tolerance_percent=10,
        )
    return created


def run(area, *months):
    opened = []
    for label in months:
        month = dt.date.fromisoformat(f"{label}-01")
        opened += snapshots.area_month_run(area=area, month=month)[2]
    return opened


def test_three_months_below_plan_open_exactly_one_report(area, plan, month_data):
    # given inflow 8 (8 × 100 = 800 < 10 × 90 = 900) in January to April
    for label in ("2026-01", "2026-02", "2026-03", "2026-04"):
        month_data[label] = (8, 5, 10)

    # when the job runs for each month, and March is run twice
    opened = run(area, "2026-01", "2026-02", "2026-03", "2026-03", "2026-04")

    # then one report, opened after March, for the run that began in January
    assert len(opened) == 1
    report = DeviationReport.objects.get()
    assert report.kind == DeviationReport.Kind.INFLOW_BELOW_PLAN
    assert report.run_start == dt.date(2026, 1, 1)
    assert report.opened_for == dt.date(2026, 3, 1)
    assert [m["actual"] for m in report.figures["months"]] == [8, 8, 8]


def test_the_tolerance_edge_is_not_a_deviation(area, plan, month_data):
    # 9 × 100 = 900 is not below 10 × 90 = 900
    for label in ("2026-01", "2026-02", "2026-03"):
        month_data[label] = (9, 5, 10)
    assert run(area, "2026-01", "2026-02", "2026-03") == []


def test_a_good_month_ends_the_run_and_a_new_run_opens_a_new_report(area, plan, month_data):
    for label in ("2026-01", "2026-02", "2026-03", "2026-05", "2026-06", "2026-07"):
        month_data[label] = (5, 5, 10)
    # April is on plan (the default 10)
    opened = run(area, *(f"2026-{m:02d}" for m in range(1, 8)))
    assert [r.run_start for r in opened] == [dt.date(2026, 1, 1), dt.date(2026, 5, 1)]


def test_two_months_below_plan_open_nothing(area, plan, month_data):
    month_data["2026-02"] = month_data["2026-03"] = (5, 5, 10)
    assert run(area, "2026-01", "2026-02", "2026-03") == []


def test_three_months_below_the_day_365_goal_open_a_report(area, plan, month_data):
    # 3 of 10 in work or education: 300 < 40 × 10 = 400; 4 of 10 would be on goal
    for label in ("2026-01", "2026-02", "2026-03"):
        month_data[label] = (10, 3, 10)
    opened = run(area, "2026-01", "2026-02", "2026-03")
    assert [r.kind for r in opened] == [DeviationReport.Kind.SHARE_BELOW_GOAL]
    assert opened[0].figures["months"][0] == {
        "month": "2026-01",
        "in_work_or_education": 3,
        "measured": 10,
        "goal_percent": 40,
        "sexes": {
            "K": {"in_work_or_education": 3, "measured": 10},
            "M": {"in_work_or_education": 0, "measured": 0},
        },
        "off": ["K"],
        "snapshot_version": 1,
    }


def test_without_a_work_plan_nothing_deviates(area, month_data):
    for label in ("2026-01", "2026-02", "2026-03"):
        month_data[label] = (1, 0, 10)
    assert run(area, "2026-01", "2026-02", "2026-03") == []
    # once the plans exist, the stored months count: both inflow and share (0 of 10) deviate
    for year in (2025, 2026):  # the report months' year and their cohorts' start year
        WorkPlan.objects.create(area=area, year=year, planned_inflow=[10] * 12)
    assert {r.kind for r in run(area, "2026-03")} == {
        DeviationReport.Kind.INFLOW_BELOW_PLAN,
        DeviationReport.Kind.SHARE_BELOW_GOAL,
    }


def test_a_month_without_a_snapshot_breaks_the_run(area, plan, month_data):
    for label in ("2026-01", "2026-02", "2026-03"):
        month_data[label] = (1, 5, 10)
    # February was never compiled
    assert run(area, "2026-01", "2026-03") == []


# --- the goal a cohort is held against: its start year's (SPEC §5, reporting.targets) ----------


@pytest.fixture
def goals_2011_and_2012(area):
    """On plan every month (10 a month, 10 % tolerance); the 2011 plan's day-365 goal is 45 %,
    the 2012 plan's 40 %."""
    for year, goal in ((2011, 45), (2012, 40)):
        WorkPlan.objects.create(
            area=area,
            year=year,
            planned_inflow=[10] * 12,
            goal_share_percent=goal,
            deviation_tolerance_percent=10,
        )


def test_report_months_of_2012_hold_the_2011_cohorts_against_the_2011_goal(
    area, month_data, goals_2011_and_2012
):
    # given 4 of 10 in work or education at day 365 (40 %) in report months 2012-01 to 2012-03:
    # the cohorts of 2011-01 to 2011-03, whose goal is 2011's 45 % (400 < 45 × 10 = 450), not
    # the report months' 2012 goal of 40 % (400 is not below 40 × 10)
    for label in ("2012-01", "2012-02", "2012-03"):
        month_data[label] = (10, 4, 10)

    # when the job runs the three months
    opened = run(area, "2012-01", "2012-02", "2012-03")

    # then the share deviates from the 2011 goal, and the report says which goal it was
    assert [r.kind for r in opened] == [DeviationReport.Kind.SHARE_BELOW_GOAL]
    assert [m["goal_percent"] for m in opened[0].figures["months"]] == [45, 45, 45]


def test_a_cohort_on_its_start_years_goal_does_not_deviate_from_a_higher_later_goal(
    area, month_data
):
    # given the 2011 goal 40 % and the 2012 goal 50 %, and 45 % of each cohort in work
    for year, goal in ((2011, 40), (2012, 50)):
        WorkPlan.objects.create(
            area=area, year=year, planned_inflow=[10] * 12, goal_share_percent=goal
        )
    for label in ("2012-01", "2012-02", "2012-03"):
        month_data[label] = (10, 9, 20)

    # then the 2011 cohorts meet their own goal: nothing is opened
    assert run(area, "2012-01", "2012-02", "2012-03") == []


def test_without_the_cohorts_start_year_plan_the_share_is_not_measured(area, month_data):
    # given only the 2012 plan (goal 40 %) and 0 of 10 in work: the 2011 cohorts have no goal
    WorkPlan.objects.create(area=area, year=2012, planned_inflow=[10] * 12)
    for label in ("2012-01", "2012-02", "2012-03"):
        month_data[label] = (10, 0, 10)

    assert run(area, "2012-01", "2012-02", "2012-03") == []
