"""Is a Celery worker answering, and does it share this process's export directory? Each
worker's main process writes, every BEAT_SECONDS, a key in Redis that lives TTL_SECONDS and a
file of the same name under the export directory's `.workers/` (`worker_ready` starts it).
/readyz asks (samverkan.health): "worker", whether any such key exists; "export_directory",
whether every worker with a live key has a fresh file here. A worker on another machine writes
its files where the web process cannot see them unless EXPORT_DIR is shared, and every export
it wrote would fail (exports.services.export_job_as_seen_here); this says so before anyone
orders one. A worker killed outright stops writing and its key is gone within a minute."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

from celery import signals
from django.conf import settings

from samverkan.jobfiles import private_dir

logger = logging.getLogger(__name__)

BEAT_SECONDS = 20
TTL_SECONDS = 60


def prefix() -> str:
    return getattr(settings, "WORKER_HEARTBEAT_PREFIX", "samverkan:worker:")


def _redis():
    from .celery_counts import _redis as redis_client

    return redis_client()


def _files() -> Path:
    from exports.services import export_dir

    return private_dir(export_dir() / ".workers")


def beat_once(name: str) -> None:
    _redis().set(f"{prefix()}{name}", "1", ex=TTL_SECONDS)
    (_files() / name).touch()


def _live_workers() -> list[str]:
    start = len(prefix())
    return [key.decode()[start:] for key in _redis().scan_iter(match=f"{prefix()}*", count=100)]


def worker_answering() -> bool:
    return bool(_live_workers())


def export_directory_shared() -> bool:
    """Every live worker's file is here and fresh (none live: nothing to tell)."""
    oldest = time.time() - TTL_SECONDS
    for name in _live_workers():
        path = _files() / name
        if not path.exists() or path.stat().st_mtime < oldest:
            logger.warning("Arbetaren %s delar inte exportkatalogen %s", name, _files().parent)
            return False
    return True


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
