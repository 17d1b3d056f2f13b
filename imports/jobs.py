"""Imports from the page and the API as jobs (SPEC §6, §7): the upload is saved under IMPORT_DIR
(a 0700 directory, the file 0600), a thin Celery task (imports.tasks) runs `import_job_run`,
which imports the saved file as a stream with its progress on the job, keeps the outcome, and
removes the file whatever happened. The hourly `import_files_purge` removes what a crash left
behind: files of jobs older than FILE_LIFETIME fail their job and go.

The task module sits above this one and registers itself when the app is ready
(`import_jobs_run_by`, imports.apps), so this module never imports it (ADR 0014)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.jobfiles import SideConnection, private_dir, remove_stale_files, save_private_file
from samverkan.services import AccessContext, require_context

from .models import ImportJob
from .results import KEPT_REJECTED_ROWS, ImportRejected
from .services import import_file, user_may_import

logger = logging.getLogger(__name__)

# An upload waits at most this long for its import; then the file goes and the job fails.
FILE_LIFETIME = dt.timedelta(hours=2)
# A finished job's outcome (counts, or the rejected rows' reasons) is kept this long.
JOB_LIFETIME = dt.timedelta(days=30)

_job_runners: list[Callable[[int], object]] = []


def import_jobs_run_by(runner: Callable[[int], object]) -> None:
    """Register what starts an uploaded job (called with its id in the upload's transaction;
    it queues the task, sent once that commits). The last registration counts."""
    _job_runners[:] = [runner]


def _job_start(job_id: int) -> None:
    if not _job_runners:
        raise RuntimeError("no runner for import jobs registered (imports.apps)")
    _job_runners[-1](job_id)


def import_dir() -> Path:
    """Where uploads wait for their import (IMPORT_DIR), a directory only the service account
    may enter."""
    default = Path(settings.BASE_DIR) / ".data" / "imports"
    return private_dir(getattr(settings, "IMPORT_DIR", default))


def import_job_path(job: ImportJob) -> Path:
    return import_dir() / f"{job.pk}-{job.file_token}.upload"


def import_job_create(*, context: AccessContext, kind: str, upload, area=None) -> ImportJob:
    """Save an uploaded file (Django's UploadedFile, copied in chunks) and order its import,
    which starts once the upload is committed. Only coordinators import (PermissionDenied)."""
    context = require_context(context)
    user = context.user
    if user is None or not user_may_import(user):
        raise PermissionDenied(_("Bara samordnare kan importera filer."))
    # The job and its task's send in one transaction (ADR 0027): Redis away delays the
    # import, it never loses it. A file saved for a job rolled back is removed by the purge.
    with transaction.atomic():
        job = ImportJob.objects.create(
            user=user,
            kind=kind,
            area=area,
            file_name=(upload.name or "")[:200],
            file_size=upload.size or 0,
            client_ip=context.client_ip,
            path=context.path[:200],
        )
        save_private_file(import_job_path(job), upload.chunks())
        _job_start(job.pk)
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Import the job's saved file on behalf of the user who uploaded it (their rights checked
    again now, their address and page in the access log). Idempotent: a finished job is left as
    it is; a job found running (its worker died and the message came back) runs again, which
    the import's all-or-nothing rule makes safe. The file is removed when the run ends, except
    when the database went away and the task will retry."""
    started = timezone.now()
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("user", "area")
            .get(pk=job_id)
        )
        if job.is_finished:
            return job
        _update(
            job,
            state=ImportJob.State.RUNNING,
            started_at=started,
            rows_checked=0,
            rows_written=0,
            error="",
        )
    path = import_job_path(job)
    context = AccessContext(user=job.user, client_ip=job.client_ip, path=job.path)
    retrying = False
    try:
        with SideConnection() as side:

            def progress(checked: int, total: int | None, written: int) -> None:
                # Seen by the polling page while the import's transaction is still open.
                side.execute(
                    "UPDATE imports_importjob SET rows_checked = %s, rows_total = %s, "
                    "rows_written = %s WHERE id = %s AND started_at = %s",
                    [checked, max(total or 0, checked), written, job.pk, started],
                )

            with open(path, "rb") as source:
                result = import_file(
                    kind=job.kind,
                    source=source,
                    context=context,
                    area=job.area,
                    filename=job.file_name,
                    progress=progress,
                )
        _finish(
            job,
            started,
            state=ImportJob.State.DONE,
            outcome=result.as_dict(),
            rows_total=result.rows,
            rows_checked=result.rows,
            rows_written=result.created,
        )
    except ImportRejected as rejected:
        _finish(
            job,
            started,
            state=ImportJob.State.REJECTED,
            outcome=rejected.as_dict(limit=KEPT_REJECTED_ROWS),
            rows_written=0,
        )
    except FileNotFoundError:
        _finish(
            job,
            started,
            state=ImportJob.State.FAILED,
            error=_("Filen finns inte längre. Ladda upp den igen."),
        )
    except PermissionDenied:
        _finish(
            job,
            started,
            state=ImportJob.State.FAILED,
            error=_("Du har inte längre behörighet att importera filer."),
        )
    except OperationalError:
        # The database went away: the task retries (imports.tasks) with the file kept.
        retrying = True
        _update(job, state=ImportJob.State.QUEUED)
        raise
    except Exception:
        logger.exception("Import %s misslyckades", job.pk)
        _finish(
            job,
            started,
            state=ImportJob.State.FAILED,
            error=_(
                "Importen misslyckades. Inget är sparat. Försök igen eller kontakta förvaltningen."
            ),
        )
    finally:
        if not retrying:
            path.unlink(missing_ok=True)
    return job


def _update(job: ImportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _finish(job: ImportJob, started: dt.datetime, **fields) -> None:
    """The run's outcome, saved only while the job is still this run's (not failed by the
    clean-up meanwhile, nor taken over by a later delivery of the same task)."""
    fields["finished_at"] = timezone.now()
    current = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING, started_at=started)
    if current.update(**fields):
        for name, value in fields.items():
            setattr(job, name, value)


def import_files_purge(*, now: dt.datetime | None = None) -> int:
    """Celery beat, hourly: an upload whose import has not finished within FILE_LIFETIME fails
    and its file goes; any other file older than that (a crash's leftover) goes too; finished
    jobs older than JOB_LIFETIME are deleted. Returns the number of files removed."""
    now = now or timezone.now()
    limit = now - FILE_LIFETIME
    stale = ImportJob.objects.filter(
        state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING], created_at__lt=limit
    )
    removed = 0
    for job in stale:
        path = import_job_path(job)
        if path.exists():
            path.unlink()
            removed += 1
    stale.update(
        state=ImportJob.State.FAILED,
        error=_("Importen hann inte köras och filen är borttagen. Ladda upp den igen."),
        finished_at=now,
    )
    waiting = {
        import_job_path(job).name
        for job in ImportJob.objects.filter(
            state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
        )
    }
    removed += remove_stale_files(import_dir(), older_than=limit, keep=waiting)
    ImportJob.objects.filter(finished_at__lt=now - JOB_LIFETIME).delete()
    return removed
