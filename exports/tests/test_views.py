"""The export page: order an export, a Celery task writes the file (eagerly in the tests), the
job page follows its progress through a JSON status view and a static script, the owner
downloads the file; other users' jobs are 404; files go after 24 hours."""

import datetime as dt
import os
import re
import stat

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AccessLog
from cases.models import Case
from exports import services
from exports.models import ExportJob
from exports.pseudonyms import PersonKey
from exports.services import jobs, run
from exports.tasks import export_files_purge, export_job_run
from samverkan.services import AccessContext

from .conftest import body, crowd, csv_rows, ids, quasi_identifier_classes, xlsx_rows
from .test_rows import follow_up_consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def order(client, capture, **fields):
    # code names in the header row, as the tests read the files by them
    data = {"kind": "participants", "file_format": "csv_semicolon", "headers": "codes", **fields}
    with capture(execute=True):
        response = client.post(reverse("exports:start"), data)
    assert response.status_code == 302, response.content.decode()
    return ExportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_the_page_offers_the_kinds_areas_and_formats(coordinator, login):
    response = login(coordinator).get(reverse("exports:start"))

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Deltagare", "Insatser", "Södertörn", "CSV, semikolon", "Excel (XLSX)", "JSON"):
        assert text in page
    assert "med namn och personnummer" in page
    assert '<label for="id_area">' in page and '<label for="id_date_from">' in page


def test_the_page_tells_a_role_without_case_access_what_it_gets(analyst, login):
    page = login(analyst).get(reverse("exports:start")).content.decode()
    assert "inga personuppgifter på radnivå" in page
    assert 'name="reason"' not in page


@pytest.mark.parametrize("who", ["management"])
def test_roles_that_may_not_export_get_403(request, login, who):
    user = request.getfixturevalue(who)
    assert login(user).get(reverse("exports:start")).status_code == 403
    assert AccessLog.objects.filter(user=user, action=AccessLog.Action.DENIED).exists()


def test_the_whole_flow_order_progress_download(
    population, coordinator, login, django_capture_on_commit_callbacks
):
    client = login(coordinator)

    # when the coordinator orders the area's participants as CSV
    job = order(client, django_capture_on_commit_callbacks, area="sdt")

    # then the task (run eagerly once the order is committed) has written the file
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert job.rows_total == job.rows_done == len(population["area"])
    assert job.file_name.startswith("samverkan-participants-sdt-")

    # and the job page shows the progress bar, the live status and the link
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert '<progress id="export-progress" max="100" value="100"' in page
    assert 'aria-live="polite"' in page
    assert reverse("exports:job_status", args=[job.pk]) in page
    assert re.search(r'<script src="/static/js/job-progress\.js" defer>', page)
    assert "<script>" not in page  # no inline script (CSP)

    # the status as JSON, for the page's script
    status = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert status["state"] == "done" and status["finished"] is True
    assert status["percent"] == 100
    assert status["download_url"] == reverse("exports:download", args=[job.pk])

    # and the download is the export, logged
    response = client.get(status["download_url"])
    assert response["Content-Disposition"].startswith("attachment;")
    assert ids(csv_rows(response)) == {case.pk for case in population["area"]}
    assert AccessLog.objects.filter(
        user=coordinator, action=AccessLog.Action.EXPORT, purpose__startswith="nedladdning"
    ).exists()
    # the task logged the export and each case, as the API does
    assert AccessLog.objects.filter(
        user=coordinator, action=AccessLog.Action.EXPORT, object_type="case"
    ).count() == len(population["area"])


def test_an_xlsx_job_for_the_national_analyst_is_coarsened(
    population, analyst, login, django_capture_on_commit_callbacks
):
    cases = population["area"] + population["other_area"]
    follow_up_consent(cases[0].person)
    for case in cases:
        crowd(case.person, start_date=case.start_date)
    client = login(analyst)
    job = order(client, django_capture_on_commit_callbacks, file_format="xlsx")

    rows = xlsx_rows(client.get(reverse("exports:download", args=[job.pk])))

    # every case of both areas, each among five alike, the anonymous participants' rows without
    # their keys (SPEC §3), and no day, birth year or id of Samverkan's
    today = dt.date.today()
    cases = list(Case.objects.select_related("person"))
    named = [case for case in cases if not case.person.is_anonymous_on(today)]
    assert named and len(named) < len(cases)
    assert len(rows) == len(cases)
    keys = {row["case_id"] for row in rows if row["case_id"] not in ("", None)}
    assert len(keys) == len(rows) - (len(cases) - len(named))
    assert {PersonKey(job.export_id)(f"case:{case.pk}") for case in named} <= keys
    assert "personnummer" not in rows[0] and "birth_year" not in rows[0]
    assert min(len(people) for people in quasi_identifier_classes(rows).values()) >= 5


def test_progress_is_saved_while_the_task_runs(
    population, coordinator, monkeypatch, django_capture_on_commit_callbacks, login
):
    seen = []
    monkeypatch.setattr(run, "PROGRESS_EVERY", 2)
    original = jobs._job_update

    def spy(job, **fields):
        if "rows_done" in fields and job.state == ExportJob.State.RUNNING:
            seen.append((fields["rows_done"], job.rows_total))
        original(job, **fields)

    monkeypatch.setattr(jobs, "_job_update", spy)

    order(login(coordinator), django_capture_on_commit_callbacks)

    total = len(population["area"])
    assert (2, total) in seen and (4, total) in seen


def test_the_status_while_queued_has_no_link(coordinator, login):
    job = ExportJob.objects.create(
        user=coordinator, export_id="a" * 32, kind="participants", file_format="csv_semicolon"
    )
    client = login(coordinator)

    status = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert status["finished"] is False and status["download_url"] is None
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert '<progress id="export-progress" max="100" aria-describedby' in page  # indeterminate
    assert 'id="export-download" hidden' in page


@pytest.mark.parametrize("view", ["exports:job", "exports:job_status", "exports:download"])
def test_another_users_job_is_404_and_logged(
    population,
    coordinator,
    other_coordinator,
    fk_officer,
    management,
    login,
    view,
    django_capture_on_commit_callbacks,
):
    job = order(login(coordinator), django_capture_on_commit_callbacks)

    # also for a role that may not export at all: it has no jobs, so it is 404 as for anyone
    for user in (other_coordinator, fk_officer, management):
        assert login(user).get(reverse(view, args=[job.pk])).status_code == 404
        assert AccessLog.objects.filter(
            user=user, action=AccessLog.Action.DENIED, object_type="export"
        ).exists()


def test_the_owner_who_lost_the_right_to_export_gets_403(
    case, coordinator, login, django_capture_on_commit_callbacks
):
    job = order(login(coordinator), django_capture_on_commit_callbacks)
    coordinator.staff_profile.role = Role.objects.get(code="management")
    coordinator.staff_profile.save()

    assert login(coordinator).get(reverse("exports:download", args=[job.pk])).status_code == 403


def test_the_form_refuses_a_period_that_ends_before_it_starts(coordinator, login):
    response = login(coordinator).post(
        reverse("exports:start"),
        {
            "kind": "participants",
            "file_format": "json",
            "date_from": "2025-05-02",
            "date_to": "2025-05-01",
        },
    )
    assert response.status_code == 200
    assert "Slutdatumet får inte ligga före startdatumet." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_form_offers_only_the_users_areas(coordinator, login, other_area):
    response = login(coordinator).post(
        reverse("exports:start"),
        {"kind": "participants", "file_format": "json", "area": "ume"},
    )
    assert response.status_code == 200
    assert not ExportJob.objects.exists()


def test_a_second_file_of_the_same_export_has_the_same_person_keys(
    case, person, analyst, login, django_capture_on_commit_callbacks
):
    from cases.services import consent_record
    from mapping.tests.factories import InterventionFactory

    consent_record(
        person=person,
        given_on=dt.date(2024, 1, 1),
        covers_sharing=False,
        covers_follow_up=True,
        context=AccessContext.system("test"),
    )
    InterventionFactory(case=case, start_date=dt.date.today())
    for other in crowd(person):
        InterventionFactory(case=other.cases.get(), start_date=dt.date.today())
    client = login(analyst)
    first = order(client, django_capture_on_commit_callbacks)
    second = order(
        client, django_capture_on_commit_callbacks, kind="interventions", same_export_as=first.pk
    )
    third = order(client, django_capture_on_commit_callbacks, kind="interventions")

    def key(job):
        # the person's row, found by the key this export gives their case
        case_key = PersonKey(job.export_id)(f"case:{case.pk}")
        rows = csv_rows(client.get(reverse("exports:download", args=[job.pk])))
        return {row["person_key"] for row in rows if row["case_id"] == case_key}

    assert second.export_id == first.export_id != third.export_id
    assert key(first) == key(second)
    assert len(key(first)) == 1 and not key(third) & key(first)


def test_a_second_file_with_another_period_is_refused_on_the_form(
    case, person, analyst, login, django_capture_on_commit_callbacks
):
    follow_up_consent(person)
    crowd(person)
    client = login(analyst)
    first = order(client, django_capture_on_commit_callbacks, area="sdt")

    response = client.post(
        reverse("exports:start"),
        {
            "kind": "interventions",
            "file_format": "csv_semicolon",
            "same_export_as": first.pk,
            "date_from": "2026-01-01",
        },
    )

    assert response.status_code == 200
    assert ExportJob.objects.count() == 1
    page = response.content.decode()
    assert "samma områden och period som exportens första fil" in page


def test_a_job_is_run_once_even_if_the_task_comes_twice(
    population, coordinator, login, django_capture_on_commit_callbacks
):
    job = order(login(coordinator), django_capture_on_commit_callbacks)
    finished = ExportJob.objects.get(pk=job.pk).finished_at
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count()

    assert export_job_run(job.pk) == "done"

    assert ExportJob.objects.get(pk=job.pk).finished_at == finished
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == logged


def test_a_job_fails_when_the_user_lost_the_area_before_it_ran(coordinator, area, login):
    job = ExportJob.objects.create(
        user=coordinator,
        export_id="b" * 32,
        kind="participants",
        file_format="csv_semicolon",
        area_codes="sdt",
    )
    coordinator.staff_profile.areas.clear()

    export_job_run(job.pk)

    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    assert "behörighet" in job.error
    assert not services.export_job_path(job).exists()


def test_files_are_removed_after_24_hours(
    case, coordinator, login, export_dir, django_capture_on_commit_callbacks
):
    job = order(login(coordinator), django_capture_on_commit_callbacks)
    path = services.export_job_path(job)
    assert path.exists()

    # a day later the hourly beat task finds nothing old yet …
    assert export_files_purge() == 0
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    stray = export_dir / "old.csv.part"
    stray.write_text("x")
    import os

    old = (timezone.now() - dt.timedelta(hours=30)).timestamp()
    os.utime(stray, (old, old))

    # … then the file and the stray part go
    assert export_files_purge() == 2
    assert not path.exists() and not stray.exists()
    job.refresh_from_db()
    assert job.state == ExportJob.State.EXPIRED
    assert login(coordinator).get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_the_beat_schedule_runs_the_purge_every_hour(db):
    from django_celery_beat.models import PeriodicTask

    entry = PeriodicTask.objects.get(task="exports.tasks.export_files_purge")
    assert entry.enabled and entry.crontab.minute == "15" and entry.crontab.hour == "*"


def test_the_progress_script_is_served_and_only_polls_the_status(client, db):
    from django.contrib.staticfiles import finders

    path = finders.find("js/job-progress.js")
    script = open(path, encoding="utf-8").read()
    assert "dataset.statusUrl" in script and "fetch(" in script
    assert "innerHTML" not in script and "eval(" not in script
    assert body(client.get("/static/js/job-progress.js")).startswith(b"//")


@pytest.mark.parametrize("file_format", ["csv_semicolon", "xlsx", "json"])
def test_export_files_are_0600_in_a_0700_directory(
    population, coordinator, login, django_capture_on_commit_callbacks, export_dir, file_format
):
    # given a directory left open by someone and the most permissive umask: the modes must not
    # depend on either
    export_dir.mkdir(mode=0o755)
    os.chmod(export_dir, 0o755)
    previous = os.umask(0)
    try:
        job = order(login(coordinator), django_capture_on_commit_callbacks, file_format=file_format)
    finally:
        os.umask(previous)

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert stat.S_IMODE(os.stat(export_dir).st_mode) == 0o700
    files = list(export_dir.iterdir())
    assert files == [services.export_job_path(job)]
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600


def test_a_browser_file_has_swedish_headers_by_default_and_code_names_on_request(
    case, coordinator, login, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    people = order(client, django_capture_on_commit_callbacks, headers="", file_format="xlsx")
    machines = order(client, django_capture_on_commit_callbacks, headers="codes")

    workbook = xlsx_rows(client.get(reverse("exports:download", args=[people.pk])))
    assert list(workbook[0])[:4] == ["Ärende", "Personnyckel", "Personnummer", "Förnamn"]
    assert "case_id" not in workbook[0]
    coded = csv_rows(client.get(reverse("exports:download", args=[machines.pk])))
    assert list(coded[0])[:3] == ["case_id", "person_key", "personnummer"]


def test_the_api_keeps_the_code_names_unless_asked(case, coordinator, login):
    client = login(coordinator)
    default = csv_rows(client.get("/api/v1/exports/participants/"))
    labelled = csv_rows(client.get("/api/v1/exports/participants/", {"headers": "labels"}))
    refused = client.get("/api/v1/exports/participants/", {"headers": "svenska"})

    assert list(default[0])[0] == "case_id" and list(labelled[0])[0] == "Ärende"
    assert refused.status_code == 400 and list(refused.json()) == ["headers"]


def test_a_file_with_headers_in_words_has_its_coded_cells_in_words_too(case, coordinator, login):
    """An officer opening the file in a spreadsheet reads "Behovsanalys", not needs_analysis;
    the file with code names keeps the documented codes (docs/exports.md)."""
    client = login(coordinator)
    [coded] = csv_rows(client.get("/api/v1/exports/participants/"))
    [worded] = csv_rows(client.get("/api/v1/exports/participants/", {"headers": "labels"}))

    assert coded["phase"] == "needs_analysis" and worded["Fas"] == "Behovsanalys"
    assert coded["area_code"] == case.area.code and worded["Samverkansområde"] == case.area.name
    assert worded["Kön"] == case.person.get_sex_display()
    assert worded["Anonym"] == {"0": "Nej", "1": "Ja"}[coded["anonymous"]]
    assert worded["Målgrupp"] == (case.get_target_group_display() if case.target_group else "")
    # the other cells are the same values
    assert worded["Ärende"] == coded["case_id"] and worded["Personnummer"] == coded["personnummer"]
