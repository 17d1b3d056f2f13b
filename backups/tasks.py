"""The nightly backup (Celery beat, backups migration 0001): one service call."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def database_backup() -> str:
    """Dump the database and rotate (backups.services.backup_create). Not retried: a failure is
    logged by Celery and the next night's run stands on its own; two runs only make two dumps."""
    return str(services.backup_create().path)
