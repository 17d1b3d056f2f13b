"""Ordered jobs (exports, imports, monthly reports) are never left waiting for ever (SPEC §7;
ADR 0027): their sends go through the outbox, a repeated message never runs a job twice at
once, and a job whose message was lost is sent once more, then failed with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from exports.models import ExportJob
from exports.tasks import EXPORT_JOBS, export_job_run
from imports.models import ImportJob
from imports.tasks import IMPORT_JOBS
from outbox.jobs import GIVE_UP, STALE_MARGIN, job_key, jobs_stale_settle
from outbox.models import TaskSend
from samverkan.jobfiles import SideConnection

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_job(coordinator):
    return ExportJob.objects.create(user=coordinator, kind="participants", file_format="json")


def aged(job, *, minutes: float, started: bool = False):
    """Make the job as old as `minutes` (ordered then, and started then when `started`)."""
    then = timezone.now() - dt.timedelta(minutes=minutes)
    fields = {"created_at": then}
    if started:
        fields.update(state=type(job).State.RUNNING, started_at=then)
    type(job).objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def sent(job, kind, *, resend: bool = False, unsent: bool = False) -> TaskSend:
    """A send of the job, made when the job was ordered (and taken by Redis unless `unsent`)."""
    send = TaskSend.objects.create(
        task=kind.task,
        args=[job.pk],
        key=job_key(kind.task, job.pk),
        resend=resend,
        sent_at=None if unsent else timezone.now(),
    )
    TaskSend.objects.filter(pk=send.pk).update(created_at=job.created_at)
    return send


def stale_minutes(settings) -> float:
    return settings.TASK_REDELIVERY_SECONDS / 60 + STALE_MARGIN.total_seconds() / 60 + 1


def test_ordering_an_export_writes_its_send_in_the_same_transaction(coordinator):
    from exports.services import export_job_create

    job = export_job_create(user=coordinator, kind="participants", file_format="json")
    # (the on-commit send never runs here: the test's transaction is not committed)
    send = TaskSend.objects.get()
    assert (send.task, send.args, send.key) == (
        EXPORT_JOBS.task,
        [job.pk],
        f"{EXPORT_JOBS.task}:{job.pk}",
    )


def test_a_job_within_the_redelivery_time_is_left_alone(export_job, settings):
    aged(export_job, minutes=stale_minutes(settings) - 2)
    sent(export_job, EXPORT_JOBS)
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 0}


def test_a_lost_job_is_sent_once_more_then_failed_with_a_reason(export_job, settings):
    # given an export ordered and sent, then never run (its message lost)
    aged(export_job, minutes=stale_minutes(settings))
    sent(export_job, EXPORT_JOBS)

    # when the stale jobs are settled: it is sent once more
    assert jobs_stale_settle() == {"sent_again": 1, "failed": 0}
    assert TaskSend.objects.filter(key=job_key(EXPORT_JOBS.task, export_job.pk)).count() == 2
    export_job.refresh_from_db()
    assert export_job.state == ExportJob.State.QUEUED

    # and when that one is lost too, the job fails with a reason the user reads
    TaskSend.objects.update(sent_at=timezone.now(), created_at=export_job.created_at)
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 1}
    export_job.refresh_from_db()
    assert export_job.state == ExportJob.State.FAILED
    assert "driftavbrott" in export_job.error and "Beställ exporten igen" in export_job.error
    assert export_job.finished_at is not None


def test_a_run_whose_worker_died_is_failed_in_the_end(export_job, settings):
    aged(export_job, minutes=stale_minutes(settings), started=True)
    sent(export_job, EXPORT_JOBS, resend=True)
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 1}
    assert ExportJob.objects.get().state == ExportJob.State.FAILED


def test_a_long_run_still_holding_its_job_is_left_alone(export_job, settings):
    aged(export_job, minutes=stale_minutes(settings), started=True)
    sent(export_job, EXPORT_JOBS, resend=True)
    with SideConnection() as other:  # a live worker's run holds the job
        other.execute(
            "SELECT pg_advisory_lock(hashtext(%s), %s)", [EXPORT_JOBS.task, export_job.pk]
        )
        assert jobs_stale_settle() == {"sent_again": 0, "failed": 0}
    assert ExportJob.objects.get().state == ExportJob.State.RUNNING


def test_a_send_redis_never_took_waits_then_fails(export_job, settings):
    aged(export_job, minutes=stale_minutes(settings))
    sent(export_job, EXPORT_JOBS, unsent=True)
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 0}  # the sweep sends it later
    aged(export_job, minutes=GIVE_UP.total_seconds() / 60 + 1)
    TaskSend.objects.update(created_at=export_job.created_at)
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 1}


def test_a_job_ordered_again_long_after_its_first_order_is_left_to_its_new_run(
    export_job, settings
):
    # given a job first ordered hours ago, sent again once, then ordered again now (as a failed
    # monthly report is made again on the next order, reporting.monthly_report.jobs)
    aged(export_job, minutes=3 * 60)
    sent(export_job, EXPORT_JOBS, resend=True)
    TaskSend.objects.create(
        task=EXPORT_JOBS.task, args=[export_job.pk], key=job_key(EXPORT_JOBS.task, export_job.pk)
    )
    # then it is neither sent again nor failed
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 0}


def test_a_second_delivery_while_the_first_runs_leaves_the_job_to_it(export_job):
    with SideConnection() as other:
        other.execute(
            "SELECT pg_advisory_lock(hashtext(%s), %s)", [EXPORT_JOBS.task, export_job.pk]
        )
        assert export_job_run(export_job.pk) == "running elsewhere"
    export_job.refresh_from_db()
    assert export_job.state == ExportJob.State.QUEUED and export_job.started_at is None


def test_a_lost_import_fails_with_its_own_words(coordinator, settings):
    job = ImportJob.objects.create(user=coordinator, kind="persons", file_name="a.csv")
    aged(job, minutes=stale_minutes(settings))
    sent(job, IMPORT_JOBS, resend=True)
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "Ladda upp filen igen" in job.error


def test_a_run_whose_worker_died_is_sent_again_a_minute_after_it_started(export_job):
    # given an export started two minutes ago whose run no longer holds it (its worker died)
    aged(export_job, minutes=2, started=True)
    sent(export_job, EXPORT_JOBS)
    # then it is sent again at once, not after the redelivery time
    assert jobs_stale_settle() == {"sent_again": 1, "failed": 0}
    # and not failed while the new send is recent
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 0}


def test_a_run_just_started_is_not_taken_for_dead(export_job):
    aged(export_job, minutes=0.5, started=True)
    sent(export_job, EXPORT_JOBS)
    assert jobs_stale_settle() == {"sent_again": 0, "failed": 0}


def test_the_stale_jobs_are_checked_every_minute():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="outbox.tasks.jobs_stale_settle")
    assert (task.interval.every, task.interval.period) == (60, "seconds")
