"""The outbox (ADR 0027): a send is written with the job, in its transaction; Redis away costs
the request under a second and the send waits; the sweep and a starting worker send it."""

from __future__ import annotations

import json
import time

import pytest
from django.db import transaction

from outbox.models import TaskSend
from outbox.sends import task_queue, task_sends_sweep
from outbox.signals import task_sends_flush_on_start

pytestmark = pytest.mark.django_db


def test_a_rolled_back_transaction_leaves_no_send(recorded, django_capture_on_commit_callbacks):
    # given a send queued in a transaction that then fails
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            task_queue("outbox.tests.record", 1, key="x:1")
            raise RuntimeError
    # then nothing is left to send and nothing ran
    assert not TaskSend.objects.exists()
    assert recorded == []


def test_a_committed_send_runs_and_is_marked_sent(recorded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send = task_queue("outbox.tests.record", 7, key="x:7", month="2026-11")
    send.refresh_from_db()
    assert recorded == [((7,), {"month": "2026-11"})]
    assert send.sent_at is not None and send.attempts == 1


def test_redis_away_costs_the_commit_under_a_second_and_the_send_waits(
    redis_away, django_capture_on_commit_callbacks
):
    # when a send is committed while nothing answers at the broker's address
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        send = task_queue("outbox.tests.record", 1, key="x:1")
    seconds = time.monotonic() - started

    # then the commit went through at once, and the send waits with the reason noted
    assert seconds < 1, seconds
    send.refresh_from_db()
    assert send.sent_at is None and send.attempts == 1
    assert "connecting" in send.last_error or "refused" in send.last_error.lower()


def test_the_sweep_sends_what_waited_once_redis_is_back(
    broker, own_redis, django_capture_on_commit_callbacks
):
    # given two sends made while Redis was away
    broker("redis://127.0.0.1:1/0")
    with django_capture_on_commit_callbacks(execute=True):
        first = task_queue("outbox.tests.record", 1, key="x:1")
        second = task_queue("outbox.tests.record", 2, key="x:2")
    assert TaskSend.objects.filter(sent_at__isnull=True).count() == 2

    # when Redis answers again and the sweep runs
    broker(own_redis.url)
    assert task_sends_sweep() == 2

    # then both messages are in the queue, oldest first, with the ids the table gave them
    messages = [json.loads(raw) for raw in reversed(own_redis.lrange("celery", 0, -1))]
    assert [m["headers"]["id"] for m in messages] == [str(first.task_id), str(second.task_id)]
    assert [m["headers"]["task"] for m in messages] == ["outbox.tests.record"] * 2
    assert not TaskSend.objects.filter(sent_at__isnull=True).exists()


def test_a_request_whose_send_succeeds_sends_what_waited_too(
    broker, own_redis, django_capture_on_commit_callbacks
):
    broker("redis://127.0.0.1:1/0")
    with django_capture_on_commit_callbacks(execute=True):
        task_queue("outbox.tests.record", 1, key="x:1")
    broker(own_redis.url)
    with django_capture_on_commit_callbacks(execute=True):
        task_queue("outbox.tests.record", 2, key="x:2")
    assert own_redis.llen("celery") == 2
    assert not TaskSend.objects.filter(sent_at__isnull=True).exists()


def test_a_starting_worker_sends_what_waited(recorded):
    TaskSend.objects.create(task="outbox.tests.record", args=[3], key="x:3")
    task_sends_flush_on_start()
    assert recorded == [((3,), {})]
    assert TaskSend.objects.get().sent_at is not None
