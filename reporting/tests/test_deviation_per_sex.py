"""The result goals hold for women and men each (seed 000 §3, 001: "för såväl kvinnor som män";
issue 20 points 1 and 5): the deviation detection tests the day-365 share and the average days
of each sex by the dashboard's own rule (reporting.targets.sexes_below_share_goal /
sexes_above_days_goal), a report keeps each sex's counts, and its page, list and API show
them against the goal, hidden from a suppressed reader as the dashboard hides them.

A run is N months in a row in which the kind deviates for at least one sex, not necessarily
the same one; a sex nobody was measured for does not deviate that month.

The month's figures come from a stand-in for the metrics, in the metrics' own shape
(reporting.metrics.outcomes.outcome_row), so each sex's figures can be set by hand."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from reporting import snapshots
from reporting.deviation_figures import api_months, figure_table, months_shown
from reporting.metrics.base import half_up_mean
from reporting.metrics.outcomes import outcome_row
from reporting.models import DeviationReport, MonthlySnapshot, WorkPlan
from reporting.suppression import hides_small_cells, suppress_report
from reporting.targets import (
    days_above_goal,
    sexes_above_days_goal,
    sexes_below_share_goal,
    share_below_goal,
)
from reporting.views.dashboard_goals import _days_verdict, _share_verdict

pytestmark = pytest.mark.django_db

SHARE = DeviationReport.Kind.SHARE_BELOW_GOAL
DAYS = DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL

# On the goal of 40 %: 5 of 10 in work or education, for women and men alike.
ON_GOAL = {"work_unsubsidised": 5, "openly_unemployed": 5}


@pytest.fixture
def plan(area):
    """Goal 40 % at day 365 and at most 230 days on average; inflow on plan every month. The
    same plan for 2025, the start year of the cohorts the 2026 report months measure."""
    for year in (2025, 2026):
        WorkPlan.objects.create(
            area=area,
            year=year,
            planned_inflow=[10] * 12,
            goal_share_percent=40,
            goal_average_days=230,
            deviation_tolerance_percent=10,
        )


@pytest.fixture
def month_data(monkeypatch):
    """{"YYYY-MM": {"K": outcome categories, "M": ..., "days": {"K": (ended, days), ...}}};
    what a month does not say: women and men on the share goal, nobody ended."""
    data = {}

    def fake(*, month, area_ids):
        given = data.get(f"{month:%Y-%m}", {})
        women, men = given.get("K", ON_GOAL), given.get("M", ON_GOAL)
        both = {c: women.get(c, 0) + men.get(c, 0) for c in {*women, *men}}
        days = given.get("days", {})
        ended = {sex: days.get(sex, (0, 0)) for sex in ("K", "M")}
        all_ended = tuple(map(sum, zip(*ended.values(), strict=True)))
        return {
            "month": f"{month:%Y-%m}",
            "inflow": {"period": {"all": {"count": 10}}},
            "outcomes": {
                "rows": {
                    "total": {"total": outcome_row(both)},
                    "sex": {"K": outcome_row(women), "M": outcome_row(men)},
                }
            },
            "average_days": {
                "rows": {
                    "total": {"total": days_row(*all_ended)},
                    "sex": {sex: days_row(*pair) for sex, pair in ended.items()},
                }
            },
        }

    monkeypatch.setattr(snapshots, "_figures", fake)
    return data


def days_row(ended, days):
    part = {"count": ended, "days_total": days, "mean_days": half_up_mean(days, ended)}
    nobody = {"count": 0, "days_total": 0, "mean_days": None}
    return {"all": part, "work_or_education": nobody}


def run(area, *labels):
    opened = []
    for label in labels:
        month = dt.date.fromisoformat(f"{label}-01")
        opened += snapshots.area_month_run(area=area, month=month)[2]
    return opened


MONTHS = ("2026-01", "2026-02", "2026-03")
# Women 3 of 10 in work or education (300 < 40 × 10), men 9 of 10: all together 12 of 20 (60 %).
WOMEN_BELOW = {
    "K": {"work_unsubsidised": 3, "openly_unemployed": 7},
    "M": {"work_unsubsidised": 9, "openly_unemployed": 1},
}


# --- detection ------------------------------------------------------------------------------


def test_women_below_the_goal_three_months_open_a_report_though_all_together_reach_it(
    area, plan, month_data
):
    # given women below the goal and all together above it, three months in a row
    assert share_below_goal(in_work=3, measured=10, goal_percent=40)
    assert not share_below_goal(in_work=12, measured=20, goal_percent=40)
    for label in MONTHS:
        month_data[label] = WOMEN_BELOW

    # when the job runs the three months
    opened = run(area, *MONTHS)

    # then a share report is opened, and each month keeps both sexes' counts, by hand
    assert [r.kind for r in opened] == [SHARE]
    assert opened[0].figures["months"] == [
        {
            "month": label,
            "in_work_or_education": 12,
            "measured": 20,
            "goal_percent": 40,
            "sexes": {
                "K": {"in_work_or_education": 3, "measured": 10},
                "M": {"in_work_or_education": 9, "measured": 10},
            },
            "off": ["K"],
            "snapshot_version": 1,
        }
        for label in MONTHS
    ]


def test_men_above_the_average_days_goal_three_months_open_a_report(area, plan, month_data):
    # given 6 women ended after 1 200 days in all (200 each), 2 men after 480 (240 each, above
    # 230); all together 1 680 days for 8 (210 each), within the goal
    assert days_above_goal(days_total=480, ended=2, goal_days=230)
    assert not days_above_goal(days_total=1680, ended=8, goal_days=230)
    for label in MONTHS:
        month_data[label] = {"days": {"K": (6, 1200), "M": (2, 480)}}

    opened = run(area, *MONTHS)

    assert [r.kind for r in opened] == [DAYS]
    assert opened[0].figures["months"][0] == {
        "month": "2026-01",
        "ended": 8,
        "days_total": 1680,
        "goal_days": 230,
        "sexes": {"K": {"ended": 6, "days_total": 1200}, "M": {"ended": 2, "days_total": 480}},
        "off": ["M"],
        "snapshot_version": 1,
    }


def test_a_sex_nobody_was_measured_for_does_not_deviate(area, plan, month_data):
    # given no woman in the cohorts, and men 2 of 10 in work (below the goal)
    nobody = {}
    assert sexes_below_share_goal({"K": (0, 0), "M": (2, 10)}, 40).off == ("M",)
    for label in MONTHS:
        month_data[label] = {"K": nobody, "M": {"work_unsubsidised": 2, "other": 8}}

    opened = run(area, *MONTHS)

    # then the men's months deviate; the women, unmeasured, are neither off nor on the goal
    assert [r.kind for r in opened] == [SHARE]
    stored = opened[0].figures["months"]
    assert [m["off"] for m in stored] == [["M"], ["M"], ["M"]]
    assert stored[0]["sexes"]["K"] == {"in_work_or_education": 0, "measured": 0}
    shown = months_shown(opened[0], hide=False)
    assert [(m["women_off"], m["men_off"]) for m in shown] == [(None, True)] * 3


def test_only_one_sex_measured_and_on_the_goal_breaks_the_run(area, plan, month_data):
    # women below in January and February, in March only women measured and on the goal
    month_data["2026-01"] = month_data["2026-02"] = WOMEN_BELOW
    month_data["2026-03"] = {"K": ON_GOAL, "M": {}}
    assert run(area, *MONTHS) == []


def test_a_run_is_any_sex_off_the_goal_month_after_month(area, plan, month_data):
    # women below in January and February, men (1 of 10) below in March with women on the goal
    month_data["2026-01"] = month_data["2026-02"] = WOMEN_BELOW
    month_data["2026-03"] = {"K": ON_GOAL, "M": {"work_unsubsidised": 1, "other": 9}}

    opened = run(area, *MONTHS)

    assert [r.kind for r in opened] == [SHARE]
    assert [m["off"] for m in opened[0].figures["months"]] == [["K"], ["K"], ["M"]]


def test_the_dashboard_says_the_month_is_off_for_the_same_sex(area, plan, month_data):
    # One rule, one place: the dashboard's verdict of the stored month is the detection's.
    for label in MONTHS:
        month_data[label] = WOMEN_BELOW | {"days": {"K": (6, 1200), "M": (2, 480)}}
    run(area, *MONTHS)
    figures = MonthlySnapshot.objects.get(area=area, month=dt.date(2026, 3, 1)).figures
    rows = {
        "K": figures["outcomes"]["rows"]["sex"]["K"],
        "M": figures["outcomes"]["rows"]["sex"]["M"],
    }
    names = {"K": "Kvinnor", "M": "Män"}

    share = _share_verdict(
        {sex: (row["counts"]["work_or_education"], row["total"]) for sex, row in rows.items()},
        40,
        names,
    )
    days = _days_verdict(figures["average_days"]["rows"], 230)

    assert (share.text, share.flag) == ("Under målet: kvinnor", True)
    assert (days.text, days.flag) == ("Över målet: män", True)
    assert sexes_above_days_goal({"K": (1200, 6), "M": (480, 2)}, 230).off == ("M",)
    report = DeviationReport.objects.get(kind=SHARE)
    assert report.figures["months"][-1]["off"] == ["K"]


# --- the page, the list and the API -----------------------------------------------------------


def figures_table(page) -> list[list[str]]:
    """The page's figures table as text: the headers as a reader of the page hears them (a
    column's group, Kvinnor, Män or Alla, before its own header), then the body's rows."""
    html = page.content.decode()
    table = re.search(r'data-testid="deviation-figures">(.*?)</table>', html, re.S).group(1)

    def cells(part):
        return [
            [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
            for row in re.findall(r"<tr>(.*?)</tr>", part, re.S)
        ]

    head = cells(re.search(r"<thead>(.*?)</thead>", table, re.S).group(1))
    body = cells(re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1))
    if len(head) == 2:  # grouped: month, groups of columns, then the goal and the verdict
        (first, *groups_and_tail), columns = head
        groups, tail = groups_and_tail[:3], groups_and_tail[3:]
        per_group = len(columns) // len(groups)
        named = [
            f"{group} {column.lower()}"
            for i, group in enumerate(groups)
            for column in columns[i * per_group : (i + 1) * per_group]
        ]
        return [[first, *named, *tail], *body]
    return [*head, *body]


def test_the_page_shows_women_and_men_against_the_goal(login, coordinator, area, plan, month_data):
    for label in MONTHS:
        month_data[label] = WOMEN_BELOW
    (report,) = run(area, *MONTHS)
    assert not hides_small_cells(coordinator)

    page = login(coordinator).get(reverse("reporting:deviation_detail", args=[report.pk]))

    header, *rows = figures_table(page)
    assert header == [
        "Månad",
        "Kvinnor i arbete/utb.",
        "Kvinnor mätta",
        "Kvinnor andel",
        "Män i arbete/utb.",
        "Män mätta",
        "Män andel",
        "Alla i arbete/utb.",
        "Alla mätta",
        "Alla andel",
        "Mål (startårets)",
        "Jämfört med målet",
    ]
    # 3 of 10 = 30 %, 9 of 10 = 90 %, 12 of 20 = 60 %
    assert rows[0] == [
        "2026-01",
        "3",
        "10",
        "30%",
        "9",
        "10",
        "90%",
        "12",
        "20",
        "60%",
        "40 %",
        "Under målet: kvinnor",
    ]
    html = page.content.decode()
    # the women's share and the verdict are marked, the men's share is not
    assert '<strong class="over-norm">30%</strong>' in html
    assert '<strong class="over-norm">90%</strong>' not in html
    assert html.count('data-testid="deviation-off"') == 3

    listed = login(coordinator).get(reverse("reporting:deviation_list")).content.decode()
    assert re.search(r'data-testid="deviation-off">kvinnor</td>', listed)


def test_the_average_days_page_shows_each_sexs_mean(login, coordinator, area, plan, month_data):
    for label in MONTHS:
        month_data[label] = {"days": {"K": (6, 1200), "M": (2, 480)}}
    (report,) = run(area, *MONTHS)

    table = figure_table(report, hide_small=False)

    assert table["headers"][1:7] == [
        "Kvinnor avslutade",
        "Kvinnor genomsnitt (dagar)",
        "Män avslutade",
        "Män genomsnitt (dagar)",
        "Alla avslutade",
        "Alla genomsnitt (dagar)",
    ]
    # 1 200 / 6 = 200, 480 / 2 = 240 (flagged), 1 680 / 8 = 210
    assert table["rows"][0][1:] == [6, 200, 2, "240", 8, 210, 230, "Över målet: män"]
    assert getattr(table["rows"][0][4], "flag", False)
    assert not getattr(table["rows"][0][2], "flag", False)


def _cannot_be_worked_out(month: dict, fields=("in_work_or_education", "measured")) -> None:
    """No hidden count follows from the shown ones: all = women + men for each count, and a
    share only beside both its counts."""
    groups = {"women": "women_", "men": "men_", "all": ""}
    for field in fields:
        shown = {g: month[f"{prefix}{field}"] for g, prefix in groups.items()}
        assert list(shown.values()).count(None) != 1, (field, shown)
    for prefix in groups.values():
        if month[f"{prefix}in_work_or_education"] is None or month[f"{prefix}measured"] is None:
            assert month[f"{prefix}share"] is None


def test_a_suppressed_reader_sees_no_small_count_and_cannot_work_it_out(
    login, management, coordinator, area, plan, month_data
):
    # given women 2 of 6 in work or education (2 and the 4 others are small), men 9 of 10
    for label in MONTHS:
        month_data[label] = {
            "K": {"work_unsubsidised": 2, "openly_unemployed": 4},
            "M": {"work_unsubsidised": 9, "openly_unemployed": 1},
        }
    (report,) = run(area, *MONTHS)
    assert hides_small_cells(management)

    managers = (
        login(management)
        .get(reverse("api:deviation-report-detail", args=[report.pk]))
        .json()["months"]
    )
    coordinators = (
        login(coordinator)
        .get(reverse("api:deviation-report-detail", args=[report.pk]))
        .json()["months"]
    )
    page = login(management).get(reverse("reporting:deviation_detail", args=[report.pk]))

    # the exact figures for a reader with case access
    assert (coordinators[0]["women_in_work_or_education"], coordinators[0]["women_share"]) == (
        2,
        "33%",
    )
    for month in managers:
        # the 2 is hidden, and with it the women's share and the verdict on the women
        assert month["women_in_work_or_education"] is None
        assert month["women_share"] is None
        assert month["women_off"] is None
        _cannot_be_worked_out(month)
    _header, *rows = figures_table(page)
    for row in rows:
        assert row[1] == "dolt" and row[3] == "dolt"
        assert "2" not in row[1:4] and "33%" not in row
        assert row[-1] == "dolt"  # no sex shown is off: the page does not say who was


def test_a_count_the_dashboard_hides_is_hidden_on_the_page_too(
    login, management, area, plan, month_data
):
    # given a month whose other categories make the dashboard hide counts that the month's own
    # sums would leave shown (the men's 1 "other", the women's 2 and 1 at work)
    WorkPlan.objects.update(goal_share_percent=60)  # women 16 of 27 (59 %) are below it
    women = {
        "work_unsubsidised": 1,
        "work_subsidised": 5,
        "education": 8,
        "self_employed": 2,
        "labour_market_programme": 3,
        "other": 8,
    }
    men = {"work_unsubsidised": 5, "work_subsidised": 12, "education": 2, "other": 1}
    for label in MONTHS:
        month_data[label] = {"K": women, "M": men}
    (report,) = run(area, *MONTHS)

    snapshot = MonthlySnapshot.objects.get(area=area, month=dt.date(2026, 1, 1))
    dashboard = suppress_report("outcomes", snapshot.figures["outcomes"])["rows"]
    on_dashboard = {
        "women_": dashboard["sex"]["K"],
        "men_": dashboard["sex"]["M"],
        "": dashboard["total"]["total"],
    }
    hidden_there = [
        (prefix, field)
        for prefix, row in on_dashboard.items()
        for field, value in (
            ("in_work_or_education", row["counts"]["work_or_education"]),
            ("measured", row["total"]),
        )
        if value is None
    ]
    assert hidden_there  # the case is one where the dashboard hides some

    month = api_months(report, hide=True)[0]
    for prefix, field in hidden_there:
        assert month[f"{prefix}{field}"] is None, (prefix, field)
    _cannot_be_worked_out(month)
    page = login(management).get(reverse("reporting:deviation_detail", args=[report.pk]))
    assert page.status_code == 200


def test_a_report_stored_before_the_goal_was_tested_per_sex_still_shows(login, coordinator, area):
    old = DeviationReport.objects.create(
        area=area,
        kind=SHARE,
        run_start=dt.date(2026, 2, 1),
        opened_for=dt.date(2026, 4, 1),
        figures={
            "months": [
                {"month": "2026-02", "in_work_or_education": 7, "measured": 25, "goal_percent": 40}
            ]
        },
    )

    page = login(coordinator).get(reverse("reporting:deviation_detail", args=[old.pk]))
    listed = login(coordinator).get(reverse("reporting:deviation_list")).content.decode()

    header, row = figures_table(page)
    assert header[1:4] == ["I arbete eller utbildning", "Antal mätta", "Andel"]
    assert row == ["2026-02", "7", "25", "28%", "40 %"]
    assert 'data-testid="deviation-off">–</td>' in listed
    assert api_months(old, hide=False)[0]["women_measured"] is None


def test_the_hidden_counts_cost_no_query_per_listed_report(
    login, management, area, plan, month_data
):
    # given a share and an average-days report (women below, men above), read by a suppressed
    # reader in the list and the API, then two more reports of a later run
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    both = WOMEN_BELOW | {"days": {"K": (6, 1200), "M": (2, 480)}}
    for label in MONTHS:
        month_data[label] = both
    run(area, *MONTHS)
    client = login(management)
    page_url = reverse("reporting:deviation_list")
    api_url = reverse("api:deviation-report-list")

    def queries(address):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    two = (queries(page_url), queries(api_url))
    later = ("2026-05", "2026-06", "2026-07")  # after an April on the goals
    for label in later:
        month_data[label] = both
    run(area, "2026-04", *later)
    assert DeviationReport.objects.count() == 4

    # then the snapshots behind the hidden counts are read once a page, not once a report
    assert (queries(page_url), queries(api_url)) == two
