"""Which area × month should have a snapshot, and which have none (SPEC §7: a fault leaves no
month without its snapshot).

The rule, in one place: every **active area** (reporting.snapshots.areas_for_report, as the
monthly job takes them) and **the nation** have a snapshot of every ended month from the
**first month the follow-up stored** (the earliest snapshot of any area or the nation) to the
**month just ended**. With nothing stored yet, the month just ended alone. So a new installation
starts with its first monthly job, and a history wanted further back starts where an
administrator computes its first month (`manage.py run_monthly_report --month ÅÅÅÅ-MM`):
every month after it is then due.

The daily reconciliation (reporting.tasks.snapshots_reconcile), the dashboard's note and
/readyz (samverkan.health) all read `snapshots_missing`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone

from samverkan.dates import add_months

from .models import MonthlySnapshot
from .snapshots import areas_for_report, previous_month


@dataclass(frozen=True)
class MissingMonth:
    month: dt.date
    area_ids: tuple[int, ...]  # active areas without any snapshot of the month
    nation: bool  # the nation has none either


def months_due(today: dt.date | None = None) -> list[dt.date]:
    """The report months that must have snapshots, oldest first."""
    last = previous_month(today or timezone.localdate())
    first = MonthlySnapshot.objects.aggregate(first=Min("month"))["first"]
    month = min(first, last) if first else last
    months = []
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def snapshots_missing(today: dt.date | None = None) -> list[MissingMonth]:
    """The due months of which an active area or the nation has no snapshot, oldest first.
    Three queries whatever the number of months and areas."""
    months = months_due(today)
    areas = [area.pk for area in areas_for_report()]
    stored = set(
        MonthlySnapshot.objects.filter(month__gte=months[0], month__lte=months[-1])
        .order_by()
        .values_list("month", "area_id")
        .distinct()
    )
    missing = []
    for month in months:
        area_ids = tuple(pk for pk in areas if (month, pk) not in stored)
        nation = (month, None) not in stored
        if area_ids or nation:
            missing.append(MissingMonth(month=month, area_ids=area_ids, nation=nation))
    return missing


def months_missing_for(area_id: int | None, missing: list[MissingMonth]) -> list[dt.date]:
    """The months `missing` lacks for one area (None: the nation)."""
    if area_id is None:
        return [entry.month for entry in missing if entry.nation]
    return [entry.month for entry in missing if area_id in entry.area_ids]


def month_ranges(months: list[dt.date]) -> list[str]:
    """Months as short runs: 2025-04, 2025-06–2025-09 (oldest first)."""
    runs: list[list[dt.date]] = []
    for month in sorted(set(months)):
        if runs and add_months(runs[-1][-1], 1) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return [
        f"{run[0]:%Y-%m}" if len(run) == 1 else f"{run[0]:%Y-%m}–{run[-1]:%Y-%m}" for run in runs
    ]
