"""Thin tasks for the imports: ids in, one service call each. imports.jobs never imports this
module: imports.apps registers `import_job_run` as the runner of uploaded jobs."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import jobs


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def import_job_run(job_id: int) -> str:
    """Import one uploaded file. Safe to run twice (jobs.import_job_run)."""
    return jobs.import_job_run(job_id=job_id).state


@shared_task
def import_files_purge() -> int:
    """Celery beat, every hour: fail uploads left waiting and remove their files."""
    return jobs.import_files_purge()
