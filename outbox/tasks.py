"""Beat's tasks for the outbox and the ordered jobs (ADR 0027). Thin: one call each."""

from __future__ import annotations

from celery import shared_task

from . import jobs, sends


@shared_task
def task_sends_sweep() -> int:
    """Every minute: send the tasks that waited for Redis."""
    return sends.task_sends_sweep()


@shared_task
def jobs_stale_settle() -> dict:
    """Every five minutes: send again, or fail with a reason, the jobs left waiting."""
    return jobs.jobs_stale_settle()
