"""Imports against odd input and curious coordinators: a NUL in the area is a 400, and a
persons file cannot tell which area someone belongs to; every refusal is logged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AccessLog
from cases.tests.factories import PersonFactory

from .conftest import ANNA, BO, csv_file, table_counts

pytestmark = pytest.mark.django_db


def test_api_area_with_a_nul_character_is_a_400_not_a_500(login, coordinator, area):
    client = login(coordinator)
    client.raise_request_exception = False
    data = csv_file("persons", f"{ANNA};Anna;Ek;0;gymnasial;1")

    response = client.post(
        "/api/v1/imports/persons/",
        {"file": SimpleUploadedFile("fil.csv", data), "area": "sdt\x00"},
    )

    assert response.status_code == 400


def test_a_persons_import_names_no_area_and_the_refusal_is_logged_for_both_areas(
    login, coordinator, area, other_area, django_capture_on_commit_callbacks
):
    umea_person = PersonFactory(area=other_area, personnummer=ANNA)
    data = csv_file(
        "persons",
        f"{ANNA};Anna;Ek;0;gymnasial;1",  # in Umeå
        f"{BO};Bo;Al;;;",  # not registered anywhere
        "not-a-number;X;Y;;;",  # makes sure nothing is written
    )
    client = login(coordinator)
    counts = table_counts()

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(
            "/api/v1/imports/persons/", {"file": SimpleUploadedFile("fil.csv", data)}
        )
    body = client.get(accepted["Location"]).json()["rejection"]

    assert table_counts() == counts  # nothing written
    messages = {row["line"]: row["message"] for row in body["rejected"]}
    assert messages[2] == "personnummer: Personen finns redan registrerad."
    refusals = AccessLog.objects.filter(action=AccessLog.Action.DENIED, user=coordinator)
    assert {(e.object_type, e.person_id, e.area_id) for e in refusals} == {
        ("import", None, None),
        ("person", umea_person.pk, other_area.pk),
    }
