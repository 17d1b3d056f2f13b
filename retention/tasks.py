"""The nightly retention run (Celery beat, "Gallring av personuppgifter" in the admin's periodic
tasks; installed by migration 0002). Thin: one service call."""

from __future__ import annotations

from celery import shared_task

from samverkan.services import AccessContext

from . import services
from .models import RetentionRun


@shared_task
def retention_nightly() -> dict:
    """Purge whoever is due today under the rule in force. Safe to run twice: the second run
    finds no one (services.retention_apply)."""
    run = services.retention_apply(
        context=AccessContext.system(services.JOB_NAME),
        trigger=RetentionRun.Trigger.SCHEDULE,
    )
    return {"run": run.pk, "persons": run.persons, "counts": run.counts}
