"""The access log's daily upkeep (Celery beat, "Åtkomstloggens månadspartitioner" in the admin's
periodic tasks; installed by migration 0006). Thin: one call."""

from __future__ import annotations

from celery import shared_task

from .partitions import access_log_partitions_add


@shared_task
def access_log_partitions_ahead() -> int:
    """Make the current month's and the next months' partitions where missing. Idempotent: a
    second run the same day makes none."""
    return access_log_partitions_add()
