"""Beat's scheduler: django-celery-beat's DatabaseScheduler, keeping the sends Redis refused
(ADR 0027).

DatabaseScheduler (like celery's own) marks an entry as run (`reserve`, `last_run_at`) before it
sends it, and a send that fails is only logged ("Message Error"): a daily task due while Redis
is away would wait for the next day, the monthly job for the next month. Here such a send is
written to the outbox instead, once per schedule entry however long the outage, and the sweep
sends it when Redis is back. (A beat that is itself down misses nothing: on start, an entry
whose time passed since its `last_run_at` is due at once.)"""

from __future__ import annotations

import logging

from celery.beat import SchedulingError
from django.db import transaction
from django_celery_beat.schedulers import DatabaseScheduler

from .models import TaskSend

logger = logging.getLogger(__name__)


def beat_send_keep(*, name: str, task: str, args=(), kwargs=None) -> TaskSend | None:
    """Keep a scheduled send for the sweep, unless one for the same entry already waits (a
    task of the schedule does what is due when it runs, so once is enough)."""
    key = f"beat:{name}"
    with transaction.atomic():
        if TaskSend.objects.filter(key=key, sent_at__isnull=True).exists():
            return None
        return TaskSend.objects.create(
            task=task, args=list(args or ()), kwargs=dict(kwargs or {}), key=key
        )


class CatchUpScheduler(DatabaseScheduler):
    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        try:
            return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
        except SchedulingError:
            try:
                beat_send_keep(
                    name=entry.name, task=entry.task, args=entry.args, kwargs=entry.kwargs
                )
                logger.warning("%s väntar i tabellen tills Redis svarar igen", entry.name)
            except Exception:
                logger.exception("%s kunde inte sparas för att skickas senare", entry.name)
            raise
