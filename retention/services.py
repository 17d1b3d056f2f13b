"""Retention runs (gallring, ADR 0016): the dry run that says what would go and why, and the
apply that purges, batch by batch, each batch in one transaction.

The access log is kept at least five years (SPEC §7) and is not purged with the person: the
apply drops its whole months once they ended more than `access_log_years()` years ago
(`audit.partitions`), and the dry run counts them. That age is measured by the database's own
clock, not by `today`: nothing the caller passes can make the log younger than five years.

The command (`manage.py retention`) and the nightly task (retention.tasks) both call these."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AccessLog
from audit.partitions import (
    MINIMUM_YEARS,
    access_log_expired,
    access_log_partitions_drop_expired,
)
from cases.models import Person
from exports.models import ExportJob
from exports.services import export_job_path
from samverkan.services import AccessContext, log_access, require_context, today_or

from .models import RetentionRun
from .purge import Scope, leftover_steps, steps
from .selection import AFTER_CLOSE, Candidate, Periods, candidates, periods_on

logger = logging.getLogger(__name__)

# The nightly job and the command name themselves so in the access log.
JOB_NAME = "gallring"


# The access log's table, as run counts name tables.
ACCESS_LOG_TABLE = AccessLog._meta.db_table


def batch_size() -> int:
    return max(1, int(getattr(settings, "RETENTION_BATCH_SIZE", 200)))


def access_log_years() -> int:
    """How many years the access log is kept: five (SPEC §7) unless the deployment keeps it
    longer (`ACCESS_LOG_RETENTION_YEARS`); fewer is refused when the log is purged."""
    return int(getattr(settings, "ACCESS_LOG_RETENTION_YEARS", MINIMUM_YEARS))


@dataclass(frozen=True)
class Plan:
    """What a run on `day` would do: the persons, and the rows per table."""

    day: dt.date
    periods: Periods
    candidates: list[Candidate]
    counts: dict[str, int]
    export_files: int = 0

    @property
    def after_close(self) -> int:
        return sum(1 for c in self.candidates if c.rule == AFTER_CLOSE)

    @property
    def without_case(self) -> int:
        return len(self.candidates) - self.after_close


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def retention_plan(*, today: dt.date | None = None, years: int | None = None) -> Plan:
    """The dry run: reads only, writes nothing (not even the access log: no one is shown)."""
    day = today_or(today)
    periods = periods_on(day, years=years)
    found = candidates(day, periods)
    counts: Counter = Counter()
    for batch in _batches([c.person_id for c in found], batch_size()):
        for step in steps(Scope.of(batch)):
            counts[step.table] += step.count()
    for step in leftover_steps():
        counts[step.table] += step.count()
    if log_entries := sum(month.entries for month in access_log_expired(years=access_log_years())):
        counts[ACCESS_LOG_TABLE] += log_entries
    files = _finished_export_jobs(timezone.now()) if found else []
    return Plan(
        day=day,
        periods=periods,
        candidates=found,
        counts=dict(counts),
        export_files=sum(1 for job in files if export_job_path(job).exists()),
    )


def _purge_batch(
    *, run: RetentionRun, person_ids: list[int], day: dt.date, periods: Periods, context
) -> list[Candidate]:
    """Purge one batch in one transaction: all of it, or (on any error) nothing."""
    with transaction.atomic():
        # Lock the rows, then ask again: a concurrent run, or a case reopened since the list was
        # made, changes the answer, and only what is still due goes.
        locked = list(
            Person.objects.select_for_update()
            .filter(pk__in=person_ids)
            .values_list("pk", flat=True)
        )
        due = candidates(day, periods, among=locked)
        if not due:
            return []
        counts = Counter(run.counts)
        for step in steps(Scope.of([c.person_id for c in due])):
            changed = step.run()
            if changed:
                counts[step.table] += changed
        after_close = sum(1 for c in due if c.rule == AFTER_CLOSE)
        run.persons_after_close += after_close
        run.persons_without_case += len(due) - after_close
        run.counts = dict(counts)
        run.save(update_fields=["persons_after_close", "persons_without_case", "counts"])
        log_access(
            context,
            action=AccessLog.Action.DELETE,
            object_type="gallring",
            object_id=run.pk,
            purpose=(
                f"gallring: {len(due)} deltagare (regel från {periods.rule.valid_from:%Y-%m-%d}, "
                f"{periods.years_after_close} år efter avslut, "
                f"{periods.years_without_activity} år utan aktivitet)"
            ),
        )
        return due


def _access_log_purge(*, run: RetentionRun, context) -> int:
    """Drop the access log's months older than the period it is kept; log what went."""
    years = access_log_years()
    with transaction.atomic():
        dropped = access_log_partitions_drop_expired(years=years)
        entries = sum(month.entries for month in dropped)
        if dropped:
            log_access(
                context,
                action=AccessLog.Action.DELETE,
                object_type="gallring",
                object_id=run.pk,
                purpose=(
                    f"gallring av åtkomstloggen: {entries} poster från "
                    f"{min(m.month for m in dropped):%Y-%m} till "
                    f"{max(m.month for m in dropped):%Y-%m} (äldre än {years} år)"
                ),
            )
    return entries


def _finished_export_jobs(before: dt.datetime):
    return ExportJob.objects.filter(state=ExportJob.State.DONE, finished_at__lt=before)


def _export_files_remove(before: dt.datetime) -> int:
    """Export files written before the end of the purge may list a purged person: remove them
    now rather than at the end of their 24 hours (the job shows as removed, as after those
    hours)."""
    removed = 0
    for job in _finished_export_jobs(before):
        path = export_job_path(job)
        if path.exists():
            path.unlink()
            removed += 1
        ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.DONE).update(
            state=ExportJob.State.EXPIRED, file_size=None
        )
    return removed


def retention_apply(
    *,
    context: AccessContext,
    today: dt.date | None = None,
    years: int | None = None,
    trigger: str = RetentionRun.Trigger.COMMAND,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> RetentionRun:
    """Purge every person due on `today` and record the run (counts, never identities).

    Idempotent: a purged person is never due again, so a second run purges nothing and records
    zeros. Each batch is one transaction; a failure keeps the batches before it (complete),
    leaves its own batch untouched, marks the run as failed and raises."""
    context = require_context(context)
    day = today_or(today)
    periods = periods_on(day, years=years)
    found = candidates(day, periods)
    run = RetentionRun.objects.create(
        day=day,
        rule=periods.rule,
        years_after_close=periods.years_after_close,
        years_without_activity=periods.years_without_activity,
        trigger=trigger,
    )
    if on_start:
        on_start(len(found))
    try:
        for batch in _batches([c.person_id for c in found], batch_size()):
            _purge_batch(run=run, person_ids=batch, day=day, periods=periods, context=context)
            if on_progress:
                on_progress(len(batch))
        with transaction.atomic():
            counts = Counter(run.counts)
            for step in leftover_steps():
                counts[step.table] += step.run()
            counts[ACCESS_LOG_TABLE] += _access_log_purge(run=run, context=context)
            run.counts = {table: rows for table, rows in counts.items() if rows}
            run.save(update_fields=["counts"])
        if run.persons:
            run.export_files_removed = _export_files_remove(timezone.now())
    except Exception:
        logger.exception("Gallringen avbröts (körning %s)", run.pk)
        RetentionRun.objects.filter(pk=run.pk).update(failed=True, finished_at=timezone.now())
        raise
    run.finished_at = timezone.now()
    run.save(update_fields=["export_files_removed", "finished_at"])
    return run
