"""The monthly job (SPEC §5). Thin tasks: ids in, one service call each.

`monthly_report` (Celery beat, first day of each month) fans out one `area_snapshot` per active
area for the month just ended, then the national roll-up. Each task is safe to run twice
(`reporting.snapshots.snapshot_compute` is idempotent and locked per area and month), so they
acknowledge late: a worker that dies mid-task leaves the message to another worker."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from accounts.models import Area

from .snapshots import area_month_run, parse_month, previous_month

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
def national_snapshot(self, month: str) -> dict:
    snapshot, created, _opened = area_month_run(
        area=None, month=parse_month(month), task_id=self.request.id or ""
    )
    return {"snapshot": snapshot.pk, "version": snapshot.version, "created": created}


@shared_task
def monthly_report(month: str | None = None) -> str:
    """Queue the month's snapshots: one task per active area, then the nation. The national
    figures are computed from the data itself, not from the area snapshots, so the tasks need
    not wait for each other and more workers finish sooner."""
    day = parse_month(month) if month else previous_month(timezone.localdate())
    label = f"{day:%Y-%m}"
    for area_id in Area.objects.filter(is_active=True).values_list("pk", flat=True):
        area_snapshot.delay(area_id, label)
    national_snapshot.delay(label)
    return label
