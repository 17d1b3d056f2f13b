"""The coordinator's upload page (SPEC §6): coordinators only, for their own areas."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Person, StatusEntry

from .conftest import ANNA, PERSONS, csv_file, table_counts

pytestmark = pytest.mark.django_db
URL = reverse("imports:upload")


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """upload(client, kind, data, **fields) -> the page the browser ends on: the job page once
    the import has run (as the worker runs it after the upload is committed), or the form."""

    def _upload(client, kind, data: bytes, name="fil.csv", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                URL, {"kind": kind, "file": SimpleUploadedFile(name, data, "text/csv"), **extra}
            )
        if response.status_code == 302:
            return client.get(response["Location"])
        return response

    return _upload


def test_the_coordinator_sees_the_page_with_the_formats(login, coordinator):
    response = login(coordinator).get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "personnummer;date;status_code" in body
    assert "personnummer;area_code;initiated_by;date;benefit;sick_leave_start;decision" in body
    assert "work_unsubsidised" in body  # the status codes in use


def test_the_coordinator_imports_a_file_and_sees_the_counts(login, coordinator, area, upload):
    client = login(coordinator)

    response = upload(client, "persons", PERSONS)

    assert response.status_code == 200
    assert response.context["result"] == {
        "kind": "persons",
        "rows": 3,
        "created": 3,
        "existing": 0,
    }
    assert 'data-testid="import-created">3<' in response.content.decode()
    assert Person.objects.filter(area=area).count() == 3
    # the access log says who imported, from which address and page
    summary = AccessLog.objects.get(object_type="import")
    assert (summary.user, summary.path) == (coordinator, URL)

    again = upload(client, "persons", PERSONS)
    assert 'data-testid="import-existing">3<' in again.content.decode()


def test_rejected_rows_are_listed_and_nothing_is_saved(
    login, coordinator, imported_persons, upload
):
    client = login(coordinator)
    data = csv_file("status", f"{ANNA};2021-03-01;other", "19800115-1239;2021-03-01;other")
    before = table_counts()

    response = upload(client, "status", data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "1 av 2 rader avvisades." in body
    assert 'data-line="3"' in body
    assert "Kontrollsiffran stämmer inte." in body
    assert table_counts() == before


def test_rows_of_another_area_are_rejected(
    login, coordinator, imported_persons, other_area, upload
):
    data = csv_file("cases", f"{ANNA};ume;;;;;;2021-03-01;;")

    response = upload(login(coordinator), "cases", data)

    assert "Du kan inte importera till samverkansområdet &#x27;ume&#x27;" in (
        response.content.decode()
    )


def test_persons_cannot_be_registered_in_another_area(login, coordinator, other_area, upload):
    response = upload(login(coordinator), "persons", PERSONS, area=other_area.pk)

    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not Person.objects.exists()


@pytest.mark.parametrize("who", ["fk_officer", "af_officer", "management", "analyst", "outsider"])
def test_everyone_but_a_coordinator_is_refused(login, request, who, imported_persons, upload):
    client = login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403
    assert (
        upload(client, "status", csv_file("status", f"{ANNA};2021-03-01;other")).status_code == 403
    )
    assert not StatusEntry.objects.exists()


def test_another_areas_coordinator_cannot_touch_this_areas_people(
    login, other_coordinator, imported_persons, upload
):
    response = upload(
        login(other_coordinator), "status", csv_file("status", f"{ANNA};2021-03-01;other")
    )

    assert "finns inte registrerad i dina samverkansområden" in response.content.decode()
    assert not StatusEntry.objects.exists()


def test_the_form_wants_a_kind_and_a_file(login, coordinator, upload):
    response = login(coordinator).post(URL, {"kind": "status"})

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


@pytest.mark.parametrize(
    "data",
    [b"", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), b"personnummer;date;status_code\n"],
    ids=["empty", "binary", "header only"],
)
def test_garbage_gives_a_page_not_a_server_error(login, coordinator, data, upload):
    response = upload(login(coordinator), "status", data)

    assert response.status_code == 200
    assert "Inget är sparat" in response.content.decode() or response.context["form"].errors


def test_the_worklist_links_coordinators_to_the_page(login, coordinator, fk_officer):
    assert URL in login(coordinator).get(reverse("home")).content.decode()
    assert URL not in login(fk_officer).get(reverse("home")).content.decode()


def test_the_page_documents_exactly_the_columns_the_import_reads():
    from imports.formats import COLUMNS
    from imports.kinds import IMPORTERS

    assert {kind: tuple(c.name for c in columns) for kind, columns in COLUMNS.items()} == {
        kind: importer.columns + importer.optional_columns for kind, importer in IMPORTERS.items()
    }
    assert {
        kind: tuple(c.name for c in columns if c.may_be_left_out)
        for kind, columns in COLUMNS.items()
    } == {kind: importer.optional_columns for kind, importer in IMPORTERS.items()}
