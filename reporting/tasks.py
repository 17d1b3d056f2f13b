"""The monthly job (SPEC §5). Thin tasks: ids in, one service call each.

`monthly_report` (Celery beat, first day of each month) queues `areas_snapshot` for the month
just ended: by default one task for every active area and the nation, one pass over the data;
with MONTHLY_AREAS_PER_TASK, groups of areas and the nation apart. `area_snapshot` and
`national_snapshot` recompute one area or the nation alone. Each task is safe to run twice (the
snapshots are idempotent and locked per area and month, reporting.snapshots), so they
acknowledge late: a worker that dies mid-task leaves the message to another worker."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from accounts.models import Area

from .snapshots import (
    area_month_run,
    areas_month_run,
    month_groups,
    parse_month,
    previous_month,
)

SAFE_TO_REPEAT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(bind=True, **SAFE_TO_REPEAT)
def area_snapshot(self, area_id: int, month: str) -> dict:
    area = Area.objects.get(pk=area_id)
    snapshot, created, opened = area_month_run(
        area=area, month=parse_month(month), task_id=self.request.id or ""
    )
    return {
        "snapshot": snapshot.pk,
        "version": snapshot.version,
        "created": created,
        "deviations_opened": [report.pk for report in opened],
    }


@shared_task(bind=True, **SAFE_TO_REPEAT)
def areas_snapshot(self, area_ids: list[int], month: str, nation: bool = False) -> dict:
    """The snapshots of several areas (and the nation) from one pass over their data."""
    areas = list(Area.objects.filter(pk__in=area_ids).order_by("pk"))
    results = areas_month_run(
        areas=areas, month=parse_month(month), nation=nation, task_id=self.request.id or ""
    )
    return {
        "snapshots": [snapshot.pk for snapshot, _created, _opened in results],
        "created": sum(created for _snapshot, created, _opened in results),
        "deviations_opened": [r.pk for _s, _c, opened in results for r in opened],
    }


@shared_task(bind=True, **SAFE_TO_REPEAT)
def national_snapshot(self, month: str) -> dict:
    snapshot, created, _opened = area_month_run(
        area=None, month=parse_month(month), task_id=self.request.id or ""
    )
    return {"snapshot": snapshot.pk, "version": snapshot.version, "created": created}


@shared_task
def monthly_report(month: str | None = None) -> str:
    """Queue the month's snapshots of every active area and the nation, split as
    settings.MONTHLY_AREAS_PER_TASK says (reporting.snapshots.month_groups): by default one
    task and one pass over the data. Each task stands alone (the nation's figures come from the
    data, not from the area snapshots), so with groups more workers finish sooner."""
    day = parse_month(month) if month else previous_month(timezone.localdate())
    label = f"{day:%Y-%m}"
    areas = list(Area.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    for area_ids, nation in month_groups(areas, settings.MONTHLY_AREAS_PER_TASK):
        areas_snapshot.delay(area_ids, label, nation)
    return label


@shared_task(**SAFE_TO_REPEAT)
def monthly_report_document_build(document_id: int) -> str:
    """Make one ordered monthly report's PDF (reporting.monthly_report.jobs). Safe to run
    twice: a finished report is left as it is, and only the latest run may finish it."""
    from .monthly_report.jobs import monthly_report_run

    return monthly_report_run(document_id=document_id).state


@shared_task
def forecast_rates() -> str:
    """The day's rates of the day-365 forecast into the cache (reporting.metrics.forecast), early
    in the morning (Celery beat), so that no page waits for the pass over the earlier cohorts."""
    from .metrics.forecast import rates_read

    today = timezone.localdate()
    rates_read(today)
    return today.isoformat()


@shared_task
def suppression_warm(snapshot_id: int) -> int:
    """Work out once how a new snapshot's figures are suppressed (what is hidden, how it is
    marked), into the shared cache (reporting.suppression.kept): the first reader of a month
    would otherwise wait for it. Returns how many parts were suppressed."""
    from . import suppression
    from .models import MonthlySnapshot

    snapshot = MonthlySnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return 0
    parts = [kind for kind in suppression.KINDS if snapshot.figures.get(kind)]
    for kind in parts:
        suppression.shown(kind, snapshot.figures[kind], hide=True)
    return len(parts)
