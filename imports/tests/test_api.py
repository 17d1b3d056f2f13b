"""`POST /api/v1/imports/<kind>/` (SPEC §6): the same imports for machine clients."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Person, StatusEntry

from .conftest import ANNA, PERSONS, csv_file, table_counts

pytestmark = pytest.mark.django_db


def url(kind):
    return f"/api/v1/imports/{kind}/"


def post(client, kind, data: bytes, **extra):
    return client.post(url(kind), {"file": SimpleUploadedFile("fil.csv", data), **extra})


def test_a_good_file_answers_200_with_the_counts(login, coordinator, area):
    client = login(coordinator)

    response = post(client, "persons", PERSONS)

    assert response.status_code == 200
    assert response.json() == {"kind": "persons", "rows": 3, "created": 3, "existing": 0}
    assert post(client, "persons", PERSONS).json()["existing"] == 3
    assert Person.objects.filter(area=area).count() == 3


def test_a_broken_file_answers_400_with_the_rejected_rows(login, coordinator, imported_persons):
    data = csv_file(
        "status",
        f"{ANNA};2021-03-01;other",
        "19800115-1239;2021-03-01;other",
        f"{ANNA};01-03-2021;other",
        f"{ANNA};2021-03-01;other",
    )
    client = login(coordinator)
    before = table_counts()

    response = post(client, "status", data)

    assert response.status_code == 400
    body = response.json()
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


def test_rows_of_another_area_are_rejected(login, coordinator, imported_persons, other_area):
    response = post(login(coordinator), "cases", csv_file("cases", f"{ANNA};ume;;;;;;2021-03-01;;"))

    assert response.status_code == 400
    assert (
        "Du kan inte importera till samverkansområdet 'ume'."
        in (response.json()["rejected"][0]["message"])
    )


def test_persons_go_to_the_area_given(login, coordinator, other_area):
    client = login(coordinator)

    assert post(client, "persons", PERSONS, area="ume").status_code == 400
    assert post(client, "persons", PERSONS, area="nope").json()["file_error"] == (
        "Okänt samverkansområde 'nope'."
    )
    assert post(client, "persons", PERSONS, area="sdt").status_code == 200


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
def test_garbage_answers_400_not_500(login, coordinator, data):
    response = post(login(coordinator), "status", data)

    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_request_without_a_file_answers_400(login, coordinator):
    response = login(coordinator).post(url("status"), {})

    assert response.status_code == 400
    assert response.json()["file_error"] == "Bifoga filen i fältet file."


@pytest.mark.parametrize("who", ["fk_officer", "management", "analyst", "outsider"])
def test_everyone_but_a_coordinator_gets_403(login, request, who, imported_persons):
    response = post(
        login(request.getfixturevalue(who)),
        "status",
        csv_file("status", f"{ANNA};2021-03-01;other"),
    )

    assert response.status_code == 403
    assert not StatusEntry.objects.exists()


def test_anonymous_gets_401(db):
    assert post(Client(), "status", b"x").status_code == 401


def test_an_unknown_kind_is_404(login, coordinator):
    assert post(login(coordinator), "people", PERSONS).status_code == 404


def test_the_endpoint_is_in_the_schema(login, coordinator):
    response = login(coordinator).get("/api/v1/schema/?format=json")

    operation = response.json()["paths"]["/api/v1/imports/{kind}/"]["post"]
    assert operation["operationId"] == "imports_create"
    assert set(operation["responses"]) >= {"200", "400", "403"}
    assert "multipart/form-data" in operation["requestBody"]["content"]
    (kind,) = [p for p in operation["parameters"] if p["name"] == "kind"]
    assert sorted(kind["schema"]["enum"]) == ["cases", "mappings", "persons", "status"]
