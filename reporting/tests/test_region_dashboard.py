"""A region's dashboard on /statistik/?region=<code> (issue 20 point 2): each month the sum of its
member areas' newest snapshots (reporting.snapshot_sums), held against the sum of their plans;
a month some member area lacks is a gap that names the area, never a smaller sum; small cells
hidden in the sum as in an area's figures; the picker offers a reader only the regions they
may see, and any other region is a logged 404. Figures worked out by hand in the comments."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Agency, Region
from accounts.tests.factories import AreaFactory
from audit.models import AccessLog
from cases.models import RuleSet
from reporting.models import DeviationReport, WorkPlan
from reporting.snapshot_sums import summed_parts

from .regions import entries, nacka, north, region
from .test_dashboard import FEB, JAN, MAR, snapshots, started, table
from .test_metrics_given import case, person, status

pytestmark = pytest.mark.django_db

# The regions' fixtures, used here by name.
__all__ = ["nacka", "north", "region"]

URL = reverse("reporting:overview")


@pytest.fixture
def no_suppression(monkeypatch):
    """The figures as computed, so the sums are read in plain numbers (suppression: below)."""
    monkeypatch.setattr("reporting.suppression.suppress_report", lambda kind, data: data)


def cohort(area, *, women_in_work: int, men_in_work: int):
    """The cohort that started in March 2024 (report month March 2025): 5 women and 5 men, the
    first `women_in_work` / `men_in_work` of them in work on day 365, the others not."""
    for sex, in_work in (("K", women_in_work), ("M", men_in_work)):
        for i in range(5):
            someone = person(area=area, sex=sex)
            case(person=someone, start=dt.date(2024, 3, 5))
            status(someone, dt.date(2024, 12, 1), "work_unsubsidised" if i < in_work else "other")


@pytest.fixture
def two_areas(area, nacka):
    """Södertörn: 6 new in January 2025, 5 in February; day 365 of March 2025, 2 of 5 women and
    3 of 5 men in work. Nacka: 7 new in January, 4 in February, 3 in March; day 365, 3 of 5 women
    and 1 of 5 men in work. Snapshots of January–March in both."""
    started(area, dt.date(2025, 1, 10), 6)
    started(area, dt.date(2025, 2, 10), 5)
    cohort(area, women_in_work=2, men_in_work=3)
    started(nacka, dt.date(2025, 1, 12), 7)
    started(nacka, dt.date(2025, 2, 12), 4)
    started(nacka, dt.date(2025, 3, 12), 3)
    cohort(nacka, women_in_work=3, men_in_work=1)
    snapshots(area, JAN, FEB, MAR)
    snapshots(nacka, JAN, FEB, MAR)


# --- the sum ------------------------------------------------------------------------------------


def test_a_regions_months_are_the_sums_of_its_areas(
    login, regional_manager, region, two_areas, no_suppression
):
    client = login(regional_manager)

    page = client.get(URL, {"region": "vo-sthlm"})
    alone = {code: client.get(URL, {"omrade": code}) for code in ("sdt", "nacka")}

    assert page.status_code == 200
    assert page.context["place"] == "VO Stockholm (Nacka, Södertörn)"
    # new participants: January 6 + 7 = 13, February 5 + 4 = 9, March 0 + 3 = 3 (the cohort's
    # starts in March 2024 are not in the window: the first month with a snapshot is January)
    inflow = table(page, "inflode")
    assert [inflow[month][0] for month in ("2025-01", "2025-02", "2025-03")] == ["13", "9", "3"]
    for month in ("2025-01", "2025-02", "2025-03"):
        by_area = [int(table(alone[code], "inflode")[month][0]) for code in ("sdt", "nacka")]
        assert int(inflow[month][0]) == sum(by_area)
    # day 365 of March 2025: women 2 + 3 = 5 of 10 (50 %), men 3 + 1 = 4 of 10 (40 %), all 9 of
    # 20 (45 %), held against the rule set's goal for the cohort's start year (2024)
    goal = RuleSet.for_date(dt.date(2024, 1, 1)).goal_share_percent
    day_365 = table(page, "dag365")["2025-03"]
    assert day_365[:11] == [
        "2024-03",
        "5",
        "10",
        "50%",
        "4",
        "10",
        "40%",
        "9",
        "20",
        "45%",
        f"{goal}%",
    ]
    assert day_365[-1] == "2\u00a0områden"  # the version column: a sum of two areas' snapshots
    for code, women, men in (("sdt", "2", "3"), ("nacka", "3", "1")):
        assert table(alone[code], "dag365")["2025-03"][1:5:3] == [women, men]
    # the access log names the region and the areas it sums
    read = entries().filter(action=AccessLog.Action.VIEW, object_id="vo-sthlm").get()
    assert read.object_type == "dashboard"
    assert read.purpose == "uppföljning: statistik, region vo-sthlm (områdena nacka, sdt)"


def test_the_regions_plan_is_the_sum_of_every_areas_plan_or_none(
    login, regional_manager, area, nacka, region, two_areas, no_suppression
):
    WorkPlan.objects.create(area=area, year=2025, planned_inflow=[5] * 12)
    client = login(regional_manager)

    # only Södertörn has a plan for 2025: no plan line for the region (a partial sum would read
    # as a shortfall), and the page says why
    inflow = table(client.get(URL, {"region": "vo-sthlm"}), "inflode")
    assert inflow["2025-01"][1:4] == ["–", "–", "–"]

    WorkPlan.objects.create(area=nacka, year=2025, planned_inflow=[10] * 12)
    page = client.get(URL, {"region": "vo-sthlm"})

    # January: 13 of 5 + 10 = 15 (87 %, below 90 % of plan with the rule set's 10 % tolerance)
    tolerance = RuleSet.for_date(JAN).deviation_tolerance_percent
    assert tolerance == 10
    assert table(page, "inflode")["2025-01"][:4] == ["13", "15", "87%", "Under plan"]
    lead = next(s.lead for s in page.context["sections"] if s.key == "inflode")
    assert "Regionen har ingen egen arbetsplan: planen är summan av de 2 områdenas" in lead


def test_a_month_some_member_area_lacks_is_a_gap_naming_the_area(
    login, regional_manager, area, nacka, region, no_suppression
):
    started(area, dt.date(2025, 1, 10), 6)
    started(nacka, dt.date(2025, 1, 12), 7)
    snapshots(area, JAN, FEB)
    snapshots(nacka, JAN)

    page = login(regional_manager).get(URL, {"region": "vo-sthlm"})

    inflow = table(page, "inflode")
    assert inflow["2025-01"][0] == "13"
    # February: Södertörn's snapshot only; not shown as Södertörn's figures for the region
    assert inflow["2025-02"][0] == "–" and inflow["2025-02"][-1] == "saknas"
    assert table(page, "ogonblicksbilder")["2025-02"][:2] == ["1 av 2", "Nacka"]
    assert table(page, "ogonblicksbilder")["2025-01"][:2] == ["2 av 2", "–"]
    assert "2025-02 (Nacka)" in page.content.decode()
    # the caseload is the newest month's, which is incomplete: none shown
    assert page.context["board"].caseload is None


def test_the_regions_deviation_reports_are_its_areas_open_ones(
    login, analyst, area, other_area, region, two_areas
):
    def report(where):
        return DeviationReport.objects.create(
            area=where,
            kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
            run_start=JAN,
            opened_for=MAR,
            figures={"months": []},
        )

    mine, theirs = report(area), report(other_area)

    board = login(analyst).get(URL, {"region": "vo-sthlm"}).context["board"]

    assert board.deviations == [mine] and theirs not in board.deviations


def test_a_regions_timeliness_and_caseload_are_the_sums_of_its_areas():
    """The parts summed by hand: deadlines and days add, shares are worked out again."""
    deadline = {"cases": 3, "on_time": 2, "late": 1, "open": 0, "share": "67%"}
    other = {"cases": 2, "on_time": 0, "late": 2, "open": 0, "share": "0%"}
    active = {"cases": 2, "days": 40, "active_days": 10, "share": "25%"}
    row = {m: deadline for m in ("start", "follow_up", "closing_doc", "plan")}
    other_row = {m: other for m in ("start", "follow_up", "closing_doc", "plan")}
    parts = [
        {"goals": {"start": 80}, "total": {**row, "active_days": active}, "areas": {"1": {}}},
        {"goals": {"start": 80}, "total": {**other_row, "active_days": active}, "areas": {"2": {}}},
    ]

    summed = summed_parts("timeliness", parts)

    # on time 2 + 0 of 2 + 0 + 1 + 2 = 2 of 5 (40 %); active 20 of 80 days (25 %)
    assert summed["total"]["start"] == {
        "cases": 5,
        "on_time": 2,
        "late": 3,
        "open": 0,
        "share": "40%",
    }
    assert summed["total"]["active_days"] == {
        "cases": 4,
        "days": 80,
        "active_days": 20,
        "share": "25%",
    }
    assert list(summed["areas"]) == ["1", "2"] and summed["goals"] == {"start": 80}

    caseload = summed_parts(
        "caseload",
        [
            {
                "day": "2025-03-31",
                "open_cases": 5,
                "norm_fk": 40,
                "norm_af": 40,
                "fk": {"7": 5},
                "without_fk_officer": 0,
                "af": {"8": 2},
                "without_af_officer": 3,
            },
            {
                "day": "2025-03-31",
                "open_cases": 4,
                "norm_fk": 40,
                "norm_af": 40,
                "fk": {"7": 1, "9": 3},
                "without_fk_officer": 0,
                "af": {},
                "without_af_officer": 4,
            },
        ],
    )
    # officer 7 has cases in both areas: 5 + 1
    assert caseload["fk"] == {"7": 6, "9": 3} and caseload["af"] == {"8": 2}
    assert (caseload["open_cases"], caseload["without_af_officer"]) == (9, 7)
    # a part the snapshot lacks (made before it was measured): no sum at all
    assert summed_parts("timeliness", [parts[0], None]) is None


# --- small cells ----------------------------------------------------------------------------------


def test_small_cells_are_hidden_in_the_regions_sum(login, regional_manager, area, nacka, region):
    # January: 1 new in Södertörn, 2 in Nacka: 3 in the region, a small count
    started(area, dt.date(2025, 1, 10), 1)
    started(nacka, dt.date(2025, 1, 12), 2)
    snapshots(area, JAN)
    snapshots(nacka, JAN)

    page = login(regional_manager).get(URL, {"region": "vo-sthlm"})

    assert page.context["board"].hide_small_cells
    assert table(page, "inflode")["2025-01"][0] == "<5"
    assert "3" not in table(page, "inflode")["2025-01"][:1]


# --- who may choose a region ---------------------------------------------------------------------


def test_the_picker_offers_a_regional_manager_their_regions_only(
    login, regional_manager, analyst, region, north
):
    mine = login(regional_manager).get(URL)
    everything = login(analyst).get(URL)

    assert [name for _url, name, _current in mine.context["region_links"]] == ["VO Stockholm"]
    assert [name for _url, name, _current in everything.context["region_links"]] == [
        "VO Norr",
        "VO Stockholm",
    ]
    shown = login(regional_manager).get(URL, {"region": "vo-sthlm"})
    assert shown.context["region_links"][0][2] is True  # the one shown, not a link
    assert 'aria-current="page">VO Stockholm' in shown.content.decode()


def test_a_region_outside_the_managers_scope_is_404_and_logged(
    login, regional_manager, region, north
):
    response = login(regional_manager).get(URL, {"region": "vo-norr"})

    assert response.status_code == 404
    entry = entries().get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        AccessLog.Action.DENIED,
        "dashboard",
        "vo-norr",
    )


@pytest.mark.parametrize("code", ["vo-sthlm", "vo-okand", "vo\x00x", ""])
def test_an_area_officer_cannot_choose_a_region(login, coordinator, region, code):
    client = login(coordinator)

    assert client.get(URL).context["region_links"] == []
    assert client.get(URL, {"region": code}).status_code == 404
    assert entries().filter(action=AccessLog.Action.DENIED, object_type="dashboard").count() == 1


def test_a_region_without_active_areas_says_so(login, analyst, db):
    empty = Region.objects.create(
        agency=Agency.objects.get(code="AF"), code="mo-tom", name="MO Tom"
    )
    empty.areas.set([AreaFactory(code="stangt", name="Stängt", is_active=False)])

    page = login(analyst).get(URL, {"region": "mo-tom"})

    assert page.status_code == 200 and page.context["board"] is None
    assert "Regionen MO Tom har inga aktiva samverkansområden." in page.content.decode()


def test_a_regions_table_downloads_as_csv_with_the_regions_name(
    login, regional_manager, region, two_areas
):
    response = login(regional_manager).get(URL, {"region": "vo-sthlm", "csv": "inflode"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="statistik-vo-sthlm-inflode-2025-03.csv"'
    )
    export = entries().filter(action=AccessLog.Action.EXPORT).get()
    assert export.purpose == (
        "uppföljning: statistik: CSV inflode, region vo-sthlm (områdena nacka, sdt)"
    )


def test_a_regional_manager_lands_on_their_region_and_may_still_choose_an_area(
    login, regional_manager, area, nacka, region, two_areas, no_suppression
):
    client = login(regional_manager)

    landing = client.get(URL)
    chosen = client.get(URL, {"omrade": area.code})

    assert landing.context["board"].query == {"region": "vo-sthlm"}
    assert landing.context["region_links"][0][2] is True  # the region shown, not a link
    assert chosen.context["board"].query == {"omrade": area.code}
