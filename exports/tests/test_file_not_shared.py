"""A worker on another machine wrote the file into an export directory the web process does not
share: the job is a failed export with a reason, never one that is ready (docs/OPERATIONS.md)."""

import pytest
from django.urls import reverse

from exports.models import ExportJob
from exports.services import jobs

from .test_views import order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def test_a_finished_job_whose_file_is_not_here_fails_with_the_reason(
    population, coordinator, login, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    job = order(client, django_capture_on_commit_callbacks, area="sdt")
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE

    # when the file is not where this web process reads (as on another machine)
    jobs.export_job_path(job).unlink()
    status = client.get(reverse("exports:job_status", args=[job.pk])).json()

    # then the export has failed, says why, and offers no link
    assert status["state"] == "failed" and status["download_url"] is None
    assert status["message"] == jobs.FILE_NOT_SHARED
    job.refresh_from_db()
    assert (job.state, job.error) == (ExportJob.State.FAILED, jobs.FILE_NOT_SHARED)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "exportkatalogen delas inte" in page
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_a_finished_job_whose_file_is_here_stays_ready(
    population, coordinator, login, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    job = order(client, django_capture_on_commit_callbacks, area="sdt")

    status = client.get(reverse("exports:job_status", args=[job.pk])).json()

    assert status["state"] == "done"
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
