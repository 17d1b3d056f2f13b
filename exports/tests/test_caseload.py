"""Exports stay within what the lists show (SPEC §7): every export kind of a user with case
access holds the people of their own lists (cases.selectors, the one caseload definition), through
the API and the export page alike. People outside the caseload come only with a stated reason,
and each such row is logged as outside the caseload, where the log review's list of unusual
access finds it."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AccessLog
from audit.selectors import unusual_access
from cases.models import Case, Person
from cases.tests.factories import CaseFactory, PersonFactory
from exports.models import ExportJob
from mapping.models import Intervention, JointMapping
from mapping.tests.factories import InterventionFactory, JointMappingFactory

from .conftest import csv_rows

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
REASON = "Uppföljning av handläggningen på uppdrag av chefen"
KINDS = ["participants", "interventions", "mappings"]


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def world(population, area, other_area, fk_officer, af_officer, colleague, outsider):
    """The population's cases, with interventions and joint mappings of every kind of relation
    to the officer: on the caseload, the team's open mapping of someone without a case, a
    mapping the team ended (its person is no longer theirs), a colleague's, another area's."""
    for case in [*population["area"], *population["other_area"]]:
        InterventionFactory(case=case, start_date=TODAY - dt.timedelta(days=10))
    caseload_person = population["caseload"][0].person
    JointMappingFactory(person=caseload_person, fk_officer=fk_officer)
    # an old mapping of a caseload person, held by a colleague: the person is on the list
    JointMappingFactory(
        person=caseload_person, af_officer=colleague, ended_on=TODAY, decision="no_action"
    )
    JointMappingFactory(person=PersonFactory(area=area), af_officer=af_officer)
    JointMappingFactory(
        person=population["old"].person,
        fk_officer=fk_officer,
        ended_on=TODAY - dt.timedelta(days=50),
        decision="no_action",
    )
    JointMappingFactory(person=population["colleagues"][0].person, af_officer=colleague)
    JointMappingFactory(person=population["other_area"][0].person, fk_officer=outsider)
    return population


def listed(client, resource: str) -> set[int]:
    """The ids of one of the user's API lists, through all its pages."""
    found, url = set(), f"/api/v1/{resource}/?page_size=500"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        found |= {item["id"] for item in page["results"]}
        url = page["next"]
    return found


def personnummer_of(person_ids) -> set[str]:
    return set(Person.objects.filter(pk__in=person_ids).values_list("personnummer", flat=True))


def exported(client, kind: str, **headers) -> list[dict]:
    response = client.get(f"/api/v1/exports/{kind}/", **headers)
    assert response.status_code == 200
    return csv_rows(response)


def browser_export(client, capture, kind: str, **fields) -> list[dict]:
    with capture(execute=True):
        response = client.post(
            reverse("exports:start"),
            # code names in the header row: the test reads the file by them
            {"kind": kind, "file_format": "csv_semicolon", "headers": "codes", **fields},
        )
    assert response.status_code == 302, response.content.decode()
    job = ExportJob.objects.latest("pk")
    assert job.state == ExportJob.State.DONE, job.error
    return csv_rows(client.get(reverse("exports:download", args=[job.pk])))


# --- what the lists show ------------------------------------------------------------------------


def test_the_officers_mappings_export_holds_exactly_the_people_of_the_mappings_list(
    world, fk_officer, token_client, login, django_capture_on_commit_callbacks
):
    client = token_client(fk_officer)
    mappings = listed(client, "mappings")
    people = set(JointMapping.objects.filter(pk__in=mappings).values_list("person_id", flat=True))
    # the list is not everyone's: a colleague's and another area's mappings stay out
    assert 0 < len(mappings) < JointMapping.objects.count()

    api_rows = exported(client, "mappings")
    page_rows = browser_export(login(fk_officer), django_capture_on_commit_callbacks, "mappings")

    for rows in (api_rows, page_rows):
        assert {int(row["mapping_id"]) for row in rows} == mappings
        assert {row["personnummer"] for row in rows} == personnummer_of(people)


@pytest.mark.parametrize("who", ["fk_officer", "coordinator"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_export_kind_holds_only_the_people_of_the_users_lists(
    request, world, token_client, login, django_capture_on_commit_callbacks, who, kind
):
    user = request.getfixturevalue(who)
    client = token_client(user)
    people = personnummer_of(listed(client, "persons"))
    cases = listed(client, "cases")
    expected = {
        "participants": ("case_id", cases),
        "interventions": (
            "intervention_id",
            set(Intervention.objects.filter(case__in=cases).values_list("pk", flat=True)),
        ),
        "mappings": ("mapping_id", listed(client, "mappings")),
    }
    column, ids = expected[kind]
    assert ids, "the user's list should not be empty"
    if kind == "interventions":
        assert ids <= listed(client, "interventions")

    api_rows = exported(client, kind)
    page_rows = browser_export(login(user), django_capture_on_commit_callbacks, kind)

    for rows in (api_rows, page_rows):
        assert {int(row[column]) for row in rows} == ids
        assert {row["personnummer"] for row in rows} <= people
    # nobody on them was outside the caseload
    assert not AccessLog.objects.filter(user=user, outside_caseload=True).exists()


def test_a_person_whose_case_lies_in_the_area_but_who_moved_away_is_not_exported(
    area, other_area, fk_officer, token_client
):
    # the case is still filed under Södertörn, the person now lives in Umeå: the person list
    # does not show them, so no export does either
    moved = CaseFactory(person=PersonFactory(area=other_area), area=area, fk_officer=fk_officer)
    client = token_client(fk_officer)

    assert moved.person_id not in listed(client, "persons")
    assert moved.person.personnummer not in {
        row["personnummer"] for row in exported(client, "participants")
    }


# --- outside the caseload: only with a stated reason, and logged as such -------------------------


def test_people_outside_the_caseload_come_only_with_a_reason_each_logged_outside(
    world, area, fk_officer, token_client
):
    client = token_client(fk_officer)
    own = {case.person.personnummer for case in world["caseload"]}
    outside_people = {case.person.personnummer for case in [world["old"], *world["colleagues"]]}

    # without a reason: only the caseload
    plain = {row["personnummer"] for row in exported(client, "participants")}
    assert plain == own

    # with a reason: the rest of the officer's area too, never another area's
    with_reason = exported(client, "participants", HTTP_X_ACCESS_REASON=REASON)
    assert {row["personnummer"] for row in with_reason} == own | outside_people

    # each row of a person outside the caseload is logged as outside, with the reason
    rows_logged = AccessLog.objects.filter(
        user=fk_officer, action=AccessLog.Action.EXPORT, object_type="case"
    )
    outside = rows_logged.filter(outside_caseload=True)
    assert personnummer_of(outside.values_list("person_id", flat=True)) == outside_people
    assert outside.count() == len(outside_people)
    assert all(REASON in entry.purpose for entry in outside)
    assert not rows_logged.filter(
        outside_caseload=True, person_id__in=[c.person_id for c in world["caseload"]]
    ).exists()
    # and the export itself carries the reason
    assert AccessLog.objects.filter(
        user=fk_officer, object_type="export", purpose__contains=REASON
    ).exists()

    # the log review's list of unusual access counts them
    unusual = list(
        unusual_access(
            area_ids=[area.pk], start=TODAY, end=TODAY + dt.timedelta(days=1), threshold=3
        )
    )
    assert [(row["username"], row["persons"]) for row in unusual] == [
        (fk_officer.username, len(outside_people))
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_logs_its_rows_outside_the_caseload(world, fk_officer, token_client, kind):
    rows = exported(token_client(fk_officer), kind, HTTP_X_ACCESS_REASON=REASON)

    logged = AccessLog.objects.filter(user=fk_officer, action=AccessLog.Action.EXPORT).exclude(
        object_type="export"
    )
    assert logged.count() == len(rows)
    outside_ids = set(
        logged.filter(outside_caseload=True).values_list("person_id", flat=True).distinct()
    )
    assert outside_ids, "the area holds people outside the officer's caseload"
    on_list = set(
        Person.objects.filter(
            pk__in=Case.objects.filter(pk__in=[c.pk for c in world["caseload"]]).values("person_id")
        ).values_list("pk", flat=True)
    )
    assert not outside_ids & on_list


def test_a_short_reason_is_refused_and_nothing_is_exported(world, fk_officer, token_client):
    response = token_client(fk_officer).get(
        "/api/v1/exports/participants/", HTTP_X_ACCESS_REASON="för att"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["X-Access-Reason"]
    assert not AccessLog.objects.filter(user=fk_officer, action=AccessLog.Action.EXPORT).exists()


def test_an_invisible_reason_is_no_reason(world, fk_officer, token_client):
    """Zero-width characters pass a length check but show nothing in the log review."""
    own = {case.person.personnummer for case in world["caseload"]}
    client = token_client(fk_officer)

    rows = exported(client, "participants", HTTP_X_ACCESS_REASON="\u200b" * 12)
    padded = client.get(
        "/api/v1/exports/participants/", HTTP_X_ACCESS_REASON="\u200bx\u200b \u2060" * 4
    )

    assert {row["personnummer"] for row in rows} == own
    assert padded.status_code == 400 and list(padded.json()) == ["X-Access-Reason"]
    assert not AccessLog.objects.filter(user=fk_officer, outside_caseload=True).exists()


def test_the_export_page_takes_a_reason_and_logs_the_rows_outside(
    world, fk_officer, login, django_capture_on_commit_callbacks
):
    client = login(fk_officer)
    page = client.get(reverse("exports:start")).content.decode()
    assert '<label for="id_reason">' in page

    rows = browser_export(client, django_capture_on_commit_callbacks, "participants", reason=REASON)

    outside_people = {case.person.personnummer for case in [world["old"], *world["colleagues"]]}
    assert outside_people <= {row["personnummer"] for row in rows}
    outside = AccessLog.objects.filter(user=fk_officer, object_type="case", outside_caseload=True)
    assert personnummer_of(outside.values_list("person_id", flat=True)) == outside_people

    # a reason too short is a form error, and nothing is ordered
    jobs = ExportJob.objects.count()
    response = client.post(
        reverse("exports:start"),
        {"kind": "participants", "file_format": "csv_semicolon", "reason": "kort"},
    )
    assert response.status_code == 200 and ExportJob.objects.count() == jobs
    assert "minst 10 tecken" in response.content.decode()


def test_a_coordinator_has_no_outside_and_no_reason_field(world, coordinator, login, token_client):
    assert 'name="reason"' not in login(coordinator).get(reverse("exports:start")).content.decode()
    exported(token_client(coordinator), "participants", HTTP_X_ACCESS_REASON=REASON)
    assert not AccessLog.objects.filter(user=coordinator, outside_caseload=True).exists()
