"""Starting an export or an import while Redis is away answers at once, with the job waiting
and its send kept (ADR 0027; the fault the users met: 19 s, then 500, the job waiting for ever).
Redis back, the sweep sends it and the job runs."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exports.models import ExportJob
from imports.models import ImportJob
from imports.tests.conftest import PERSONS
from outbox.models import TaskSend
from outbox.sends import task_sends_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def job_dirs(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.IMPORT_DIR = tmp_path / "imports"


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_an_export_ordered_while_redis_is_away_answers_at_once_and_runs_later(
    redis_away, broker, coordinator, login, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    assert client.get(reverse("exports:start")).status_code == 200  # the page, as a user has it
    data = {"kind": "participants", "file_format": "csv_semicolon", "headers": "codes"}

    # when the export is ordered with nothing answering at the broker's address
    with django_capture_on_commit_callbacks(execute=True):
        response, seconds = timed(lambda: client.post(reverse("exports:start"), data))

    # then the page answers at once, on to the job's page, and the job waits with its send
    assert response.status_code == 302 and seconds < 1, seconds
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.QUEUED
    send = TaskSend.objects.get()
    assert send.sent_at is None and send.args == [job.pk]
    assert client.get(response["Location"]).status_code == 200

    # and when Redis is back (here: the tasks run eagerly again), the sweep runs the job
    from samverkan.celery import app

    app.conf.task_always_eager = True
    assert task_sends_sweep() == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE


def test_an_import_uploaded_while_redis_is_away_answers_at_once_and_waits(
    redis_away, coordinator, area, login, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    assert client.get(reverse("imports:upload")).status_code == 200
    upload = SimpleUploadedFile("fil.csv", PERSONS, "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response, seconds = timed(
            lambda: client.post(reverse("imports:upload"), {"kind": "persons", "file": upload})
        )
    assert response.status_code == 302 and seconds < 1, seconds
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.QUEUED
    assert TaskSend.objects.get(sent_at__isnull=True).args == [job.pk]
