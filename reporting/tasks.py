"""The monthly job (SPEC §5). Thin tasks: ids in, one service call each.

`monthly_report` (Celery beat, first day of each month) queues `areas_snapshot` for the month
just ended: by default one task for every active area and the nation, one pass over the data;
with MONTHLY_AREAS_PER_TASK, groups of areas and the nation apart. `area_snapshot` and
`national_snapshot` recompute one area or the nation alone. Each task is safe to run twice (the
snapshots are idempotent and locked per area and month, reporting.snapshots), so they
acknowledge late: a worker that dies mid-task leaves the message to another worker.

No month missing (SPEC §7, docs/RELIABILITY.md): the tasks wait out a database outage of
minutes (DATABASE_RETRY), and `snapshots_reconcile` queues every due month that still has no
snapshot (reporting.completeness): each night, and each time a worker starts, since a worker
killed mid-job leaves its messages unacknowledged until the broker's redelivery time."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from accounts.models import Area

from .completeness import snapshots_missing
from .snapshots import (
    area_month_run,
    areas_for_report,
    areas_month_run,
    month_groups,
    parse_month,
    previous_month,
)

logger = logging.getLogger(__name__)

# A database that does not answer (stopped, restarting, failing over) is waited for: tries after
# 2, 4, 8 … seconds, then every 5 minutes, 16 retries in all, about 48 minutes. Each wait stays
# below the broker's redelivery time (settings.TASK_REDELIVERY_SECONDS), so a message waiting
# for its retry is not delivered a second time meanwhile. A month given up on after that is
# computed by the next reconciliation.
DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": False,
    "max_retries": 16,
}
SAFE_TO_REPEAT = {"acks_late": True, "reject_on_worker_lost": True, **DATABASE_RETRY}


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


@shared_task(**SAFE_TO_REPEAT)
def monthly_report(month: str | None = None) -> str:
    """Queue the month's snapshots of every active area and the nation, split as
    settings.MONTHLY_AREAS_PER_TASK says (reporting.snapshots.month_groups): by default one
    task and one pass over the data. Each task stands alone (the nation's figures come from the
    data, not from the area snapshots), so with groups more workers finish sooner. Queuing a
    group twice (a retry, a redelivery) costs a computation, never a second snapshot."""
    day = parse_month(month) if month else previous_month(timezone.localdate())
    label = f"{day:%Y-%m}"
    areas = sorted(area.pk for area in areas_for_report())
    for area_ids, nation in month_groups(areas, settings.MONTHLY_AREAS_PER_TASK):
        areas_snapshot.delay(area_ids, label, nation)
    return label


@shared_task(**SAFE_TO_REPEAT)
def snapshots_reconcile() -> list[str]:
    """Queue the snapshots of every area × month that should have one and has none
    (reporting.completeness), split as the monthly job splits a month. Returns the months."""
    labels = []
    for missing in snapshots_missing():
        label = f"{missing.month:%Y-%m}"
        groups = month_groups(
            list(missing.area_ids), settings.MONTHLY_AREAS_PER_TASK, nation=missing.nation
        )
        for area_ids, nation in groups:
            areas_snapshot.delay(area_ids, label, nation)
        labels.append(label)
    if labels:
        logger.warning("snapshots missing, queued: %s", ", ".join(labels))
    return labels


@worker_ready.connect
def reconcile_when_a_worker_starts(sender=None, **kwargs) -> None:
    """Queued, not run here: the worker's main process only starts the work. A broker that
    does not take it is logged; the nightly run catches up."""
    try:
        snapshots_reconcile.delay()
    except Exception:  # noqa: BLE001 - the worker must start whatever this costs
        logger.exception("could not queue the reconciliation of snapshots")


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
