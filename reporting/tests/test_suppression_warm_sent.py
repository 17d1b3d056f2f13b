"""A new snapshot's suppression is worked out after the job by a task sent through the outbox
(ADR 0027), written with the snapshot: a Redis that does not answer delays the warming, never
the job, and the sweep sends it later."""

import datetime as dt

import pytest

from outbox.models import TaskSend
from reporting.snapshots import snapshot_compute

pytestmark = pytest.mark.django_db


def test_the_warming_is_queued_with_the_snapshot_and_not_again_for_the_same_figures(area, settings):
    # a broker nothing listens on: the send must wait, the job must not fail
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"

    snapshot, created = snapshot_compute(area=area, month=dt.date(2026, 1, 1))
    again, created_again = snapshot_compute(area=area, month=dt.date(2026, 1, 1))

    assert created and not created_again and again.pk == snapshot.pk
    sends = TaskSend.objects.filter(task="reporting.tasks.suppression_warm")
    assert [send.args for send in sends] == [[snapshot.pk]]
