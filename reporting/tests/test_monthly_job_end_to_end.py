"""The monthly job on real data, through the command the operators use: real cases, the real
metrics, a work plan; a run of months below plan opens exactly one deviation report, and
running months again writes nothing new."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from cases.tests.factories import CaseFactory, PersonFactory
from reporting.models import DeviationReport, MonthlySnapshot, WorkPlan


def started_cases(area, month: dt.date, n: int):
    for i in range(n):
        start = month + dt.timedelta(days=i)
        CaseFactory(person=PersonFactory(area=area), start_date=start, referral_date=start)


@pytest.fixture
def population(area, other_area):
    """Plan: 5 a month with 10 % tolerance (4.5 is the floor). Actual: 2 in January, February
    and March, 6 in April, 2 in May; the other area has no plan and 1 case a month."""
    WorkPlan.objects.create(
        area=area, year=2026, planned_inflow=[5] * 12, deviation_tolerance_percent=10
    )
    for month, n in ((1, 2), (2, 2), (3, 2), (4, 6), (5, 2)):
        started_cases(area, dt.date(2026, month, 1), n)
        started_cases(other_area, dt.date(2026, month, 1), 1)


def run(month):
    out = io.StringIO()
    call_command("run_monthly_report", "--month", month, stdout=out)
    return out.getvalue()


def test_a_run_of_months_below_plan_opens_exactly_one_report(area, other_area, population):
    # when the job runs January to May, March twice
    outputs = [run(m) for m in ("2026-01", "2026-02", "2026-03", "2026-03", "2026-04", "2026-05")]

    # then March (the third month below plan) opened the one report, for the run from January
    report = DeviationReport.objects.get()
    assert report.area == area and report.kind == DeviationReport.Kind.INFLOW_BELOW_PLAN
    assert report.run_start == dt.date(2026, 1, 1) and report.opened_for == dt.date(2026, 3, 1)
    assert [m["actual"] for m in report.figures["months"]] == [2, 2, 2]
    assert "1 nya avvikelserapporter" in outputs[2]
    assert "0 nya avvikelserapporter" in outputs[3]
    # and each area and the nation have exactly one snapshot per month (March run twice)
    for month in range(1, 6):
        stored = MonthlySnapshot.objects.filter(month=dt.date(2026, month, 1))
        assert sorted(s.area_id or 0 for s in stored) == sorted([area.pk, other_area.pk, 0])


def test_the_snapshot_holds_the_months_inflow_by_area_and_for_the_nation(
    area, other_area, population
):
    run("2026-04")
    figures = {
        s.area_id: s.figures for s in MonthlySnapshot.objects.filter(month=dt.date(2026, 4, 1))
    }
    assert figures[area.pk]["inflow"]["period"]["all"]["count"] == 6
    assert figures[other_area.pk]["inflow"]["period"]["all"]["count"] == 1
    assert figures[None]["inflow"]["period"]["all"]["count"] == 7


def test_a_late_change_makes_a_new_version_and_keeps_the_first(area, population):
    run("2026-04")
    first = MonthlySnapshot.objects.get(area=area, month=dt.date(2026, 4, 1))
    started_cases(area, dt.date(2026, 4, 20), 1)  # registered late, dated April

    run("2026-04")

    versions = MonthlySnapshot.objects.filter(area=area, month=dt.date(2026, 4, 1))
    assert sorted(v.version for v in versions) == [1, 2]
    assert MonthlySnapshot.objects.get(pk=first.pk).figures == first.figures
    newest = versions.order_by("-version").first()
    assert newest.figures["inflow"]["period"]["all"]["count"] == 7
