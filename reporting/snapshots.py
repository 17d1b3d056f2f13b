"""The monthly follow-up's writes (SPEC §5): one immutable, versioned snapshot per area and
month, and the national roll-up.

- **One transaction per run.** A run (one area, or the monthly job's areas and nation computed
  together, `areas_month_run`) writes all its snapshots or none: a worker that dies mid-run
  leaves nothing behind, and the task runs again (acks_late) from the start.
- **Never twice at once.** A PostgreSQL advisory lock, taken inside that transaction and keyed
  on the area and the month, makes a second run for the same area and month wait for the first.
- **Idempotent.** The figures are hashed; when the newest stored version has the same digest,
  nothing is written. Changed data (for example status entries registered late) makes the next
  version; earlier versions stay as they were (the table refuses UPDATE and DELETE).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Area

from .models import MonthlySnapshot

NATIONAL_KEY = 0


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(today: dt.date) -> dt.date:
    """The month just ended, as its first day."""
    return month_start(month_start(today) - dt.timedelta(days=1))


def parse_month(text: str) -> dt.date:
    """'YYYY-MM' → the month's first day; a clear Swedish error otherwise."""
    try:
        day = dt.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationError(_("Ange månaden som ÅÅÅÅ-MM, till exempel 2026-04.")) from None
    if not (2000 <= day.year <= 2100):
        raise ValidationError(_("Ange en månad mellan år 2000 och 2100."))
    return day


def _figures(*, month: dt.date, area_ids: list[int] | None) -> dict:
    from .metrics import month_figures

    return month_figures(month=month, area_ids=area_ids)


def figures_digest(figures: dict) -> str:
    canonical = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock(area_id: int | None, month: dt.date) -> None:
    """Serialise runs for one area (0 = the nation) and month until the transaction ends. The
    key is hashed into PostgreSQL's 32-bit lock space; a collision only makes an unrelated run
    wait a moment, never run twice."""
    key = f"{area_id or NATIONAL_KEY}:{month:%Y-%m}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, key])


# A fixed namespace so these locks never collide with another feature's advisory locks.
LOCK_NAMESPACE = 0x534E4150  # "SNAP"


def _closed_month(month: dt.date) -> dt.date:
    month = month_start(month)
    if month >= month_start(timezone.localdate()):
        raise ValidationError(_("Bara avslutade månader kan sammanställas."))
    return month


def _store(*, area_id: int | None, month: dt.date, figures: dict, task_id: str):
    """Store `figures` as the area's newest version unless it already holds exactly them.
    Called with the area's and month's lock held."""
    digest = figures_digest(figures)
    latest = (
        MonthlySnapshot.objects.filter(area_id=area_id, month=month).order_by("-version").first()
    )
    if latest is not None and latest.digest == digest:
        return latest, False
    snapshot = MonthlySnapshot.objects.create(
        area_id=area_id,
        month=month,
        version=(latest.version + 1) if latest else 1,
        figures=figures,
        digest=digest,
        task_id=task_id or "",
    )
    # The suppressed figures of the new version worked out once, after the job's transaction,
    # so that no reader waits for them (reporting.suppression.kept). Sent through the outbox
    # (ADR 0027) with the snapshot, so a Redis that does not answer delays it, never the job.
    from outbox.sends import task_queue

    task_queue("reporting.tasks.suppression_warm", snapshot.pk)
    return snapshot, True


@transaction.atomic
def snapshot_compute(
    *, area: Area | None, month: dt.date, task_id: str = ""
) -> tuple[MonthlySnapshot, bool]:
    """Compute the figures of `area` (None: the nation) for the report month `month` and store
    them, unless the newest version already holds exactly these figures. Returns the snapshot
    in force and whether a new version was written."""
    month = _closed_month(month)
    area_id = area.pk if area is not None else None
    _lock(area_id, month)
    figures = _figures(month=month, area_ids=[area_id] if area_id else None)
    return _store(area_id=area_id, month=month, figures=figures, task_id=task_id)


@transaction.atomic
def areas_month_run(
    *, areas: list[Area], month: dt.date, nation: bool = False, task_id: str = ""
) -> list[tuple]:
    """The monthly job for several areas (and with `nation` the nation) at once, in one
    transaction: their locks (in a fixed order, so two runs never wait for each other
    crosswise), the figures from one pass per metric over all of them
    (reporting.metrics.month_figures_by_area: the same figures as one at a time), each snapshot
    and each area's deviation check. Returns (snapshot, created, opened deviation reports) per
    area in the order given, the nation's last."""
    from .deviations import deviations_detect
    from .metrics.monthly import month_figures_by_area

    month = _closed_month(month)
    for area_id in sorted(area.pk for area in areas):
        _lock(area_id, month)
    if nation:
        _lock(None, month)
    figures = month_figures_by_area(
        month=month, area_ids=[area.pk for area in areas], nation=nation
    )
    results = []
    for area in [*areas, *([None] if nation else [])]:
        area_id = area.pk if area is not None else None
        snapshot, created = _store(
            area_id=area_id, month=month, figures=figures[area_id], task_id=task_id
        )
        opened = deviations_detect(area=area, month=snapshot.month) if area is not None else []
        results.append((snapshot, created, opened))
    return results


def month_groups(areas: list, size: int, *, nation: bool = True) -> list[tuple[list, bool]]:
    """How the monthly job splits its work: (areas, with the nation) per task. Size 0 (the
    default): everything in one task, one pass over the data; otherwise groups of `size` areas,
    the nation a task of its own, for several workers to share (docs/PERFORMANCE.md). Without
    `nation` (a month whose national snapshot exists, reporting.completeness) the areas only."""
    if not areas:
        return [([], True)] if nation else []
    if size <= 0 or size >= len(areas):
        return [(list(areas), nation)]
    groups = [(list(areas[i : i + size]), False) for i in range(0, len(areas), size)]
    return [*groups, ([], True)] if nation else groups


def areas_for_report(code: str | None = None):
    """The active areas, or the one named by `code` (a clear Swedish error if unknown)."""
    areas = Area.objects.filter(is_active=True).order_by("code")
    if code:
        areas = areas.filter(code=code)
        if not areas.exists():
            raise ValidationError(_("Okänt samverkansområde: %(code)s.") % {"code": code})
    return list(areas)


@transaction.atomic
def area_month_run(*, area: Area | None, month: dt.date, task_id: str = ""):
    """What the monthly job does for one area (None: the nation): the snapshot, then for an
    area the deviation check on its newest snapshots, in one transaction."""
    from .deviations import deviations_detect

    snapshot, created = snapshot_compute(area=area, month=month, task_id=task_id)
    opened = deviations_detect(area=area, month=snapshot.month) if area is not None else []
    return snapshot, created, opened
