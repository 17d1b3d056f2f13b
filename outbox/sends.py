"""Sending queued tasks to Celery (ADR 0027).

`task_queue` writes a send in the caller's transaction (the job's) and, once that commits, tries
to hand it to Celery at once. A Redis that does not answer costs that request at most
TASK_SEND_SECONDS (its own connection, one attempt, no publish retry); the send then waits in
the table. `task_sends_flush` hands over what waits, oldest first: after every successful send
of a request, every minute from beat (outbox.tasks) and when a worker starts (outbox.signals).

Each send is claimed with a row lock (SKIP LOCKED), so two sweepers never send the same row;
a send whose "sent" mark is lost after Redis took it goes again with the same task id, and
every task is safe to run twice (outbox.jobs.job_run_alone for the jobs)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import TaskSend

logger = logging.getLogger(__name__)

# What a broker that does not answer raises: kombu's wrapped errors, redis-py's own, sockets'.
BROKER_ERRORS = (kombu.exceptions.KombuError, redis.exceptions.RedisError, OSError)
# Sent rows are kept this long (what was sent when), then deleted by the sweep.
SENT_KEPT = dt.timedelta(days=7)


def task_queue(task: str, *args, key: str = "", resend: bool = False, **kwargs) -> TaskSend:
    """Queue `task(*args, **kwargs)` in the current transaction: sent once it commits, or later
    by the sweep if Redis does not answer then. Rolled back with the transaction."""
    send = TaskSend.objects.create(
        task=task, args=list(args), kwargs=kwargs, key=key, resend=resend
    )
    transaction.on_commit(lambda: _send_after_commit(send.pk))
    return send


def _send_after_commit(pk: int) -> None:
    if _eager():
        task_sends_flush(first=pk, limit=0)  # the tests see the task's own errors
        return
    try:
        # This request's send first; the ones that waited too, now that Redis answers.
        if task_sends_flush(first=pk, limit=0):
            task_sends_flush(limit=50)
    except Exception:  # the send waits for the sweep; the request must still answer
        logger.exception("Uppgift %s kunde inte skickas nu; den skickas senare", pk)


def task_sends_flush(*, first: int | None = None, limit: int = 200) -> int:
    """Send what waits (`first` before the others, then up to `limit` more, oldest first).
    Returns how many were sent; stops at the first broker error, which is noted on the sends
    not sent (`attempts`, `last_error`)."""
    sent: list[int] = []
    with transaction.atomic():
        waiting = TaskSend.objects.select_for_update(skip_locked=True).filter(sent_at=None)
        rows = list(waiting.filter(pk=first)) if first is not None else []
        if limit:
            rows += list(waiting.exclude(pk__in=[row.pk for row in rows]).order_by("pk")[:limit])
        if not rows:
            return 0
        try:
            with _publisher() as publish:
                for row in rows:
                    publish(row)
                    sent.append(row.pk)
        except BROKER_ERRORS as error:
            logger.warning("Redis tog inte emot uppgifter (%s); de väntar i tabellen", error)
            TaskSend.objects.filter(pk__in=[row.pk for row in rows if row.pk not in sent]).update(
                attempts=F("attempts") + 1, last_error=str(error)[:500]
            )
        TaskSend.objects.filter(pk__in=sent).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
    return len(sent)


def task_sends_sweep(*, now: dt.datetime | None = None) -> int:
    """Beat, every minute: send everything that waits, then forget sends older than a week."""
    now = now or timezone.now()
    total = 0
    while sent := task_sends_flush(limit=200):
        total += sent
        if sent < 200:
            break
    TaskSend.objects.filter(sent_at__lt=now - SENT_KEPT).delete()
    return total


def _eager() -> bool:
    from samverkan.celery import app

    return bool(app.conf.task_always_eager)


@contextlib.contextmanager
def _publisher():
    """A function that publishes one send, on a connection of its own that gives up after
    TASK_SEND_SECONDS: one connection attempt, no publish retry (the sweep is the retry)."""
    from samverkan.celery import app

    if app.conf.task_always_eager:  # the test settings: the task runs here and now
        yield lambda row: app.tasks[row.task].apply_async(
            row.args, row.kwargs, task_id=str(row.task_id)
        )
        return
    seconds = settings.TASK_SEND_SECONDS
    options = {
        **app.conf.broker_transport_options,
        "socket_connect_timeout": seconds,
        "socket_timeout": seconds,
    }
    with app.connection_for_write(connect_timeout=seconds, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=seconds)

        def publish(row: TaskSend) -> None:
            # No result is kept: the jobs keep their own state in the database.
            app.send_task(
                row.task,
                args=row.args,
                kwargs=row.kwargs,
                task_id=str(row.task_id),
                connection=conn,
                ignore_result=True,
                retry=False,
            )

        yield publish
