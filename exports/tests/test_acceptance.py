"""Issue 6 point 4, acceptance check: "A machine client with a token exports a whole area's
participants as CSV and XLSX and gets exactly the rows the officer's list shows; an officer of
another area gets none of them."

The list is `/api/v1/cases/` read through all its pages with the same user's token; the exports
are `/api/v1/exports/participants/`, read back with a CSV parser and an XLSX reader written
against the file format (exports/tests/xlsx.py), not with the library that wrote them."""

import datetime as dt

import pytest

from audit.models import AccessLog
from cases.models import Case

from .conftest import crowd, csv_rows, ids, record_key, xlsx_rows
from .test_rows import follow_up_consent

pytestmark = pytest.mark.django_db

FORMATS = {
    "csv": csv_rows,
    "xlsx": xlsx_rows,
}


def listed_case_ids(client) -> set[int]:
    """Every case id of the user's case list, through all its pages."""
    found, url = set(), "/api/v1/cases/?page_size=500"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        found |= {case["id"] for case in page["results"]}
        url = page["next"]
    return found


def exported_case_ids(client, file_format, **params) -> set[int]:
    response = client.get("/api/v1/exports/participants/", {"format": file_format, **params})
    assert response.status_code == 200, response.content if not response.streaming else ""
    return ids(FORMATS[file_format](response))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_coordinators_token_exports_exactly_the_coordinators_list(
    population, coordinator, token_client, file_format
):
    # given the area's coordinator, whose list is the whole area
    client = token_client(coordinator)
    listed = listed_case_ids(client)
    assert listed == {case.pk for case in population["area"]}

    # when the coordinator's machine client exports the area
    exported = exported_case_ids(client, file_format, area="sdt")

    # then the rows are exactly the list's
    assert exported == listed


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_jobs_token_exports_the_coordinators_list_coarsened(
    population, coordinator, export_client, token_client, file_format
):
    # given the area's export job (role api_client: no case access, coarsened exports), and the
    # people of the coordinator's list each among four alike, some consenting to follow-up
    for case in population["area"][:3]:
        follow_up_consent(case.person)
    for case in population["area"]:
        crowd(case.person, start_date=case.start_date)
    listed = listed_case_ids(token_client(coordinator))
    client = token_client(export_client)

    # when it exports the whole area
    response = client.get("/api/v1/exports/participants/", {"format": file_format, "area": "sdt"})

    # then it gets every case of the coordinator's list, each under a key of this export only,
    # without names, personnummer or days; an anonymous participant's row (SPEC §3) keeps only
    # age band, sex and area, so it counts but has no key
    rows = FORMATS[file_format](response)
    today = dt.date.today()
    anonymous = {
        case.pk
        for case in Case.objects.filter(pk__in=listed).select_related("person")
        if case.person.is_anonymous_on(today)
    }
    named = {row["case_id"] for row in rows if row["case_id"] not in ("", None)}
    assert named == {record_key(response, "case", pk) for pk in listed - anonymous}
    assert len(rows) == len(listed)
    assert anonymous, "the population should hold anonymous participants too"
    for row in rows:
        if row["case_id"] in ("", None):
            assert row["start_date"] in ("", None) and row["person_key"] in ("", None)
            assert row["age_band"] not in ("", None)
        else:
            assert len(row["start_date"]) == len("2026-01")
    assert not {"personnummer", "first_name", "last_name", "birth_date", "birth_year"} & set(
        rows[0]
    )
    for case in population["area"]:
        assert case.person.personnummer.encode() not in b"".join(
            str(value).encode() for row in rows for value in row.values()
        )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_officers_token_exports_exactly_the_officers_list(
    population, fk_officer, token_client, file_format
):
    client = token_client(fk_officer)
    listed = listed_case_ids(client)
    # the officer's list is the team's caseload: not the colleague's cases, not the old one
    assert listed == {case.pk for case in population["caseload"]}

    assert exported_case_ids(client, file_format) == listed
    assert exported_case_ids(client, file_format, area="sdt") == listed


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_officer_of_another_area_gets_none_of_them(
    population, outsider, token_client, file_format
):
    client = token_client(outsider)

    # asking for the area is the same 404 as an unknown area, and is logged as a refusal
    response = client.get("/api/v1/exports/participants/", {"format": file_format, "area": "sdt"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert AccessLog.objects.filter(
        user=outsider, action=AccessLog.Action.DENIED, object_type="export", object_id="sdt"
    ).exists()

    # and their own export holds none of the area's cases
    own = exported_case_ids(client, file_format)
    assert own == {case.pk for case in population["other_area"]}
    assert not own & {case.pk for case in population["area"]}
