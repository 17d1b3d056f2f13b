"""The offices of cases and mappings in the API (SPEC §2, §6): shown by code where cases and
mappings are shown, written by code, refused with the offices rule's message."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from accounts.models import OfficeUnit
from cases.models import Case
from cases.services import person_create
from cases.tests.factories import CaseFactory, make_personnummer
from mapping.tests.factories import JointMappingFactory
from samverkan.services import AccessContext


@pytest.fixture
def offices(area, other_area):
    return {
        "lfc": OfficeUnit.objects.create(area=area, kind="LFC", code="sdt-lfc", name="LFC Söder"),
        "amo": OfficeUnit.objects.create(area=area, kind="AMO", code="sdt-amo", name="AMO Söder"),
        "other_lfc": OfficeUnit.objects.create(
            area=other_area, kind="LFC", code="ume-lfc", name="LFC Umeå"
        ),
    }


def test_a_case_and_a_mapping_show_their_offices_by_code(case, person, fk_officer, offices, login):
    Case.objects.filter(pk=case.pk).update(fk_office=offices["lfc"])
    mapping = JointMappingFactory(
        person=person, fk_officer=fk_officer, af_office=offices["amo"], case=case
    )
    client = login(fk_officer)

    shown = client.get(reverse("api:case-detail", args=[case.pk])).json()
    assert (shown["fk_office"], shown["af_office"]) == ("sdt-lfc", None)
    listed = client.get(reverse("api:case-list")).json()["results"]
    assert [row["fk_office"] for row in listed] == ["sdt-lfc"]
    shown = client.get(reverse("api:mapping-detail", args=[mapping.pk])).json()
    assert (shown["fk_office"], shown["af_office"]) == (None, "sdt-amo")


def _new_person(user, area):
    return person_create(
        personnummer=make_personnummer(),
        first_name="Nils",
        last_name="Nyberg",
        area=area,
        context=AccessContext.for_user(user),
    )


def _open(client, person, **fields):
    day = str(dt.date.today() - dt.timedelta(days=3))
    return client.post(
        reverse("api:case-list"),
        {"person": person.pk, "referral_date": day, **fields},
        content_type="application/json",
    )


def test_a_case_is_opened_with_its_offices_by_code(area, fk_officer, offices, login):
    person = _new_person(fk_officer, area)

    response = _open(login(fk_officer), person, fk_office="sdt-lfc", af_office="sdt-amo")

    assert response.status_code == 201, response.content
    case = Case.objects.get(person=person)
    assert (case.fk_office, case.af_office) == (offices["lfc"], offices["amo"])
    assert (response.json()["fk_office"], response.json()["af_office"]) == ("sdt-lfc", "sdt-amo")


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"fk_office": "sdt-amo"}, {"fk_office": ["AMO Söder är inte ett lokalt försäkringscenter (FK)."]}),
        ({"fk_office": "ume-lfc"}, {"fk_office": ["Objekt med code=ume-lfc finns inte."]}),
        # another area's office reads as an unknown one
        ({"af_office": "okand"}, {"af_office": ["Objekt med code=okand finns inte."]}),
    ],
)  # fmt: skip
def test_a_wrong_office_is_400_naming_the_field_and_saves_nothing(
    area, fk_officer, offices, login, fields, errors
):
    person = _new_person(fk_officer, area)

    response = _open(login(fk_officer), person, **fields)

    assert response.status_code == 400
    assert response.json() == errors
    assert not Case.objects.filter(person=person).exists()


def test_a_mapping_office_is_changed_by_code(person, case, fk_officer, offices, login):
    mapping = JointMappingFactory(person=person, fk_officer=fk_officer)

    response = login(fk_officer).patch(
        reverse("api:mapping-detail", args=[mapping.pk]),
        {"version": mapping.version, "fk_office": "sdt-lfc"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    mapping.refresh_from_db()
    assert mapping.fk_office == offices["lfc"]


def test_a_full_export_of_participants_has_the_office_codes(area, person, coordinator, login):
    lfc = OfficeUnit.objects.create(area=area, kind="LFC", code="sdt-lfc", name="LFC Söder")
    CaseFactory(person=person, fk_office=lfc, start_date=dt.date(2024, 2, 1))

    response = login(coordinator).get("/api/v1/exports/participants/", {"format": "json"})

    assert response.status_code == 200
    rows = json.loads(b"".join(response.streaming_content).decode("utf-8"))
    assert [(row["fk_office_code"], row["af_office_code"]) for row in rows] == [("sdt-lfc", None)]
