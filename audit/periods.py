"""The access log's days and months as ranges of time (SPEC §7).

A review asks for "March" or "the 10th": local days, in the project's time zone
(`settings.TIME_ZONE`, Europe/Stockholm). The log stores instants. A filter on the local date of
each entry (`occurred_at__date`) gives the right days, but it computes a value for every row
first, so the indexes on `occurred_at` (and on user or area with it) cannot find the rows and the
log's monthly partitions cannot be skipped. So a period of days is turned here, once, into the
half-open range of instants from local midnight of its first day to local midnight of the day
after its last: the same entries, found by a range scan.

Every reader of the log filters periods through `day_range` (through
`AccessLogQuerySet.on_days`), and the log's monthly partitions start at the same local
midnights (audit migration 0005), so a month of the review is exactly one partition."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local_midnight(day: dt.date) -> dt.datetime:
    """The instant the local `day` begins. Swedish clocks change at 02:00 and 03:00, never at
    midnight, so local midnight always exists once (and zoneinfo would pick the first of two)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants of the local days `start` up to, not including, `end`:
    `start_instant <= occurred_at < end_instant` holds exactly when the entry's local date is
    `start <= date < end`, on the days the clocks change as well."""
    return local_midnight(start), local_midnight(end)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of `month` and the first day of the month after it."""
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end
