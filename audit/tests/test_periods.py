"""The review's days as ranges of instants (audit.periods): exactly the local days the filter on
each entry's local date gave, on the days the clocks change too, and the same months the log's
partitions hold (SPEC §7)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from audit.models import AccessLog
from audit.periods import day_range, local_midnight, month_bounds

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LAST = dt.time(23, 59, 59, 999999)


def _local(day: dt.date, time: dt.time = dt.time.min, fold: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=STOCKHOLM).replace(fold=fold)


# Around the switch to summer time (29 March 2026, 02:00 CET → 03:00 CEST) and back
# (25 October 2026, 03:00 CEST → 02:00 CET), and the months' edges on either side.
INSTANTS = [
    _local(dt.date(2026, 2, 28), LAST),
    _local(dt.date(2026, 3, 1)),
    _local(dt.date(2026, 3, 28), LAST),
    _local(dt.date(2026, 3, 29)),
    _local(dt.date(2026, 3, 29), dt.time(1, 59, 59)),
    _local(dt.date(2026, 3, 29), dt.time(3, 0)),
    _local(dt.date(2026, 3, 29), LAST),
    _local(dt.date(2026, 3, 30)),
    _local(dt.date(2026, 3, 31), LAST),
    _local(dt.date(2026, 4, 1)),
    _local(dt.date(2026, 9, 30), LAST),
    _local(dt.date(2026, 10, 1)),
    _local(dt.date(2026, 10, 24), LAST),
    _local(dt.date(2026, 10, 25)),
    _local(dt.date(2026, 10, 25), dt.time(2, 30), fold=0),  # 02:30 summer time
    _local(dt.date(2026, 10, 25), dt.time(2, 30), fold=1),  # 02:30 again, winter time
    _local(dt.date(2026, 10, 25), LAST),
    _local(dt.date(2026, 10, 26)),
    _local(dt.date(2026, 10, 31), LAST),
    _local(dt.date(2026, 11, 1)),
]

PERIODS = {
    "March": month_bounds(dt.date(2026, 3, 1)),
    "October": month_bounds(dt.date(2026, 10, 1)),
    "the day summer time starts": (dt.date(2026, 3, 29), dt.date(2026, 3, 30)),
    "the day summer time ends": (dt.date(2026, 10, 25), dt.date(2026, 10, 26)),
    "the days up to the switch back": (dt.date(2026, 10, 1), dt.date(2026, 10, 25)),
}


@pytest.fixture
def entries(db):
    """[(instant, entry id)], one entry at each instant. (Not a dict: the two 02:30 of
    25 October are equal as Python compares times of one zone, by the clock.)"""
    return [
        (when, AccessLog.objects.create(occurred_at=when, action=AccessLog.Action.VIEW).pk)
        for when in INSTANTS
    ]


@pytest.mark.parametrize("period", PERIODS)
def test_a_period_holds_exactly_the_entries_of_its_local_days(entries, period):
    start, end = PERIODS[period]

    found = set(AccessLog.objects.on_days(start, end).values_list("pk", flat=True))

    expected = {pk for when, pk in entries if start <= when.astimezone(STOCKHOLM).date() < end}
    assert found == expected
    # the same entries as the filter on each entry's local date (what the review used before)
    by_date = AccessLog.objects.filter(occurred_at__date__gte=start, occurred_at__date__lt=end)
    assert found == set(by_date.values_list("pk", flat=True))


def test_the_days_the_clocks_change_are_23_and_25_hours_long():
    spring = day_range(dt.date(2026, 3, 29), dt.date(2026, 3, 30))
    autumn = day_range(dt.date(2026, 10, 25), dt.date(2026, 10, 26))

    def hours(first, after):  # elapsed, not by the clock
        return (after.astimezone(dt.UTC) - first.astimezone(dt.UTC)) / dt.timedelta(hours=1)

    assert hours(*spring) == 23
    assert hours(*autumn) == 25


def test_months_start_at_swedish_midnight_in_winter_and_in_summer():
    march_start, march_end = day_range(*month_bounds(dt.date(2026, 3, 1)))

    assert march_start == dt.datetime(2026, 2, 28, 23, tzinfo=dt.UTC)  # CET, UTC+1
    assert march_end == dt.datetime(2026, 3, 31, 22, tzinfo=dt.UTC)  # CEST, UTC+2
    assert local_midnight(dt.date(2026, 11, 1)) == dt.datetime(2026, 10, 31, 23, tzinfo=dt.UTC)


def test_the_review_filter_is_a_range_on_occurred_at_not_a_computed_date():
    sql = str(AccessLog.objects.on_days(dt.date(2026, 3, 1), dt.date(2026, 4, 1)).query)

    assert "AT TIME ZONE" not in sql and "::date" not in sql
    assert (
        '"audit_accesslog"."occurred_at" >=' in sql and '"audit_accesslog"."occurred_at" <' in sql
    )


@pytest.mark.parametrize("month", [dt.date(2026, 3, 1), dt.date(2026, 10, 1)])
def test_a_months_partition_holds_the_same_instants_as_the_review_month(owner_cursor, month):
    # given the month's partition (made here if the test database does not have it yet)
    owner_cursor.execute("SELECT audit_accesslog_add_month(%s)", [month])
    owner_cursor.execute(
        "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname = %s",
        [f"audit_accesslog_p{month:%Y_%m}"],
    )
    (bound,) = owner_cursor.fetchone()
    low, high = re.fullmatch(r"FOR VALUES FROM \('(.+)'\) TO \('(.+)'\)", bound).groups()
    owner_cursor.execute("SELECT %s::timestamptz, %s::timestamptz", [low, high])

    assert owner_cursor.fetchone() == day_range(*month_bounds(month))
