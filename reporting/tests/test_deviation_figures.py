"""A deviation report's months as a reader sees them (reporting.deviation_figures): the page's
table and the API's months come from one function, so neither hides less than the other."""

import datetime as dt

import pytest

from reporting.api.deviation_serializers import DeviationMonthSerializer
from reporting.deviation_figures import MONTH_FIELDS, api_months, figure_table, months_shown
from reporting.models import DeviationReport

pytestmark = pytest.mark.django_db


def report(area, kind, months):
    return DeviationReport.objects.create(
        area=area,
        kind=kind,
        run_start=dt.date(2026, 2, 1),
        opened_for=dt.date(2026, 4, 1),
        figures={"months": months},
    )


def test_the_api_months_have_the_serializers_fields():
    assert tuple(DeviationMonthSerializer._declared_fields) == MONTH_FIELDS


def test_an_inflow_of_three_is_hidden_on_the_page_and_in_the_api_alike(area):
    inflow = report(
        area,
        DeviationReport.Kind.INFLOW_BELOW_PLAN,
        [
            {"month": "2026-02", "actual": 3, "planned": 12, "tolerance_percent": 10},
            {"month": "2026-03", "actual": 7, "planned": 12, "tolerance_percent": 10},
        ],
    )

    rows = figure_table(inflow, hide_small=True)["rows"]
    months = api_months(inflow, hide=True)

    assert rows == [["2026-02", "<5 (dolt)", 12, "10 %"], ["2026-03", 7, 12, "10 %"]]
    assert [m["actual"] for m in months] == [None, 7]
    assert [m["actual"] for m in api_months(inflow, hide=False)] == [3, 7]


def test_a_day_365_month_hides_its_counts_and_share_together(area):
    # 2 of 6 in work: the 2 is small (and so are the 4 others, measured − in work, which a
    # reader could subtract): it is hidden, and the share computed from it
    share = report(
        area,
        DeviationReport.Kind.SHARE_BELOW_GOAL,
        [
            {"month": "2026-02", "in_work_or_education": 2, "measured": 6, "goal_percent": 40},
            {"month": "2026-03", "in_work_or_education": 6, "measured": 20, "goal_percent": 40},
        ],
    )

    shown = months_shown(share, hide=True)
    rows = figure_table(share, hide_small=True)["rows"]

    assert (shown[0]["in_work_or_education"], shown[0]["measured"], shown[0]["share"]) == (
        None,
        6,
        None,
    )
    assert rows[0][1:4] == ["<5 (dolt)", 6, "dolt"]
    assert rows[1] == ["2026-03", 6, 20, "30%", "40 %"]
    assert api_months(share, hide=True)[1]["share"] == "30%"
