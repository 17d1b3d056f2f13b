"""The month arithmetic every report, dashboard and package shares (samverkan.dates)."""

import datetime as dt

from samverkan.dates import month_starts, months_apart


def test_months_apart_counts_calendar_months_not_days():
    assert months_apart(dt.date(2011, 12, 31), dt.date(2012, 1, 1)) == 1
    assert months_apart(dt.date(2012, 3, 1), dt.date(2012, 3, 31)) == 0
    assert months_apart(dt.date(2012, 3, 1), dt.date(2011, 3, 1)) == -12


def test_month_starts_are_the_months_of_a_period_both_ends_included():
    assert month_starts(dt.date(2011, 11, 1), dt.date(2012, 2, 1)) == [
        dt.date(2011, 11, 1),
        dt.date(2011, 12, 1),
        dt.date(2012, 1, 1),
        dt.date(2012, 2, 1),
    ]
    assert month_starts(dt.date(2012, 5, 1), dt.date(2012, 5, 1)) == [dt.date(2012, 5, 1)]
    assert month_starts(dt.date(2012, 5, 1), dt.date(2012, 4, 1)) == []
