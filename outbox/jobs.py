"""The jobs that users order (exports, imports, monthly reports) and their Celery runs (SPEC §7:
no job waiting for ever; ADR 0027).

Each app registers its kind of job (`job_kind_runner`, from its apps.py) and gets back what
starts a job: a send queued in the job's own transaction (outbox.sends). A run takes the job's
lock (`job_run_alone`) so that a message delivered twice never runs the same job twice at once;
the lock is a PostgreSQL session lock, so it goes with the worker's connection when the worker
dies.

`jobs_stale_settle` (beat, every minute) sends again at once a job running for DEAD_RUN_AFTER
whose lock is free: its worker died (a worker can die when its Redis connection breaks), and
its message would come back only after the redelivery time. It also finds jobs waiting or
running longer than the redelivery time (TASK_REDELIVERY_SECONDS) plus STALE_MARGIN that no
live run holds, and whose latest send is as old: their message is lost (Redis lost its data,
or a send never reached it). Such a job is sent once more; a job whose message was lost after
being sent again, or whose send Redis has not taken for GIVE_UP, fails with a reason the user
sees."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TaskSend
from .sends import task_queue

logger = logging.getLogger(__name__)

# A run still going after the redelivery time plus this has lost its message.
STALE_MARGIN = dt.timedelta(minutes=10)
# A running job whose run's lock is free this long after it started lost its worker.
DEAD_RUN_AFTER = dt.timedelta(minutes=1)
# A job whose send Redis has not taken for this long fails rather than wait on.
GIVE_UP = dt.timedelta(hours=2)

DEFAULT_MESSAGE = _(
    "Jobbet blev aldrig klart, troligen på grund av ett driftavbrott, och har avbrutits. "
    "Beställ det igen."
)


@dataclasses.dataclass(frozen=True)
class JobKind:
    """A kind of ordered job: the Celery task that runs it (called with the job's id), its
    model, and the states that model uses. The model has `state`, `error`, `created_at`,
    `started_at` and `finished_at`."""

    task: str
    model: type[models.Model]
    waiting: str
    running: str
    failed: str
    message: str = DEFAULT_MESSAGE
    # Its task runs inside `job_run_alone`: a running job whose lock is free has lost its run.
    locked: bool = True


_kinds: dict[str, JobKind] = {}


def job_key(task: str, job_id: int) -> str:
    return f"{task}:{job_id}"


def job_kind_runner(kind: JobKind) -> Callable[[int], object]:
    """Register `kind`; return what starts one of its jobs, to be called inside the
    transaction that creates the job."""
    _kinds[kind.task] = kind
    return lambda job_id: task_queue(kind.task, job_id, key=job_key(kind.task, job_id))


def _lock_args(task: str, job_id: int) -> list:
    return [task, job_id % 2_147_483_647]


@contextlib.contextmanager
def job_run_alone(task: str, job_id: int):
    """Yield whether this process alone runs the job now (False: another run holds it; leave
    the job to that run)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s), %s)", _lock_args(task, job_id))
        alone = cursor.fetchone()[0]
    try:
        yield alone
    finally:
        if alone:
            with contextlib.suppress(DatabaseError):  # a lost connection took the lock with it
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(hashtext(%s), %s)", _lock_args(task, job_id)
                    )


def _held_by_a_run(task: str, job_id: int) -> bool:
    with job_run_alone(task, job_id) as alone:
        return not alone


def jobs_stale_settle(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send again or fail the jobs left waiting or running (see the module's docstring).
    Returns how many were sent again and how many failed."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.TASK_REDELIVERY_SECONDS) - STALE_MARGIN
    counts = {"sent_again": 0, "failed": 0}
    dead_after = now - DEAD_RUN_AFTER
    for kind in _kinds.values():
        candidates = kind.model.objects.filter(state__in=[kind.waiting, kind.running]).filter(
            Q(started_at__lt=limit) | Q(started_at__isnull=True, created_at__lt=limit)
        )
        if kind.locked:
            candidates |= kind.model.objects.filter(state=kind.running, started_at__lt=dead_after)
        for job in candidates.only("pk", "state", "created_at", "started_at").order_by("pk"):
            if _held_by_a_run(kind.task, job.pk):
                continue  # still running: a long run, not a lost one
            # Running, and its run's lock free: the worker running it died (its message comes
            # back only after the redelivery time).
            dead = kind.locked and job.state == kind.running
            last = TaskSend.objects.filter(key=job_key(kind.task, job.pk)).order_by("pk").last()
            stale = (job.started_at or job.created_at) < limit and (
                last is None or last.created_at < limit
            )
            if last is not None and last.sent_at is None:
                if last.created_at > now - GIVE_UP:
                    continue  # Redis has not taken it yet; the sweep sends it when it does
            elif last is None or not last.resend:
                if not (dead or stale):
                    continue
                with transaction.atomic():
                    task_queue(kind.task, job.pk, key=job_key(kind.task, job.pk), resend=True)
                logger.warning("%s %s blev stående och skickas igen", kind.task, job.pk)
                counts["sent_again"] += 1
                continue
            elif not stale:
                continue
            failed = kind.model.objects.filter(
                pk=job.pk, state=job.state, started_at=job.started_at
            ).update(state=kind.failed, error=str(kind.message), finished_at=now)
            if failed:
                logger.warning("%s %s blev stående och avbröts", kind.task, job.pk)
                counts["failed"] += failed
    return counts
