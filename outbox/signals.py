"""A worker that starts sends what waited (ADR 0027): after an outage of Redis or of every
worker, the work starts without waiting for beat's next sweep."""

from __future__ import annotations

import logging

from celery.signals import worker_ready
from django.db import connection

logger = logging.getLogger(__name__)


@worker_ready.connect
def task_sends_flush_on_start(**_kwargs) -> None:
    from .sends import task_sends_sweep

    try:
        task_sends_sweep()
    except Exception:  # a worker must start even when the database is away
        logger.exception("Uppgifterna som väntade kunde inte skickas när arbetaren startade")
    finally:
        if not connection.in_atomic_block:  # (a test's transaction is left open)
            connection.close()  # the worker's main process keeps no connection
