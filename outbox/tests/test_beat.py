"""Beat's sends that Redis refused are kept for the sweep (ADR 0027): DatabaseScheduler marks
an entry as run before sending it, so a failed send would wait for the next slot."""

from __future__ import annotations

import types

import pytest
from celery.beat import SchedulingError
from django_celery_beat.schedulers import DatabaseScheduler

from outbox.beat import CatchUpScheduler
from outbox.models import TaskSend

pytestmark = pytest.mark.django_db

ENTRY = types.SimpleNamespace(
    name="Gallring av personuppgifter", task="outbox.tests.record", args=[], kwargs={"a": 1}
)


@pytest.fixture
def refusing_redis(monkeypatch):
    def refuse(self, entry, producer=None, advance=True, **kwargs):
        raise SchedulingError("Couldn't apply scheduled task: Connection refused")

    monkeypatch.setattr(DatabaseScheduler, "apply_async", refuse)


def test_a_refused_scheduled_send_waits_once_however_often_it_is_refused(refusing_redis):
    scheduler = CatchUpScheduler.__new__(CatchUpScheduler)  # the method alone, no database load
    for _ in range(3):
        with pytest.raises(SchedulingError):  # beat still logs it
            scheduler.apply_async(ENTRY)
    send = TaskSend.objects.get()
    assert (send.task, send.key, send.kwargs) == (
        "outbox.tests.record",
        f"beat:{ENTRY.name}",
        {"a": 1},
    )


def test_the_kept_send_runs_when_the_sweep_finds_redis(refusing_redis, recorded):
    from outbox.sends import task_sends_sweep

    with pytest.raises(SchedulingError):
        CatchUpScheduler.__new__(CatchUpScheduler).apply_async(ENTRY)
    assert task_sends_sweep() == 1
    assert recorded == [((), {"a": 1})]


def test_beat_uses_the_catching_up_scheduler(settings):
    from samverkan.celery import app

    assert app.conf.beat_scheduler == "outbox.beat:CatchUpScheduler"
