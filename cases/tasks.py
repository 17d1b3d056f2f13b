"""Thin tasks for the cases: one service call each.

`worklist_summaries_refresh` (Celery beat, just after midnight): today's worklist summary of
every case the worklist can show (cases.worklist_state.refresh_all). Safe to run twice; until it
has run, the worklist evaluates the cases it has no summary of today for, so a late or failed
run costs time, never a wrong list."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from . import worklist_state


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=8,
)
def worklist_summaries_refresh() -> dict:
    with transaction.atomic():
        return worklist_state.refresh_all(repair=False)
