"""Thin tasks for the browser exports: ids in, one service call each. The services never import
this module: exports.apps registers `export_job_run` as the runner of ordered jobs."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def export_job_run(job_id: int) -> str:
    """Write one browser export's file. Safe to run twice (services.export_job_run)."""
    return services.export_job_run(job_id=job_id).state


@shared_task
def export_files_purge() -> int:
    """Celery beat, every hour: remove export files older than 24 hours."""
    return services.export_files_purge()
