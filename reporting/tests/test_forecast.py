"""The forecast of the day-365 share (reporting.metrics.forecast): checkpoint states, the rates
of earlier cohorts drawn towards the nation's, known outcomes, the interval, nothing dated after
a checkpoint, the backtest, and the dashboard's section with its small-cell rule."""

import datetime as dt
import math

import pytest
from django.urls import reverse

from reporting.metrics import month_figures
from reporting.metrics.forecast import PRIOR, Z, forecast
from reporting.metrics.forecast_backtest import backtest
from reporting.models import MonthlySnapshot

from .test_metrics_given import case, person, status

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 15)


def plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def earlier(area, n: int, in_work: int, start=dt.date(2025, 1, 10)):
    """`n` earlier cases of `area` (day 365 on 2026-01-10, before AS_OF), openly unemployed from
    day 100, of whom `in_work` are in work from day 300."""
    for i in range(n):
        someone = person(area=area, sex="K" if i % 2 else "M")
        case(person=someone, start=start)
        status(someone, plus(start, 100), "openly_unemployed")
        if i < in_work:
            status(someone, plus(start, 300), "work_unsubsidised")


@pytest.fixture
def population(area, other_area):
    # Earlier cohorts: in the area 2 of 4 unemployed at day 120 reached work, elsewhere 0 of 6.
    earlier(area, 4, 2)
    earlier(other_area, 6, 0)
    # Known: started 2025-06-01, day 365 on 2026-06-01 (before AS_OF), in work from day 360.
    known = person(area=area, sex="K")
    case(person=known, start=dt.date(2025, 6, 1))
    status(known, plus(dt.date(2025, 6, 1), 360), "education")
    # Pending, cohort 2026-01 (report month 2027-01):
    # a man started 2026-01-20, day 146 on AS_OF: checkpoint 120, unemployed since day 100; an
    # entry of day 130 comes after the checkpoint and must not count.
    man = person(area=area, sex="M")
    case(person=man, start=dt.date(2026, 1, 20))
    status(man, plus(dt.date(2026, 1, 20), 100), "openly_unemployed")
    status(man, plus(dt.date(2026, 1, 20), 130), "work_unsubsidised")
    # a woman started 2026-01-05, day 161: checkpoint 150, in work since day 50.
    woman = person(area=area, sex="K")
    case(person=woman, start=dt.date(2026, 1, 5))
    status(woman, plus(dt.date(2026, 1, 5), 50), "work_subsidised")


def month(result, label):
    return next(row for row in result["months"] if row["month"] == label)


def test_rates_are_the_areas_drawn_towards_the_nations(area, population):
    result = forecast(as_of=AS_OF, area_ids=[area.pk])

    # The man: checkpoint 120, unemployed. The nation's rate there is 2 of 10, counted as 3 of
    # 12 (one more in work, one more not); the area's 2 of 4 drawn towards it:
    # (2 + PRIOR × 3/12) / (4 + PRIOR) = 7/24.
    p_man = (2 + PRIOR * 3 / 12) / (4 + PRIOR)
    # The woman: checkpoint 150, in work. Nobody earlier stood there, in the area or the nation:
    # the nation's rate of checkpoint 150 over every state, 3 of 11 (the 10 earlier cases and the
    # known one, other at day 150 and in education on day 365), counted as 4 of 13.
    p_woman = (0 + PRIOR * 4 / 13) / (0 + PRIOR)
    january = month(result, "2027-01")
    assert january["cohort"] == "2026-01"
    assert january["M"]["share"] == round(100 * p_man, 1)
    assert january["K"]["share"] == round(100 * p_woman, 1)
    assert january["all"]["measured"] == 2 and january["all"]["pending"] == 2
    assert january["all"]["share"] == round(100 * (p_man + p_woman) / 2, 1)

    # The interval: each pending case's p(1 − p), and each rate's own uncertainty.
    variance = p_man * (1 - p_man) + p_woman * (1 - p_woman)
    variance += p_man * (1 - p_man) / (4 + PRIOR) + p_woman * (1 - p_woman) / (0 + PRIOR)
    expected = p_man + p_woman
    assert january["all"]["low"] == round(100 * max(0, expected - Z * math.sqrt(variance)) / 2, 1)
    assert january["all"]["high"] == round(100 * min(2, expected + Z * math.sqrt(variance)) / 2, 1)
    assert result["earlier_cases"] == 5  # the area's four and the known case
    assert result["national_cases"] == 11


def test_a_case_past_day_365_counts_with_its_outcome(area, population):
    june = month(forecast(as_of=AS_OF, area_ids=[area.pk]), "2026-06")

    assert june["cohort"] == "2025-06"
    assert june["K"] == {
        "measured": 1,
        "known": 1,
        "known_woe": 1,
        "pending": 0,
        "share": 100.0,
        "low": 100.0,
        "high": 100.0,
    }
    assert june["M"]["measured"] == 0 and june["M"]["share"] is None


def test_the_year_adds_known_and_forecast_months(area, population):
    result = forecast(as_of=AS_OF, area_ids=[area.pk])

    # Report months of 2026: cohorts of 2025, i.e. the ten earlier cases' area part (4, cohort
    # 2025-01) and the known one (cohort 2025-06); nobody pending.
    assert result["year"]["year"] == 2026
    assert result["year"]["all"]["measured"] == 5
    assert result["year"]["all"]["share"] == 60.0  # 2 + 1 of 5
    # The twelve months ahead: report months 2026-06 … 2027-05.
    assert [row["month"] for row in result["months"]][0] == "2026-06"
    assert result["ahead"]["all"]["measured"] == 3


def test_nothing_dated_after_the_forecast_day_is_read(area, population):
    # A later entry for the man, dated after AS_OF, changes nothing.
    before = forecast(as_of=AS_OF, area_ids=[area.pk])
    man = month(before, "2027-01")
    someone = person(area=area, sex="M")
    case(person=someone, start=dt.date(2026, 1, 20))
    status(someone, plus(AS_OF, 1), "education")
    after = month(forecast(as_of=AS_OF, area_ids=[area.pk]), "2027-01")
    # One more man pending, with no entry by his checkpoint: other, whose rate differs.
    assert after["M"]["pending"] == man["M"]["pending"] + 1
    assert after["M"]["known_woe"] == 0


def test_without_anything_earlier_there_is_no_forecast(area):
    someone = person(area=area)
    case(person=someone, start=dt.date(2026, 1, 20))

    january = month(forecast(as_of=AS_OF, area_ids=[area.pk]), "2027-01")

    assert january["all"]["measured"] == 1
    assert january["all"]["share"] is None


def test_the_backtest_sets_the_day_180_forecast_beside_the_outcome(area):
    # Earlier: 10 started 2024-01-10, unemployed from day 100, 5 in work from day 300.
    earlier(area, 10, 5, start=dt.date(2024, 1, 10))
    # The cohort tested: 4 started 2025-03-10, unemployed from day 100, 3 in work at day 250.
    start = dt.date(2025, 3, 10)
    for i in range(4):
        someone = person(area=area)
        case(person=someone, start=start)
        status(someone, plus(start, 100), "openly_unemployed")
        if i < 3:
            status(someone, plus(start, 250), "work_unsubsidised")

    (point,) = [
        p
        for p in backtest(area_ids=[area.pk], cohorts=[start.replace(day=1)])
        if p["group"] == "all"
    ]

    # Made on 2025-03-31 + 180: each was unemployed at checkpoint 180; half the earlier ones
    # with that state reached work (5 of 10, in the area as in the nation): 50 %.
    assert point["cohort"] == "2025-03"
    assert point["forecast"] == 50.0
    assert point["low"] < 50.0 < point["high"]
    assert point["outcome"] == 75.0  # 3 of 4
    assert point["measured"] == 4


# --- the dashboard ------------------------------------------------------------------------------

URL = reverse("reporting:overview")


@pytest.fixture
def snapshot(area):
    MonthlySnapshot.objects.create(
        area=area,
        month=dt.date(2026, 5, 1),
        version=1,
        figures=month_figures(month=dt.date(2026, 5, 1), area_ids=[area.pk]),
        digest="x",
    )


def forecast_section(response):
    return next(s for s in response.context["sections"] if s.key == "prognos")


def test_the_dashboard_shows_the_forecast_of_today(
    login, coordinator, area, population, snapshot, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 15, 12, 0), tick=False)
    client = login(coordinator)
    response = client.get(URL, {"omrade": area.code})

    section = forecast_section(response)
    keys = [s.key for s in response.context["sections"]]
    assert keys.index("prognos") == keys.index("dag365") + 1
    assert "2026-06-15" in section.lead
    table = section.tables[0]
    rows = {row.header.text: row for row in table.rows}
    january = [cell.text for cell in rows["2027-01"].cells]
    assert january[:3] == ["2026-01", "1", f"{int(100 * 4 / 13 + 0.5)}%"]  # the woman
    assert january[5] == "29%"  # the man, 7/24
    assert section.charts and "prognos" in section.charts[0].alt.lower()
    assert "Året 2026" in rows and "Kommande tolv" in rows
    # The CSV of the table, through the page's own scoping and logging.
    lines = client.get(table.csv_url).content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rapportmånad;Startkohort;Kvinnor: Mätta")
    assert any(line.startswith("2027-01;2026-01;1;") for line in lines)


def test_small_groups_are_hidden_from_roles_that_see_suppressed_figures(
    login, management, area, population, snapshot, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 15, 12, 0), tick=False)
    response = login(management).get(URL, {"omrade": area.code})

    rows = {row.header.text: row for row in forecast_section(response).tables[0].rows}
    # One woman and one man: fewer than five measured.
    assert all(cell.hidden for cell in rows["2027-01"].cells[1:10])
    assert "29%" not in forecast_section(response).charts[0].alt


def test_the_mornings_task_reads_the_rates_so_the_page_does_not(area, population, time_machine):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_celery_beat.models import PeriodicTask

    from reporting.tasks import forecast_rates

    time_machine.move_to(dt.datetime(2026, 6, 15, 5, 30), tick=False)
    assert PeriodicTask.objects.get(task="reporting.tasks.forecast_rates").enabled
    with CaptureQueriesContext(connection) as cold:
        forecast(as_of=AS_OF, area_ids=[area.pk])
    from django.core.cache import cache

    cache.clear()
    assert forecast_rates() == "2026-06-15"
    with CaptureQueriesContext(connection) as warm:
        again = forecast(as_of=AS_OF, area_ids=[area.pk])
    # One query fewer: the pass over the earlier cohorts, read by the task.
    assert len(warm) == len(cold) - 1
    assert month(again, "2027-01")["M"]["share"] == round(100 * 7 / 24, 1)


def test_the_page_reads_the_forecast_once_an_hour(area, population, monkeypatch):
    from reporting.metrics import forecast as module

    calls = []
    real = module.forecast

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(module, "forecast", counted)
    first = module.forecast_kept(as_of=AS_OF, area_ids=[area.pk])
    again = module.forecast_kept(as_of=AS_OF, area_ids=[area.pk])
    nation = module.forecast_kept(as_of=AS_OF, area_ids=None)

    assert first == again and len(calls) == 2  # the area once, the nation once
    assert nation["earlier_cases"] == 11
