"""The access log's months are made ahead every day (Celery beat entry of audit migration
0006, audit.tasks) and on demand (`manage.py access_log_partitions`)."""

from __future__ import annotations

import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from audit.partitions import access_log_partitions
from audit.tasks import access_log_partitions_ahead


def _name(months_ahead: int) -> str:
    month = timezone.localdate().replace(day=1) + relativedelta(months=months_ahead)
    return f"audit_accesslog_p{month:%Y_%m}"


def test_the_daily_task_is_scheduled_in_stockholm_time(db):
    task = PeriodicTask.objects.get(name="Åtkomstloggens månadspartitioner")

    assert task.task == "audit.tasks.access_log_partitions_ahead" and task.enabled
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        "3",
        "10",
        "Europe/Stockholm",
    )


def test_the_task_makes_the_months_ahead_that_are_missing(db):
    # the migration made three ahead: a run the same day makes none
    assert access_log_partitions_ahead.delay().get() == 0
    assert _name(3) in access_log_partitions()


def test_the_command_makes_months_ahead_and_lists_them(db):
    out = io.StringIO()

    call_command("access_log_partitions", "--ahead", "5", stdout=out)

    assert _name(5) in access_log_partitions()
    assert out.getvalue().startswith("2 nya partitioner")


@pytest.mark.parametrize("ahead", ["-1", "25", "tre"])
def test_the_command_refuses_a_bad_number_of_months_in_swedish(db, ahead):
    before = access_log_partitions()

    with pytest.raises(CommandError, match="mellan 0 och 24"):
        call_command("access_log_partitions", "--ahead", ahead)

    assert access_log_partitions() == before
