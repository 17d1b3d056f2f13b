"""Thin tasks for the imports: ids in, one service call each. imports.jobs never imports this
module: imports.apps registers `import_job_run` as the runner of uploaded jobs."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

from outbox.jobs import JobKind, job_run_alone

from . import jobs
from .models import ImportJob


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def import_job_run(job_id: int) -> str:
    """Import one uploaded file. Safe to run twice (jobs.import_job_run); a second delivery
    while the first still runs leaves the job to it (outbox.jobs.job_run_alone): two runs at
    once would import the file twice, the second finding the first's rows."""
    with job_run_alone(import_job_run.name, job_id) as alone:
        if not alone:
            return "running elsewhere"
        return jobs.import_job_run(job_id=job_id).state


# Started through the outbox and watched for being left waiting (outbox.jobs, ADR 0027).
IMPORT_JOBS = JobKind(
    task=import_job_run.name,
    model=ImportJob,
    waiting=ImportJob.State.QUEUED,
    running=ImportJob.State.RUNNING,
    failed=ImportJob.State.FAILED,
    message=_(
        "Importen blev aldrig klar, troligen på grund av ett driftavbrott. Inget är sparat. "
        "Ladda upp filen igen."
    ),
)


@shared_task
def import_files_purge() -> int:
    """Celery beat, every hour: fail uploads left waiting and remove their files."""
    return jobs.import_files_purge()
