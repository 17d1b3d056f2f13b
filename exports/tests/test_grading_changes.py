"""A coarsened export's further files after the data changed (ADR 0021, amendment): the grading
of the first file holds for every later file of the export, so a row that no longer shows what
its person was graded on (a corrected value, a moved case, a new row, an age band turned, an
area the exporter gained) waits for the next export, and an export whose grading is gone cannot
be continued. Every shown combination stays one of at least five people, in each file and in
the files joined."""

import datetime as dt
from collections import defaultdict
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Consent
from cases.tests.factories import CaseFactory, PersonFactory
from exports.models import CoarsenedExport, ExportJob
from exports.pseudonyms import PersonKey
from mapping.tests.factories import JointMappingFactory

from .conftest import csv_rows

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 3, 1)
PERIOD = {"area": "sdt", "from": "2026-03-01", "to": "2026-03-31"}
EVERY_AREA = {"from": "2026-03-01", "to": "2026-03-31"}
QI = ["area_code", "sex", "age_band", "born_abroad", "disability", "education_level"]


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def someone(area, *, sex="K", born=dt.date(1980, 6, 1)):
    person = PersonFactory(
        area=area,
        sex=sex,
        birth_date=born,
        born_abroad=False,
        disability=False,
        education_level="gymnasial",
    )
    Consent.objects.create(person=person, given_on=dt.date(2025, 1, 1), covers_follow_up=True)
    return person


TENTH = MONTH.replace(day=10)


def with_case(person, start=TENTH):
    CaseFactory(
        person=person,
        area=person.area,
        referral_date=start - dt.timedelta(days=7),
        start_date=start,
    )
    return person


def mapped(person, area):
    return JointMappingFactory(
        person=person,
        area=area,
        requested_on=MONTH.replace(day=2),
        first_meeting_on=MONTH.replace(day=20),
    )


def five_alike(area):
    """Five women of 45 alike, each with a case in March: shown as they are."""
    return [with_case(someone(area, born=dt.date(1980, 6, i + 1))) for i in range(5)]


def values_of(row):
    return tuple(row.get(name) for name in [*QI, "anonymous", "generalised"])


def small_classes(files: dict[str, list[dict]]) -> list:
    """Every shown combination of fewer than 5 people, in each file and in the files joined."""
    problems = []
    for kind, rows in files.items():
        classes = defaultdict(set)
        for index, row in enumerate(rows):
            classes[values_of(row)].add(row.get("person_key") or f"row {index}")
        problems += [(kind, k, len(v)) for k, v in classes.items() if len(v) < 5]
    shown = defaultdict(set)
    for kind, rows in files.items():
        for row in rows:
            if row.get("person_key"):
                shown[row["person_key"]].add((kind, values_of(row)))
    joined = defaultdict(set)
    for key, signature in shown.items():
        joined[frozenset(signature)].add(key)
    return problems + [("joined", k, len(v)) for k, v in joined.items() if len(v) < 5]


def test_a_value_corrected_after_the_first_file_waits_for_the_next_export(
    area, token_client, analyst
):
    people = five_alike(area)
    client = token_client(analyst)
    first = client.get("/api/v1/exports/participants/", PERIOD)
    assert len(csv_rows(first)) == 5

    type(people[0]).objects.filter(pk=people[0].pk).update(education_level="eftergymnasial")
    again = client.get(
        "/api/v1/exports/participants/", {**PERIOD, "export_id": first["X-Export-Id"]}
    )

    rows = csv_rows(again)
    target = PersonKey(first["X-Export-Id"])(people[0].personnummer)
    # she no longer shows what she was graded on, and the four left are too few to show
    assert target not in {row["person_key"] for row in rows}
    assert rows == [] and not small_classes({"participants": rows})


def test_a_case_moved_or_a_new_row_after_the_first_file_is_not_shown(
    area, other_area, token_client, analyst
):
    people = five_alike(area)
    for i in range(5):
        with_case(someone(other_area, sex="M", born=dt.date(1970, 1, i + 1)))
    client = token_client(analyst)
    first = client.get("/api/v1/exports/participants/", EVERY_AREA)
    export_id = first["X-Export-Id"]

    Case.objects.filter(person=people[0]).update(area=other_area)
    mapped(people[1], other_area)
    participants = csv_rows(
        client.get("/api/v1/exports/participants/", {**EVERY_AREA, "export_id": export_id})
    )
    mappings = csv_rows(
        client.get("/api/v1/exports/mappings/", {**EVERY_AREA, "export_id": export_id})
    )

    # the woman whose case moved and the one mapped since are not shown, and the three women
    # left of their five are too few: only the five men of Umeå are
    assert {(row["area_code"], row["sex"]) for row in participants} == {("ume", "M")}
    assert len(participants) == 5 and mappings == []
    assert not small_classes({"participants": participants, "mappings": mappings})


def test_an_area_gained_between_two_files_adds_nobody(
    area, other_area, token_client, export_client
):
    people = five_alike(area)
    mapped(people[0], other_area)
    client = token_client(export_client)
    first = client.get("/api/v1/exports/participants/", EVERY_AREA)
    assert len(csv_rows(first)) == 5

    export_client.staff_profile.areas.add(other_area)
    response = client.get(
        "/api/v1/exports/mappings/", {**EVERY_AREA, "export_id": first["X-Export-Id"]}
    )

    assert response.status_code == 200 and csv_rows(response) == []


def test_an_age_band_turned_since_the_first_file_waits_for_the_next_export(
    area, token_client, analyst
):
    people = [someone(area, born=dt.date(2001, 3, 2)) for _ in range(5)]
    for person in people[:4]:
        with_case(person, start=MONTH)
    CaseFactory(person=people[4], phase=Case.Phase.REFERRED, referral_date=None, start_date=None)
    client = token_client(analyst)
    local_day = "exports.services.run.timezone.localdate"
    with mock.patch(local_day, return_value=dt.date(2026, 3, 1)):
        first = client.get("/api/v1/exports/participants/", {"area": "sdt"})
    with mock.patch(local_day, return_value=dt.date(2026, 3, 2)):
        again = client.get(
            "/api/v1/exports/participants/", {"area": "sdt", "export_id": first["X-Export-Id"]}
        )

    assert {row["age_band"] for row in csv_rows(first)} == {"18_24"}
    rows = csv_rows(again)
    # the fifth turned 25 overnight: four are too few, none is shown
    assert rows == []


def test_a_browser_file_ordered_before_the_grading_expired_fails_instead_of_grading_again(
    area, analyst, login, django_capture_on_commit_callbacks
):
    from exports.services.jobs import export_files_purge, export_job_run

    five_alike(area)
    client = login(analyst)
    form = {
        "file_format": "csv_semicolon",
        "area": "sdt",
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start"), {**form, "kind": "participants"})
    first = ExportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=False):  # queued; the worker is busy
        client.post(
            reverse("exports:start"), {**form, "kind": "mappings", "same_export_as": first.pk}
        )
    second = ExportJob.objects.exclude(pk=first.pk).get()

    CoarsenedExport.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    export_job_run(job_id=second.pk)  # before the hourly purge: too old
    second.refresh_from_db()
    assert second.state == ExportJob.State.FAILED and "24 timmarna" in second.error

    export_files_purge()
    ExportJob.objects.filter(pk=second.pk).update(state=ExportJob.State.QUEUED)
    export_job_run(job_id=second.pk)  # after it: gone, and not made anew under the same keys
    second.refresh_from_db()
    assert second.state == ExportJob.State.FAILED
    assert not CoarsenedExport.objects.exists()
