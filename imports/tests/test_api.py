"""`POST /api/v1/imports/<kind>/` (SPEC §6): the same imports for machine clients, as jobs:
202 with the job's address, then `GET /api/v1/imports/jobs/<id>/` for its progress and outcome."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import AccessLog
from cases.models import Person, StatusEntry

from .conftest import ANNA, PERSONS, csv_file, table_counts

pytestmark = pytest.mark.django_db


def url(kind):
    return f"/api/v1/imports/{kind}/"


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """post(client, kind, data, **fields) -> the final job resource (the upload's 202 checked
    and its job run, as the worker runs it once the upload is committed), or the refusal."""

    def _post(client, kind, data: bytes, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url(kind), {"file": SimpleUploadedFile("fil.csv", data), **extra}
            )
        if response.status_code != 202:
            return response
        location = response["Location"]
        assert location.endswith(f"/api/v1/imports/jobs/{response.json()['id']}/")
        return client.get(location)

    return _post


def test_a_good_file_answers_202_and_its_job_gives_the_counts(
    login, coordinator, area, django_capture_on_commit_callbacks
):
    client = login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(url("persons"), {"file": SimpleUploadedFile("fil.csv", PERSONS)})

    assert accepted.status_code == 202
    assert accepted.json()["state"] == "queued"  # answered before the worker ran it
    job = client.get(accepted["Location"])
    assert job.status_code == 200
    body = job.json()
    assert body["state"] == "done"
    assert body["result"] == {"kind": "persons", "rows": 3, "created": 3, "existing": 0}
    assert body["rejection"] is None
    assert (body["rows_checked"], body["rows_total"], body["rows_written"]) == (3, 3, 3)
    assert Person.objects.filter(area=area).count() == 3


def test_importing_again_creates_nothing(login, coordinator, area, post):
    client = login(coordinator)
    post(client, "persons", PERSONS)

    again = post(client, "persons", PERSONS).json()

    assert again["result"] == {"kind": "persons", "rows": 3, "created": 0, "existing": 3}
    assert Person.objects.filter(area=area).count() == 3


def test_another_user_gets_404_for_the_job_and_it_is_logged(
    login, coordinator, other_coordinator, area, post
):
    job = post(login(coordinator), "persons", PERSONS).json()

    response = login(other_coordinator).get(job["url"])

    assert response.status_code == 404
    assert "Bara" not in response.content.decode()
    assert AccessLog.objects.filter(
        user=other_coordinator, action=AccessLog.Action.DENIED, object_id=str(job["id"])
    ).exists()


def test_a_broken_file_gives_a_rejected_job_with_the_rows(
    login, coordinator, imported_persons, post
):
    data = csv_file(
        "status",
        f"{ANNA};2021-03-01;other",
        "19800115-1239;2021-03-01;other",
        f"{ANNA};01-03-2021;other",
        f"{ANNA};2021-03-01;other",
    )
    client = login(coordinator)
    before = table_counts()

    job = post(client, "status", data).json()

    assert job["state"] == "rejected"
    assert job["result"] is None
    body = job["rejection"]
    assert body["rows"] == 4
    assert body["rejected_count"] == 3
    assert body["file_error"] == ""
    assert [(r["line"], r["column"]) for r in body["rejected"]] == [
        (3, "personnummer"),
        (4, "date"),
        (5, ""),
    ]
    assert body["rejected"][2]["message"] == "Raden är en dubblett av rad 2."
    assert table_counts() == before


def test_rows_of_another_area_are_rejected(login, coordinator, imported_persons, other_area, post):
    job = post(login(coordinator), "cases", csv_file("cases", f"{ANNA};ume;;;;;;2021-03-01;;"))

    assert job.json()["state"] == "rejected"
    assert (
        "Du kan inte importera till samverkansområdet 'ume'."
        in (job.json()["rejection"]["rejected"][0]["message"])
    )


def test_persons_go_to_the_area_given(login, coordinator, other_area, post):
    client = login(coordinator)

    assert post(client, "persons", PERSONS, area="ume").json()["rejection"]["file_error"] == (
        "Du kan inte importera till samverkansområdet Umeå."
    )
    assert post(client, "persons", PERSONS, area="nope").json()["file_error"] == (
        "Okänt samverkansområde 'nope'."
    )
    assert post(client, "persons", PERSONS, area="sdt").json()["state"] == "done"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        bytes(range(256)) * 10,
        b"personnummer;date;status_code\n",
        b"personnummer,date,status_code\n1,2,3\n",
        b"personnummer;date;status_code\n" + b"x" * 200_000 + b"\n",
    ],
    ids=["empty", "binary", "header only", "wrong delimiter", "huge line"],
)
def test_garbage_gives_a_rejected_job_not_a_500(login, coordinator, data, post):
    job = post(login(coordinator), "status", data).json()

    assert job["state"] == "rejected"
    assert job["rejection"]["file_error"]
    assert job["message"] == job["rejection"]["detail"]


def test_a_request_without_a_file_answers_400(login, coordinator):
    response = login(coordinator).post(url("status"), {})

    assert response.status_code == 400
    assert response.json()["file_error"] == "Bifoga filen i fältet file."


@pytest.mark.parametrize("who", ["fk_officer", "management", "analyst", "outsider"])
def test_everyone_but_a_coordinator_gets_403(login, request, who, imported_persons, post):
    response = post(
        login(request.getfixturevalue(who)),
        "status",
        csv_file("status", f"{ANNA};2021-03-01;other"),
    )

    assert response.status_code == 403
    assert not StatusEntry.objects.exists()


def test_anonymous_gets_401(db, post):
    assert post(Client(), "status", b"x").status_code == 401
    assert Client().get("/api/v1/imports/jobs/1/").status_code == 401


def test_an_unknown_kind_is_404(login, coordinator, post):
    assert post(login(coordinator), "people", PERSONS).status_code == 404


def test_the_endpoint_is_in_the_schema(login, coordinator):
    response = login(coordinator).get("/api/v1/schema/?format=json")

    operation = response.json()["paths"]["/api/v1/imports/{kind}/"]["post"]
    assert operation["operationId"] == "imports_create"
    assert set(operation["responses"]) >= {"202", "400", "403"}
    job = response.json()["paths"]["/api/v1/imports/jobs/{id}/"]["get"]
    assert set(job["responses"]) >= {"200", "404"}
    assert "multipart/form-data" in operation["requestBody"]["content"]
    (kind,) = [p for p in operation["parameters"] if p["name"] == "kind"]
    assert sorted(kind["schema"]["enum"]) == [
        "cases",
        "consumption",
        "mappings",
        "persons",
        "status",
    ]
