"""The follow-up dashboard on /statistik/ (SPEC §5 "Dashboards"): figures from snapshots made by
the monthly job's own service, compared by hand with the work plan and goals; the version
shown; gaps; the CSV of each table; scoping, the access log and the number of queries.

Expected figures are worked out by hand in the comments, never read back from the code."""

import base64
import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from reporting.models import DeviationReport, MonthlySnapshot, WorkPlan
from reporting.snapshots import snapshot_compute

from .test_metrics_given import case, person, status

# Every test here needs the database, some through fixtures looked up at run time: marked, so
# pytest-django runs them before the transactional tests that flush the reference data.
pytestmark = pytest.mark.django_db

URL = reverse("reporting:overview")
JAN, FEB, MAR = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)
OLD = dt.date(1980, 5, 17)  # 44 at the starts below: not young
YOUNG = dt.date(2000, 1, 1)  # 25: young (the rule set's limit is 29)


def started(area, day, n, *, sex="K", birth=OLD, **fields):
    for _ in range(n):
        case(person=person(area=area, sex=sex, birth=birth), start=day, **fields)


def snapshots(area, *months):
    for month in months:
        snapshot_compute(area=area, month=month)


def table(response, key):
    """The rows of one table as the page shows them: {row header: [cell texts]}."""
    for section in response.context["sections"]:
        for one in section.tables:
            if one.key == key:
                return {row.header.text: [cell.text for cell in row.cells] for row in one.rows}
    raise AssertionError(f"no table {key}")


def csv_rows(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


@pytest.fixture
def three_months(area, fk_officer, af_officer):
    """January 2025: 6 new (2 young women, 2 older women, 2 men; FK officer on all 6);
    February: 3 new (AF officer on all 3); March: 7 new. Snapshots of all three months."""
    started(area, dt.date(2025, 1, 10), 2, birth=YOUNG, fk_officer=fk_officer)
    started(area, dt.date(2025, 1, 11), 2, fk_officer=fk_officer)
    started(area, dt.date(2025, 1, 12), 2, sex="M", fk_officer=fk_officer)
    started(area, dt.date(2025, 2, 3), 3, af_officer=af_officer)
    started(area, dt.date(2025, 3, 4), 7)
    snapshots(area, JAN, FEB, MAR)


@pytest.fixture
def plan_2025(area):
    return WorkPlan.objects.create(
        area=area,
        year=2025,
        planned_inflow=[5, 5, 10, 5, 5, 5, 5, 5, 5, 5, 5, 5],
        deviation_tolerance_percent=10,
        goal_share_percent=45,
        goal_average_days=200,
    )


@pytest.fixture
def plan_2024(area):
    """The plan of 2024, the year the cohorts of the 2025 report months started: the day-365
    share of a 2025 report month is held against its goal (SPEC §5, reporting.targets)."""
    return WorkPlan.objects.create(area=area, year=2024, goal_share_percent=45)


# --- what the page shows ------------------------------------------------------------------------


def test_inflow_is_compared_with_the_work_plan_month_by_month(
    area, coordinator, login, three_months, plan_2025
):
    response = login(coordinator).get(URL)

    # January 6 of 5 (120 %), within plan; February 3 of 5 (60 %, below 90 % of plan);
    # March 7 of 10 (70 %, below 90 %). Kvinnor/Män: January 4/2, February and March women only.
    rows = table(response, "inflode")
    assert rows["2025-01"] == ["6", "5", "120%", "Enligt plan", "4", "2", "1"]
    assert rows["2025-02"] == ["3", "5", "60%", "Under plan", "3", "0", "1"]
    assert rows["2025-03"] == ["7", "10", "70%", "Under plan", "7", "0", "1"]


def test_a_month_without_a_work_plan_shows_the_plan_as_missing(area, coordinator, login):
    started(area, dt.date(2025, 1, 10), 2)
    snapshots(area, JAN)

    rows = table(login(coordinator).get(URL), "inflode")

    assert rows["2025-01"] == ["2", "–", "–", "–", "2", "0", "1"]


def test_the_page_names_the_newest_snapshot_and_a_recomputed_month_shows_version_2(
    area, coordinator, login, three_months
):
    # given a late registration dated March, and March computed again
    started(area, dt.date(2025, 3, 20), 1)
    snapshot, created = snapshot_compute(area=area, month=MAR)
    assert created and snapshot.version == 2

    response = login(coordinator).get(URL)

    body = response.content.decode()
    computed = timezone.localtime(snapshot.computed_at)
    assert f"Senaste ögonblicksbild: 2025-03 version 2, beräknad {computed:%Y-%m-%d %H:%M}" in body
    assert table(response, "inflode")["2025-03"][0] == "8"
    assert table(response, "inflode")["2025-03"][-1] == "2"
    assert table(response, "ogonblicksbilder")["2025-03"][0] == "2"
    assert table(response, "ogonblicksbilder")["2025-02"][0] == "1"


def test_day_365_share_for_women_and_men_against_the_goal(
    area, coordinator, login, plan_2025, plan_2024
):
    # given the cohort that started in March 2024 (report month March 2025): 5 women, 2 of them
    # in work on day 365 (40 %, below the goal of 45 %); 3 men, 2 in education (67 %)
    for i in range(5):
        woman = person(area=area, sex="K")
        case(person=woman, start=dt.date(2024, 3, 5))
        status(woman, dt.date(2024, 12, 1), "work_unsubsidised" if i < 2 else "other")
    for i in range(3):
        man = person(area=area, sex="M")
        case(person=man, start=dt.date(2024, 3, 6))
        status(man, dt.date(2025, 1, 1), "education" if i < 2 else "openly_unemployed")
    snapshots(area, MAR)

    rows = table(login(coordinator).get(URL), "dag365")

    # columns: cohort; women in work, measured, share; men …; all …; goal; verdict; version
    assert rows["2025-03"] == [
        "2024-03",
        "2",
        "5",
        "40%",
        "2",
        "3",
        "67%",
        "4",
        "8",
        "50%",
        "45%",
        "Under målet: kvinnor",
        "1",
    ]


def test_a_report_month_holds_its_cohort_against_the_cohorts_start_year_goal(
    area, coordinator, login
):
    # given the 2011 plan's goal 45 % and the 2012 plan's 40 %, and the cohort that started in
    # January 2011 (report month January 2012): 5 women and 5 men, 2 of each in work on day 365
    WorkPlan.objects.create(area=area, year=2011, goal_share_percent=45)
    WorkPlan.objects.create(area=area, year=2012, goal_share_percent=40)
    for sex in ("K", "M"):
        for i in range(5):
            someone = person(area=area, sex=sex)
            case(person=someone, start=dt.date(2011, 1, 10))
            status(someone, dt.date(2011, 9, 1), "work_unsubsidised" if i < 2 else "other")
    snapshots(area, dt.date(2012, 1, 1))

    response = login(coordinator).get(URL)

    # then 40 % is held against 2011's 45 % (below), not 2012's 40 % (on goal)
    assert table(response, "dag365")["2012-01"] == [
        "2011-01",
        "2",
        "5",
        "40%",
        "2",
        "5",
        "40%",
        "4",
        "10",
        "40%",
        "45%",
        "Under målet: kvinnor, män",
        "1",
    ]
    # and the page says which year's goal it is: the chart's text names it
    assert "mål 45% (2011)" in response.content.decode()


def test_average_days_against_the_goal(area, coordinator, login, plan_2025):
    # given two cases ended in February 2025: 254 days (2024-06-01 → 2025-02-10) and 172 days
    # (2024-09-01 → 2025-02-20), a woman and a man; mean 213, above the goal of 200
    case(person=person(area=area, sex="K"), start=dt.date(2024, 6, 1), end=dt.date(2025, 2, 10))
    case(person=person(area=area, sex="M"), start=dt.date(2024, 9, 1), end=dt.date(2025, 2, 20))
    snapshots(area, FEB)

    rows = table(login(coordinator).get(URL), "tid")

    # ended, mean, women, men, ended in work or education (none: no status entry), their mean,
    # goal, verdict, version
    # the goal holds for women and men each: the women's 254 days are above it, the men's 172
    # are not
    assert rows["2025-02"] == [
        "2",
        "213",
        "254",
        "172",
        "0",
        "–",
        "200",
        "Över målet: kvinnor",
        "1",
    ]


def test_average_days_above_the_goal_exactly_though_the_printed_mean_equals_it(
    area, coordinator, login, plan_2025
):
    # given three men who ended on 12 February 2025 after 200, 200 and 201 days (mean 200.33,
    # printed 200) and a woman after 150 days; the goal is at most 200 days
    end = dt.date(2025, 2, 12)
    for start in (dt.date(2024, 7, 27), dt.date(2024, 7, 27), dt.date(2024, 7, 26)):
        case(person=person(area=area, sex="M"), start=start, end=end)
    case(person=person(area=area, sex="K"), start=dt.date(2024, 9, 15), end=end)
    snapshots(area, FEB)

    rows = table(login(coordinator).get(URL), "tid")

    # then the men are above it (601 days > 200 × 3), though their mean prints as 200, and the
    # mean of all (751 / 4 = 187.75 → 188) is within it: the goal is the women's and the men's
    assert rows["2025-02"] == [
        "4",
        "188",
        "150",
        "200",
        "0",
        "–",
        "200",
        "Över målet: män",
        "1",
    ]


def test_young_inflow_count_and_share(area, coordinator, login, three_months):
    rows = table(login(coordinator).get(URL), "unga")

    # January: 2 young (both women) of 6, 33 %; February none of 3
    assert rows["2025-01"] == ["6", "2", "33%", "2", "0", "1"]
    assert rows["2025-02"] == ["3", "0", "0%", "0", "0", "1"]


def test_caseload_per_officer_against_the_norm_with_officer_above_it_highlighted(
    area, coordinator, login, fk_officer, af_officer, three_months
):
    # given the FK officer works 5 % (norm 70 × 0.05 = 3.5): 6 open cases on 31 March is above
    profile = fk_officer.staff_profile
    profile.working_time_share = "0.05"
    profile.save(update_fields=["working_time_share"])

    response = login(coordinator).get(URL)

    officers = table(response, "handlaggare")
    fk_name = fk_officer.get_full_name()
    af_name = af_officer.get_full_name()
    assert officers[fk_name] == ["FK", "6", "0,05", "3,5", "120,0", "Över normen"]
    assert officers[af_name] == ["AF", "3", "1,00", "40,0", "3,0", "Inom normen"]
    # open on 31 March: 6 + 3 + 7 = 16; 10 without an FK officer, 13 without an AF officer
    summary = table(response, "arendebestand")
    assert summary["FK"] == ["1", "6", "10", "70", "1"]
    assert summary["AF"] == ["1", "3", "13", "40", "0"]
    body = response.content.decode()
    assert re.search(r'<tr class="warning">\s*<th scope="row">' + re.escape(fk_name), body)


def test_open_deviation_reports_are_listed_with_links(area, other_area, coordinator, login):
    started(area, dt.date(2025, 3, 4), 1)
    snapshots(area, MAR)
    shown = DeviationReport.objects.create(
        area=area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=JAN,
        opened_for=MAR,
        figures={"months": []},
    )
    DeviationReport.objects.create(
        area=area,
        kind=DeviationReport.Kind.SHARE_BELOW_GOAL,
        run_start=JAN,
        opened_for=MAR,
        figures={"months": []},
        status=DeviationReport.Status.CLOSED,
        closed_on=dt.date(2025, 4, 1),
    )
    DeviationReport.objects.create(
        area=other_area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=JAN,
        opened_for=MAR,
        figures={"months": []},
    )

    response = login(coordinator).get(URL)

    assert table(response, "avvikelser") == {
        "Inflödet under plan": ["2025-01–2025-03", "Öppen", "0"]
    }
    assert reverse("reporting:deviation_detail", args=[shown.pk]) in response.content.decode()


def test_a_month_without_a_snapshot_is_a_gap_said_plainly(area, coordinator, login, three_months):
    # given May computed after March, April never
    case(person=person(area=area), start=dt.date(2025, 5, 2))
    snapshots(area, dt.date(2025, 5, 1))

    response = login(coordinator).get(URL)

    assert "Ögonblicksbild saknas för 2025-04" in response.content.decode()
    assert table(response, "inflode")["2025-04"] == ["–"] * 6 + ["saknas"]
    assert table(response, "ogonblicksbilder")["2025-04"] == ["saknas", "–"]
    assert table(response, "inflode")["2025-05"][0] == "1"


def test_a_due_month_after_the_newest_snapshot_is_named_too(
    area, coordinator, login, three_months, time_machine
):
    # given January–March 2025 stored and today in May 2025: April has ended and has none
    # (reporting.completeness), though no gap lies between the months stored
    time_machine.move_to(dt.datetime(2025, 5, 10, 12, 0))

    body = login(coordinator).get(URL).content.decode()

    assert "Ögonblicksbild saknas för 2025-04:" in body


def test_without_snapshots_the_page_says_so_and_names_the_job(area, coordinator, login):
    response = login(coordinator).get(URL)

    body = response.content.decode()
    assert "Det finns inga ögonblicksbilder för Södertörn ännu." in body
    assert "run_monthly_report" in body
    assert response.context["board"].months == []


def test_charts_are_svg_images_with_alt_text_and_no_script(area, coordinator, login, three_months):
    body = login(coordinator).get(URL).content.decode()

    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', body)
    # inflow, day 365, its forecast, average days, young, caseload per officer, and the five
    # timeliness measures
    assert len(images) == 11
    for encoded, alt in images:
        svg = base64.b64decode(encoded).decode("utf-8")
        assert svg.startswith("<svg") and "<script" not in svg
        assert alt
    assert any("2025-03: nya deltagare 7, plan saknas" in alt for _, alt in images)


# --- CSV --------------------------------------------------------------------------------------


def test_each_table_downloads_as_semicolon_separated_utf8_csv(
    area, coordinator, login, three_months, plan_2025
):
    response = login(coordinator).get(URL, {"omrade": area.code, "csv": "inflode"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "Månad",
        "Nya deltagare",
        "Planerat inflöde",
        "Andel av planen",
        "Jämfört med planen",
        "Kvinnor",
        "Män",
        "Version",
    ]
    assert rows[1:] == [
        ["2025-01", "6", "5", "120%", "Enligt plan", "4", "2", "1"],
        ["2025-02", "3", "5", "60%", "Under plan", "3", "0", "1"],
        ["2025-03", "7", "10", "70%", "Under plan", "7", "0", "1"],
    ]


def test_every_table_on_the_page_has_a_working_csv_link(area, coordinator, login, three_months):
    client = login(coordinator)
    body = client.get(URL).content.decode()

    links = re.findall(r'<a href="(/statistik/\?[^"]+csv=[^"]+)" download', body)
    # inflow, day 365, its forecast, days, young, caseload ×2, timeliness ×2, deviations,
    # snapshots, the areas
    assert len(links) == 12
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200 and csv_rows(response)[0]


def test_an_unknown_csv_table_is_a_clear_400(area, coordinator, login, three_months):
    response = login(coordinator).get(URL, {"omrade": area.code, "csv": "hemligt"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Det finns ingen tabell som heter ”hemligt”" in body
    assert "csv=inflode" in body


# --- scoping and the access log ---------------------------------------------------------------


def test_another_areas_dashboard_is_404_and_the_refusal_is_logged(
    area, other_area, management, login
):
    response = login(management).get(URL, {"omrade": other_area.code})

    assert response.status_code == 404
    denied = AccessLog.objects.get(action=AccessLog.Action.DENIED, user=management)
    assert (denied.object_type, denied.area_id) == ("dashboard", other_area.pk)


def test_another_areas_csv_is_404(area, other_area, coordinator, login):
    response = login(coordinator).get(URL, {"omrade": other_area.code, "csv": "inflode"})
    assert response.status_code == 404


def test_an_unknown_area_is_404(area, analyst, login):
    assert login(analyst).get(URL, {"omrade": "finns-inte"}).status_code == 404


def test_the_national_view_is_for_national_roles_only(area, management, coordinator, login):
    assert login(management).get(URL, {"omrade": "riket"}).status_code == 404
    assert login(coordinator).get(URL, {"omrade": "riket"}).status_code == 404


def test_the_analyst_sees_the_nation_by_default_and_may_open_any_area(
    area, other_area, analyst, login
):
    started(area, dt.date(2025, 1, 10), 6)
    started(other_area, dt.date(2025, 1, 10), 7)
    for where in (area, other_area, None):
        snapshot_compute(area=where, month=JAN)
    client = login(analyst)

    national = client.get(URL)
    one_area = client.get(URL, {"omrade": other_area.code})

    assert national.context["national"] and "Nationell översikt" in national.content.decode()
    assert table(national, "inflode")["2025-01"][0] == "13"
    assert table(one_area, "inflode")["2025-01"][0] == "7"
    # the national view lists every area, each linking to its dashboard
    assert f"?omrade={other_area.code}" in national.content.decode()


def test_the_national_plan_is_the_sum_of_all_active_areas_plans(area, other_area, analyst, login):
    started(area, dt.date(2025, 1, 10), 6)
    snapshot_compute(area=None, month=JAN)
    WorkPlan.objects.create(area=area, year=2025, planned_inflow=[4] * 12)
    client = login(analyst)

    # one of two active areas has a plan: no national plan
    assert table(client.get(URL), "inflode")["2025-01"][1] == "–"

    WorkPlan.objects.create(area=other_area, year=2025, planned_inflow=[3] * 12)
    # both: 4 + 3 = 7; 6 of 7 is 86 %, not below 90 % of plan? 600 < 630: below
    assert table(client.get(URL), "inflode")["2025-01"][1:4] == ["7", "86%", "Under plan"]


def test_the_page_and_each_csv_write_one_access_log_entry(area, coordinator, login, three_months):
    client = login(coordinator)

    client.get(URL)
    client.get(URL, {"omrade": area.code, "csv": "unga"})

    entries = AccessLog.objects.filter(user=coordinator, object_type="dashboard").order_by("id")
    assert [(e.action, e.object_type, e.area_id) for e in entries] == [
        (AccessLog.Action.VIEW, "dashboard", area.pk),
        (AccessLog.Action.EXPORT, "dashboard", area.pk),
    ]
    assert entries[1].purpose.endswith("CSV unga")


@pytest.mark.parametrize("role", ["coordinator", "management"])
def test_the_page_needs_the_same_number_of_queries_for_3_and_24_months(
    area, role, request, login, django_assert_max_num_queries
):
    # given stored snapshots with the job's figures of an empty month, 3 months and then 30
    from reporting.metrics import month_figures

    figures = month_figures(month=JAN, area_ids=[area.pk])
    months = [dt.date(2023 + m // 12, m % 12 + 1, 1) for m in range(30)]
    client = login(request.getfixturevalue(role))

    def store(days):
        for day in days:
            MonthlySnapshot.objects.create(
                area=area, month=day, version=1, figures=figures, digest="x"
            )

    store(months[:3])
    client.get(URL)  # the forecast's rates of the day, read once and kept (metrics.forecast)
    # the page, and the navigation with the to-do count (todo.selectors.todo_count), and the
    # registration models of the months shown (cases.registration.models_in_period)
    with django_assert_max_num_queries(19) as few:
        client.get(URL)
    store(months[3:])
    with django_assert_max_num_queries(19) as many:
        response = client.get(URL)

    assert len(response.context["board"].months) == 24
    assert len(many.captured_queries) == len(few.captured_queries)
