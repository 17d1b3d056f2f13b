"""Thin tasks for the browser exports: ids in, one service call each. The services never import
this module: exports.apps registers `export_job_run` as the runner of ordered jobs."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

from outbox.jobs import JobKind, job_run_alone

from . import services
from .models import ExportJob


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def export_job_run(job_id: int) -> str:
    """Write one browser export's file. Safe to run twice (services.export_job_run); a second
    delivery while the first still runs leaves the job to it (outbox.jobs.job_run_alone)."""
    with job_run_alone(export_job_run.name, job_id) as alone:
        if not alone:
            return "running elsewhere"
        return services.export_job_run(job_id=job_id).state


# Started through the outbox and watched for being left waiting (outbox.jobs, ADR 0027).
EXPORT_JOBS = JobKind(
    task=export_job_run.name,
    model=ExportJob,
    waiting=ExportJob.State.QUEUED,
    running=ExportJob.State.RUNNING,
    failed=ExportJob.State.FAILED,
    message=_(
        "Exporten blev aldrig klar, troligen på grund av ett driftavbrott. Ingen fil sparades. "
        "Beställ exporten igen."
    ),
)


@shared_task
def export_files_purge() -> int:
    """Celery beat, every hour: remove export files older than 24 hours."""
    return services.export_files_purge()
