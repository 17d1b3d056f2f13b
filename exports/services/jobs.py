"""The browser's export jobs (SPEC §6; ADR 0013): ordering one, the Celery task's run writing its
file with its progress, the download's log entry, and removing files after 24 hours.

The task that runs a job (exports.tasks) is thin: a job id in, `export_job_run` out. It sits
above this module and registers itself when the app is ready (`export_jobs_run_by`,
exports.apps), so the services never import the task module (ADR 0014)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog
from samverkan.jobfiles import private_file_open, remove_stale_files
from samverkan.services import AccessContext, log_access

from .. import formats
from ..columns import KINDS
from ..models import ExportJob
from ..pseudonyms import new_export_id
from .grading import coarsened_exports_purge, coarsened_selection_conflict
from .run import ExportRun, export_dir
from .spec import (
    FILE_LIFETIME,
    ExportAreaNotFound,
    ExportNotAllowed,
    ExportParamsError,
    ExportSpec,
    export_areas_resolve,
    export_continuable,
    user_may_export,
)

logger = logging.getLogger(__name__)

FORMAT_OF_JOB = {
    ExportJob.FileFormat.CSV_SEMICOLON: ("csv", "semicolon"),
    ExportJob.FileFormat.CSV_COMMA: ("csv", "comma"),
    ExportJob.FileFormat.XLSX: ("xlsx", "semicolon"),
    ExportJob.FileFormat.JSON: ("json", "semicolon"),
}

# How an ordered job is started: registered by exports.apps (the Celery task's `delay`).
_job_runners: list[Callable[[int], object]] = []


def export_jobs_run_by(runner: Callable[[int], object]) -> None:
    """Register what starts the run of an ordered job (called with the job id in the order's
    transaction; it queues the task, sent once that commits). The last registration counts."""
    _job_runners[:] = [runner]


def _job_start(job_id: int) -> None:
    if not _job_runners:
        raise RuntimeError("no runner for export jobs registered (exports.apps)")
    _job_runners[-1](job_id)


def export_job_create(
    *,
    user,
    kind: str,
    file_format: str,
    headers: str = ExportJob.Headers.LABELS,
    areas=(),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    export_id: str | None = None,
    reason: str = "",
) -> ExportJob:
    """Order a browser export (`export_id`: another file of an export the user made within
    24 hours, with its pseudonyms; `reason`: stated for people outside the user's caseload);
    the task starts once the order is committed."""
    if not user_may_export(user):
        raise ExportNotAllowed
    if kind not in KINDS:
        raise ValueError(kind)
    if export_id is not None and not export_continuable(user=user, export_id=export_id):
        raise ExportParamsError({"export_id": [_("Exporten finns inte längre.")]})
    if export_id is not None:
        conflict = coarsened_selection_conflict(
            user=user,
            export_id=export_id,
            area_ids=[area.pk for area in areas],
            date_from=date_from,
            date_to=date_to,
        )
        if conflict:
            raise ExportParamsError({"export_id": [conflict]})
    # The job and its task's send in one transaction (ADR 0027): Redis away delays the run,
    # it never loses it.
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            export_id=export_id or new_export_id(),
            kind=kind,
            file_format=file_format,
            headers=headers,
            area_codes=",".join(sorted(area.code for area in areas)),
            date_from=date_from,
            date_to=date_to,
            reason=reason.strip()[:500],
        )
        _job_start(job.pk)
    return job


def export_job_path(job: ExportJob) -> Path:
    extension = formats.FORMATS[FORMAT_OF_JOB[job.file_format][0]].extension
    return export_dir() / f"{job.pk}-{job.export_id}.{extension}"


# What the user reads when the worker wrote a file this web process cannot see.
FILE_NOT_SHARED = (
    "Filen skrevs av en annan server men syns inte här: exportkatalogen delas inte mellan "
    "servrarna. Kontakta driften och gör sedan en ny export."
)


def export_job_as_seen_here(job: ExportJob, *, now: dt.datetime | None = None) -> ExportJob:
    """The job as this process can serve it: a job the worker finished whose file is not in
    this process's export directory (a worker on another machine without the shared directory,
    docs/OPERATIONS.md) is a failed export, never one that is ready, and is stored so. Within
    the file's lifetime only; after it the purge marks the job expired."""
    now = now or timezone.now()
    if (
        job.state == ExportJob.State.DONE
        and job.finished_at is not None
        and job.finished_at >= now - FILE_LIFETIME
        and not export_job_path(job).exists()
    ):
        logger.error(
            "Export %s är klar men filen finns inte i %s här: delas exportkatalogen?",
            job.pk,
            export_dir(),
        )
        failed = ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.DONE).update(
            state=ExportJob.State.FAILED, error=FILE_NOT_SHARED
        )
        if failed:
            job.state, job.error = ExportJob.State.FAILED, FILE_NOT_SHARED
    return job


def _job_update(job: ExportJob, *, started: dt.datetime | None = None, **fields) -> None:
    """Save `fields` of the job; with `started`, only while the job's run is still that one."""
    for name, value in fields.items():
        setattr(job, name, value)
    jobs = ExportJob.objects.filter(pk=job.pk)
    if started is not None:
        jobs = jobs.filter(started_at=started)
    jobs.update(**fields)


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's file. Idempotent: a finished job is left as it is; a job found running
    (its worker died, the message came back) starts again from the first row, with the same
    export id, so the same pseudonyms. The user's scope is checked again now: rights lost
    between the order and the run fail the job.

    A message delivered twice (acks_late) can start a second run while the first still writes:
    each run writes its own `.part` file and changes the job only while the job's `started_at`
    is still its own, so the later run wins and the earlier one leaves no trace."""
    started = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("user").get(pk=job_id)
        if job.is_finished:
            return job
        _job_update(job, state=ExportJob.State.RUNNING, started_at=started, rows_done=0, error="")
    path = export_job_path(job)
    partial = path.with_suffix(f"{path.suffix}.{secrets.token_hex(4)}.part")

    def _own_update(job, **fields):  # this run's changes, only while the job is still its own
        _job_update(job, started=started, **fields)

    # The worker acts on behalf of the user who ordered the export (logged as them), with the
    # reason they stated.
    context = dataclasses.replace(AccessContext.for_user(job.user), reason=job.reason)
    try:
        file_format, delimiter = FORMAT_OF_JOB[job.file_format]
        try:
            areas = export_areas_resolve(context=context, codes=job.area_codes, kind=job.kind)
        except ExportAreaNotFound:
            raise ExportNotAllowed from None
        spec = ExportSpec(
            kind=job.kind,
            file_format=file_format,
            delimiter=delimiter,
            areas=areas,
            date_from=job.date_from,
            date_to=job.date_to,
            headers=job.headers,
        )
        run = ExportRun(context=context, spec=spec, export_id=job.export_id)
        _own_update(job, rows_total=run.count())
        run.log_start()

        def progress(done: int) -> None:
            _own_update(job, rows_done=done)

        # The file is 0600 from its first byte (private_file_open), also for XLSX.
        with private_file_open(partial) as target:
            run.write(target, on_progress=progress, tmpdir=str(export_dir()))
        with transaction.atomic():
            current = ExportJob.objects.select_for_update().get(pk=job.pk)
            if current.started_at != started:
                partial.unlink(missing_ok=True)  # a later run of the same job owns it now
                return current
            os.replace(partial, path)
            _own_update(
                job,
                state=ExportJob.State.DONE,
                rows_done=run.rows_done,
                rows_total=run.rows_done,
                file_name=run.filename(),
                file_size=path.stat().st_size,
                finished_at=timezone.now(),
            )
    except ExportNotAllowed:
        partial.unlink(missing_ok=True)
        _own_update(
            job,
            state=ExportJob.State.FAILED,
            error=_("Du har inte längre behörighet till den här exporten."),
            finished_at=timezone.now(),
        )
    except ExportParamsError as error:
        # Another file of an export that can no longer be continued (its 24 hours are over).
        partial.unlink(missing_ok=True)
        _own_update(
            job,
            state=ExportJob.State.FAILED,
            error=" ".join(message for messages in error.errors.values() for message in messages),
            finished_at=timezone.now(),
        )
    except OperationalError:
        # The database went away: the task retries (exports.tasks), starting again.
        partial.unlink(missing_ok=True)
        _own_update(job, state=ExportJob.State.QUEUED)
        raise
    except Exception:
        logger.exception("Export %s misslyckades", job.pk)
        partial.unlink(missing_ok=True)
        _own_update(
            job,
            state=ExportJob.State.FAILED,
            error=_("Exporten misslyckades. Försök igen eller kontakta förvaltningen."),
            finished_at=timezone.now(),
        )
    return job


def export_job_download_logged(*, job: ExportJob, context: AccessContext) -> None:
    # Its own object type: a download is no new file of the export and must not extend the
    # export id's 24 hours (export_continuable).
    log_access(
        context,
        action=AccessLog.Action.EXPORT,
        object_type="export_download",
        object_id=job.export_id,
        purpose=f"nedladdning av export {job.kind}, export-id {job.export_id}",
    )


def export_files_purge(*, now: dt.datetime | None = None) -> int:
    """Remove export files older than 24 hours (SPEC §7: personal data leaves no copies lying
    around): finished jobs become `expired`; stray files (a crashed run's `.part`) go too.
    Returns the number of files removed."""
    now = now or timezone.now()
    limit = now - FILE_LIFETIME
    removed = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.DONE, finished_at__lt=limit):
        path = export_job_path(job)
        if path.exists():
            path.unlink()
            removed += 1
        _job_update(job, state=ExportJob.State.EXPIRED, file_size=None)
    kept = {
        export_job_path(job).name
        for job in ExportJob.objects.filter(
            state__in=[ExportJob.State.DONE, ExportJob.State.RUNNING, ExportJob.State.QUEUED]
        )
    }
    removed += remove_stale_files(export_dir(), older_than=limit, keep=kept)
    # The gradings of coarsened exports go with their export ids.
    coarsened_exports_purge(older_than=limit)
    return removed
