"""Celery task outcomes counted where every web process can read them: in Redis, one counter per
task and outcome, incremented by the workers on any machine (`task_success`, `task_failure`,
`task_retry`). The metrics page (operations.metrics) reads them; a Redis that does not answer
costs a worker nothing but a missed count."""

from __future__ import annotations

import logging

from celery import signals
from django.conf import settings

logger = logging.getLogger(__name__)

KEY = "samverkan:metrics:celery"
OUTCOMES = ("succeeded", "failed", "retried")


def _redis():
    import redis

    url = settings.REDIS_URL.replace("redis+socket://", "unix://", 1)
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def record(task_name: str, outcome: str) -> None:
    try:
        _redis().hincrby(KEY, f"{task_name}|{outcome}", 1)
    except Exception as error:  # a count is never worth a task's failure
        logger.warning("Uppgiftens utfall kunde inte räknas (%s): %s", outcome, error)


def counts() -> dict[tuple[str, str], int]:
    """{(task name, outcome): count} since Redis was last emptied."""
    raw = _redis().hgetall(KEY)
    found = {}
    for field, value in raw.items():
        name, _sep, outcome = field.decode().rpartition("|")
        found[(name, outcome)] = int(value)
    return found


def _name(sender) -> str:
    return getattr(sender, "name", None) or str(sender)


def _succeeded(sender=None, **_kwargs):
    record(_name(sender), "succeeded")


def _failed(sender=None, **_kwargs):
    record(_name(sender), "failed")


def _retried(sender=None, **_kwargs):
    record(_name(sender), "retried")


def connect() -> None:
    signals.task_success.connect(_succeeded, weak=False, dispatch_uid="samverkan-count-success")
    signals.task_failure.connect(_failed, weak=False, dispatch_uid="samverkan-count-failure")
    signals.task_retry.connect(_retried, weak=False, dispatch_uid="samverkan-count-retry")
