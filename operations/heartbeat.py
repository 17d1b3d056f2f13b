"""Is a Celery worker answering? Each worker's main process writes a key in Redis every
BEAT_SECONDS that lives TTL_SECONDS (`worker_ready` starts it); /readyz's "worker" check asks
whether any such key exists (samverkan.health). A worker killed outright stops writing and its key
is gone within a minute; one on another machine counts the same, since they share Redis."""

from __future__ import annotations

import logging
import socket
import threading

from celery import signals
from django.conf import settings

logger = logging.getLogger(__name__)

BEAT_SECONDS = 20
TTL_SECONDS = 60


def prefix() -> str:
    return getattr(settings, "WORKER_HEARTBEAT_PREFIX", "samverkan:worker:")


def _redis():
    from .celery_counts import _redis as redis_client

    return redis_client()


def beat_once(name: str) -> None:
    _redis().set(f"{prefix()}{name}", "1", ex=TTL_SECONDS)


def worker_answering() -> bool:
    return next(iter(_redis().scan_iter(match=f"{prefix()}*", count=100)), None) is not None


def _beat_forever(name: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            beat_once(name)
        except Exception as error:  # Redis away: the key lapses, /readyz says so
            logger.warning("Arbetarens livstecken kunde inte skrivas: %s", error)
        stop.wait(BEAT_SECONDS)


_stop = threading.Event()


def _started(sender=None, **_kwargs):
    name = getattr(sender, "hostname", None) or socket.gethostname()
    threading.Thread(
        target=_beat_forever, args=(name, _stop), name="samverkan-heartbeat", daemon=True
    ).start()


def _stopping(**_kwargs):
    _stop.set()


def connect() -> None:
    signals.worker_ready.connect(_started, weak=False, dispatch_uid="samverkan-heartbeat")
    signals.worker_shutdown.connect(_stopping, weak=False, dispatch_uid="samverkan-heartbeat-stop")
