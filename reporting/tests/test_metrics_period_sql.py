"""The metrics' GROUPING SETS queries are compiled once per shape and period length and reused
for other periods with the period's dates moved (reporting.metrics.grouping.grouping_sets_of_period):
the SQL sent for a month is exactly what compiling it for that month sends, across year ends
and leap years, for every area selection; a query that changes with the period in any other way
is compiled every time."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from reporting.metrics import base, grouping
from reporting.metrics.inflow import inflow, inflow_by_area
from reporting.metrics.outcomes import (
    average_days,
    average_days_by_area,
    outcomes,
    outcomes_by_area,
)
from samverkan.dates import add_months

from .test_metrics_given import case, person, status

pytestmark = pytest.mark.django_db

FIRST = dt.date(2023, 10, 1)
# Months and periods across two year ends and 29 February 2024.
PERIODS = [[add_months(FIRST, i)] for i in range(0, 20, 3)] + [
    [add_months(FIRST, i + k) for k in range(3)] for i in (1, 4, 11)
]


@pytest.fixture
def some_work(area, other_area):
    for n, where in enumerate([area, other_area, area]):
        someone = person(area=where, sex="KM"[n % 2])
        start = add_months(FIRST, -12 + 5 * n) + dt.timedelta(days=n)
        case(person=someone, start=start, end=start + dt.timedelta(days=400))
        status(someone, start + dt.timedelta(days=200), "education")
    return [area.pk, other_area.pk]


def sent(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        call()
    return [q["sql"] for q in queries.captured_queries if "GROUPING SETS" in q["sql"]]


def calls(area_ids):
    for metric, by_area, alone in (
        ("outcomes", outcomes_by_area, outcomes),
        ("inflow", inflow_by_area, inflow),
        ("average_days", average_days_by_area, average_days),
    ):
        for ids, nation in ((area_ids, True), (area_ids[:1], False)):
            yield (
                metric,
                lambda m, f=by_area, ids=ids, nation=nation: f(
                    months=m, area_ids=ids, nation=nation
                ),
            )
        for ids in (None, area_ids[1:]):
            yield metric, lambda m, f=alone, ids=ids: f(months=m, area_ids=ids)


def test_a_kept_query_sends_what_compiling_it_for_the_period_sends(some_work):
    for metric, call in calls(some_work):
        grouping._PERIOD_SQL.clear()
        call([FIRST])
        call([add_months(FIRST, 1), add_months(FIRST, 2)])
        for months in PERIODS:
            kept = sent(lambda call=call, months=months: call(months))
            assert len(kept) == 1, metric
            grouping._PERIOD_SQL.clear()
            compiled = sent(lambda call=call, months=months: call(months))
            assert kept == compiled[-1:], (metric, months)
        # and the queries were kept (one and two months), so the comparison compared them
        kept = [value for value in grouping._PERIOD_SQL.values() if value is not None]
        assert kept and all(dated for _grouping, dated, _first in kept), metric


def test_the_figures_of_a_kept_query_are_those_of_a_compiled_one(some_work):
    grouping._PERIOD_SQL.clear()
    outcomes_by_area(months=[FIRST], area_ids=some_work, nation=True)  # keeps the query
    for months in PERIODS:
        kept = outcomes_by_area(months=months, area_ids=some_work, nation=True)
        grouping._PERIOD_SQL.clear()
        assert kept == outcomes_by_area(months=months, area_ids=some_work, nation=True)


def test_a_query_that_changes_otherwise_with_the_period_is_compiled_every_time(some_work):
    # ended by the period's last day: a date that is no first day of a month
    def build(months):
        return {
            "queryset": Case.objects.filter(end_date__lte=base.last_day(months)),
            "dimensions": {"total": Value("total")},
            "keys": {"part": F("area_id")},
            "aggregates": {"n": "COUNT(*)"},
        }

    grouping._PERIOD_SQL.clear()
    for months in PERIODS:
        rows = grouping.grouping_sets_of_period(("test",), months, build)
        expected = Case.objects.filter(end_date__lte=base.last_day(months)).count()
        assert sum(n for _part, _level, n in rows["total"]) == expected
    assert set(grouping._PERIOD_SQL.values()) == {None}
