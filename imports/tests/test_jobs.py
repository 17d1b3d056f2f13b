"""Imports as jobs (SPEC §6, §7): the page's upload runs in a Celery task with its progress on
the job page; a big file is checked and written batch by batch yet all or nothing; the saved
upload is private (0600 in a 0700 directory), only its owner sees the job, and the file is gone
when the job ends."""

import datetime as dt
import os
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import StatusEntry
from imports import base
from imports.jobs import FILE_LIFETIME, import_files_purge, import_job_path, import_job_run
from imports.models import ImportJob
from imports.results import RowErrorList
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import PERSONS, csv_file, table_counts
from .test_queries import register, status_file

pytestmark = pytest.mark.django_db
URL = reverse("imports:upload")


def post(client, kind, data: bytes, **extra):
    return client.post(
        URL, {"kind": kind, "file": SimpleUploadedFile("fil.csv", data, "text/csv"), **extra}
    )


def test_the_upload_leads_to_the_job_page_with_its_progress_then_the_counts(
    login, coordinator, area, django_capture_on_commit_callbacks
):
    client = login(coordinator)

    # when the coordinator uploads a file (the worker has not run it yet)
    with django_capture_on_commit_callbacks() as waiting:
        response = post(client, "persons", PERSONS)

    # then the browser goes to the job page, which shows a progress bar and polls
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-progress"' in page
    assert "js/job-progress.js" in page
    assert "Importen väntar på att starta." in page
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert (status["state"], status["finished"]) == ("queued", False)

    # when the worker runs it
    for callback in waiting:
        callback()

    # then the status says so and the page shows the counts, without the poller
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert (status["state"], status["finished"], status["percent"]) == ("done", True, 100)
    assert status["rows_checked"] == status["rows_written"] == 3
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-created">3<' in page
    assert "job-progress.js" not in page
    # the access log names the coordinator and the page the file came from
    summary = AccessLog.objects.get(object_type="import")
    assert (summary.user, summary.path) == (coordinator, URL)
    # and the upload page lists the job
    assert reverse("imports:job", args=[job.pk]) in client.get(URL).content.decode()


def test_another_user_gets_404_for_the_job_page_and_its_status(
    login, coordinator, other_coordinator, area, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(login(coordinator), "persons", PERSONS)
    job = ImportJob.objects.get()
    other = login(other_coordinator)

    assert other.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("imports:job_status", args=[job.pk])).status_code == 404
    assert other.get(f"/api/v1/imports/jobs/{job.pk}/").status_code == 404
    assert reverse("imports:job", args=[job.pk]) not in other.get(URL).content.decode()
    assert (
        AccessLog.objects.filter(
            user=other_coordinator, action=AccessLog.Action.DENIED, object_type="import"
        ).count()
        == 3
    )


def test_the_upload_is_saved_0600_in_a_0700_directory_whatever_the_umask(
    login, coordinator, area, import_dir, django_capture_on_commit_callbacks
):
    previous = os.umask(0)
    try:
        with django_capture_on_commit_callbacks():
            post(login(coordinator), "persons", PERSONS)
    finally:
        os.umask(previous)

    path = import_job_path(ImportJob.objects.get())
    assert path.parent == import_dir
    assert stat.S_IMODE(os.stat(import_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes() == PERSONS


@pytest.mark.parametrize(
    ("data", "state"),
    [
        (PERSONS, "done"),
        (csv_file("persons", "x;;;;;"), "rejected"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "rejected"),
    ],
    ids=["imported", "rejected rows", "unreadable"],
)
def test_the_file_is_removed_when_the_job_ends(
    login, coordinator, area, import_dir, data, state, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as waiting:
        post(login(coordinator), "persons", data)
    job = ImportJob.objects.get()
    assert import_job_path(job).exists()

    for callback in waiting:
        callback()

    job.refresh_from_db()
    assert job.state == state
    assert list(import_dir.iterdir()) == []


def test_a_failed_run_removes_the_file_too(
    login, coordinator, area, import_dir, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("imports.jobs.import_file", broken)
    with django_capture_on_commit_callbacks(execute=True):
        post(login(coordinator), "persons", PERSONS)

    job = ImportJob.objects.get()
    assert job.state == "failed"
    assert job.error.startswith("Importen misslyckades. Inget är sparat.")
    assert list(import_dir.iterdir()) == []


def test_uploads_left_waiting_fail_and_go_after_their_lifetime(
    login, coordinator, area, import_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # the worker never runs it
        post(login(coordinator), "persons", PERSONS)
    job = ImportJob.objects.get()
    stray = import_dir / "stray.upload"
    stray.write_bytes(b"x")

    assert import_files_purge(now=timezone.now() + FILE_LIFETIME / 2) == 0
    assert import_job_path(job).exists()

    later = timezone.now() + FILE_LIFETIME + dt.timedelta(minutes=1)
    assert import_files_purge(now=later) == 2
    job.refresh_from_db()
    assert job.state == "failed"
    assert "Ladda upp den igen" in job.error
    assert list(import_dir.iterdir()) == []


def test_a_bad_row_at_the_end_of_a_big_file_writes_nothing(area, coordinator, monkeypatch):
    # given batches of 100 rows and 1 000 good rows, then one bad one
    monkeypatch.setattr(base, "BATCH_ROWS", 100)
    people = register(area, 200)
    data = status_file(people, 5) + f"{people[0]};2021-13-01;other\n".encode()
    before = table_counts()
    written = []

    # when it is imported
    with pytest.raises(base.ImportRejected) as rejected:
        import_file(
            kind="status",
            data=data,
            context=AccessContext.for_user(coordinator),
            progress=lambda checked, total, done: written.append(done),
        )

    # then the batches written before the bad row are taken back with it
    assert max(written) == 1000
    assert [row.line for row in rejected.value.rows] == [1002]
    assert rejected.value.rejected_count == 1
    assert table_counts() == before
    assert not StatusEntry.objects.exists()


def test_a_big_file_imported_again_creates_nothing(area, coordinator, monkeypatch):
    monkeypatch.setattr(base, "BATCH_ROWS", 100)
    people = register(area, 200)
    data = status_file(people, 5)
    context = AccessContext.for_user(coordinator)

    first = import_file(kind="status", data=data, context=context)
    again = import_file(kind="status", data=data, context=context)

    assert (first.rows, first.created, first.existing) == (1000, 1000, 0)
    assert (again.rows, again.created, again.existing) == (1000, 0, 1000)
    assert StatusEntry.objects.count() == 1000


def test_repeats_across_batches_are_found(area, coordinator, monkeypatch):
    # given batches of 100 rows, a bad row at line 2 (so nothing is written), and at lines 503
    # and 504 a copy of line 3 and a row with line 4's key but another code
    monkeypatch.setattr(base, "BATCH_ROWS", 100)
    people = register(area, 100)
    header, *lines = status_file(people, 5).decode().splitlines()
    person, day, code = lines[1].split(";")
    other = "education" if code != "education" else "other"
    data = "\n".join(
        [header, "x;2021-03-01;other", *lines[:500], lines[0], f"{person};{day};{other}"]
    )

    with pytest.raises(base.ImportRejected) as rejected:
        import_file(kind="status", data=data.encode(), context=AccessContext.for_user(coordinator))

    messages = {row.line: row.message for row in rejected.value.rows}
    assert set(messages) == {2, 503, 504}
    assert messages[503] == "Raden är en dubblett av rad 3."
    assert messages[504] == "Samma personnummer och datum som rad 4."
    assert rejected.value.rejected_count == 3


def test_a_repeat_of_a_row_written_by_an_earlier_batch_rejects_the_file(
    area, coordinator, monkeypatch
):
    monkeypatch.setattr(base, "BATCH_ROWS", 100)
    people = register(area, 100)
    header, *lines = status_file(people, 5).decode().splitlines()
    data = "\n".join([header, *lines, lines[0]])

    with pytest.raises(base.ImportRejected) as rejected:
        import_file(kind="status", data=data.encode(), context=AccessContext.for_user(coordinator))

    assert [(row.line, row.message) for row in rejected.value.rows] == [
        (502, "Raden är en dubblett av rad 2.")
    ]
    assert not StatusEntry.objects.exists()


def test_rejected_rows_are_all_counted_but_only_the_first_kept():
    errors = RowErrorList(keep=3)
    for line in [9, 2, 7, 5, 11]:
        errors.add(line, [("date", "fel")])
    errors.add(2, [("", "dubblett")], new=False)

    assert errors.count == 5
    assert [(row.line, len(row.problems)) for row in errors.rows()] == [(2, 2), (5, 1), (7, 1)]


@pytest.mark.django_db(transaction=True)
def test_the_progress_is_seen_while_the_import_runs(
    area, coordinator, monkeypatch, import_dir, django_capture_on_commit_callbacks
):
    # given batches of 100 rows and an uploaded file of 500
    monkeypatch.setattr(base, "BATCH_ROWS", 100)
    people = register(area, 100)
    job = ImportJob.objects.create(user=coordinator, kind="status", file_name="s.csv")
    import_job_path(job).write_bytes(status_file(people, 5))
    seen = []
    report = base.Importer._report

    def watched(self, checked, total, written):
        report(self, checked, total, written)
        # what another process (the polling page) reads while the import's transaction is open
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT rows_checked, rows_total FROM imports_importjob WHERE id = %s", [job.pk]
            )
            seen.append(cursor.fetchone())
        other.close()

    monkeypatch.setattr(base.Importer, "_report", watched)

    # when the task runs it
    import_job_run(job_id=job.pk)

    # then every batch's progress was visible outside the import's transaction
    assert seen == [(100 * n, 500) for n in range(1, 6)]
    job.refresh_from_db()
    assert (job.state, job.rows_checked, job.rows_written) == ("done", 500, 500)
