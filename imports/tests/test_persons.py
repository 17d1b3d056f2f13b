"""The persons import (SPEC §6): registration by personnummer, with the consent to follow-up
that registration by personnummer stands for."""

import datetime as dt

import pytest

from accounts.tests.factories import staff
from cases.models import Consent, EducationLevel, Person
from cases.tests.factories import PersonFactory
from imports.results import ImportRejected
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import ANNA, BO, CECILIA, PERSONS, csv_file, table_counts

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def test_persons_are_registered_in_the_coordinators_area(area, coordinator):
    # given a persons file of three people
    # when the coordinator of Södertörn imports it
    result = import_file(
        kind="persons", data=PERSONS, context=AccessContext.for_user(coordinator), today=TODAY
    )

    # then all three are registered there, as the file says
    assert result.as_dict() == {"kind": "persons", "rows": 3, "created": 3, "existing": 0}
    anna = Person.objects.get(personnummer=ANNA)
    assert (anna.first_name, anna.last_name, anna.area) == ("Anna", "Ek", area)
    assert (anna.sex, anna.birth_date) == ("K", dt.date(1980, 1, 15))
    assert (anna.born_abroad, anna.education_level, anna.disability) == (False, "gymnasial", True)
    bo = Person.objects.get(personnummer=BO)
    assert (bo.sex, bo.birth_date) == ("M", dt.date(1990, 5, 5))
    # empty cells are unknown
    assert (bo.born_abroad, bo.education_level, bo.disability) == (
        None,
        EducationLevel.UNKNOWN,
        None,
    )
    cecilia = Person.objects.get(personnummer=CECILIA)
    assert (cecilia.born_abroad, cecilia.education_level) == (True, "eftergymnasial")
    # the change history names the importer
    assert anna.history.get().history_user == coordinator


def test_each_imported_person_gets_a_follow_up_consent_from_the_import(area, coordinator):
    import_file(
        kind="persons", data=PERSONS, context=AccessContext.for_user(coordinator), today=TODAY
    )

    consents = Consent.objects.filter(person__personnummer__in=[ANNA, BO, CECILIA])
    assert consents.count() == 3
    for consent in consents:
        assert consent.source == Consent.Source.IMPORT
        assert consent.covers_follow_up is True
        # registration in follow-up is not consent to share between the agencies
        assert consent.covers_sharing is False
        assert consent.given_on == TODAY
        assert consent.withdrawn_on is None
        assert consent.recorded_by == coordinator
    assert not Person.objects.get(personnummer=ANNA).is_anonymous_on(TODAY)


def test_reimporting_the_same_file_changes_nothing(area, coordinator):
    import_file(
        kind="persons", data=PERSONS, context=AccessContext.for_user(coordinator), today=TODAY
    )
    before = table_counts()
    stored = list(Person.objects.order_by("pk").values())

    result = import_file(
        kind="persons", data=PERSONS, context=AccessContext.for_user(coordinator), today=TODAY
    )

    assert (result.created, result.existing) == (0, 3)
    after = table_counts()
    # only the access log grows: it records that the import ran
    assert {t: n for t, n in after.items() if t != "audit_accesslog"} == {
        t: n for t, n in before.items() if t != "audit_accesslog"
    }
    assert list(Person.objects.order_by("pk").values()) == stored


def test_a_person_already_registered_with_the_same_values_is_counted_as_existing(area, coordinator):
    PersonFactory(personnummer=ANNA, first_name="Anna", last_name="Ek", area=area)

    result = import_file(
        kind="persons",
        data=csv_file("persons", f"{ANNA};Anna;Ek;;;"),
        context=AccessContext.for_user(coordinator),
    )

    assert (result.created, result.existing) == (0, 1)
    # a person registered in the app keeps the consent recorded there (none here)
    assert not Consent.objects.filter(person__personnummer=ANNA).exists()


def test_a_person_with_other_values_is_rejected_not_overwritten(area, coordinator):
    PersonFactory(personnummer=ANNA, first_name="Anna", last_name="Lind", area=area)

    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="persons",
            data=csv_file("persons", f"{ANNA};Anna;Ek;;;"),
            context=AccessContext.for_user(coordinator),
        )

    (row,) = rejected.value.rows
    assert row.line == 2
    assert "last_name" in row.message
    assert "Lind" not in row.message  # the stored value is not repeated
    assert Person.objects.get(personnummer=ANNA).last_name == "Lind"


def test_a_person_of_another_area_is_rejected(area, other_area, coordinator):
    PersonFactory(personnummer=ANNA, first_name="Anna", last_name="Ek", area=other_area)

    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="persons",
            data=csv_file("persons", f"{ANNA};Anna;Ek;;;"),
            context=AccessContext.for_user(coordinator),
        )

    # the registration form's answer, which names no area
    assert rejected.value.rows[0].message == "personnummer: Personen finns redan registrerad."


def test_the_row_checks_of_the_registration_form_apply(area, coordinator):
    data = csv_file(
        "persons",
        f"{ANNA};;Ek;2;högskola;ja",
        f"{BO};{'B' * 101};Al;;;",
        "19800115-1234;Cecilia;Berg;;;",
        f"{CECILIA[:8]}-{CECILIA[8:]};Cecilia;Berg;;;",
    )

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="persons", data=data, context=AccessContext.for_user(coordinator))

    rows = {row.line: row for row in rejected.value.rows}
    assert sorted(rows) == [2, 3, 4]
    assert rows[2].columns == ["first_name", "born_abroad", "education_level", "disability"]
    assert "Förnamn saknas." in rows[2].message
    assert "Okänt värde 'högskola'" in rows[2].message
    assert "Högst 100 tecken." in rows[3].message
    assert rows[4].columns == ["personnummer"]
    assert "Kontrollsiffran stämmer inte." in rows[4].message
    # the number written with a hyphen on line 5 is a valid number: no complaint
    assert not Person.objects.exists()


def test_a_coordinator_with_several_areas_chooses_the_area(area, other_area):
    both = staff("coordinator", areas=[area, other_area], username="samordnare.bada")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="persons", data=PERSONS, context=AccessContext.for_user(both))
    assert "Välj vilket samverkansområde" in rejected.value.file_error

    import_file(kind="persons", data=PERSONS, context=AccessContext.for_user(both), area=other_area)
    assert set(Person.objects.values_list("area", flat=True)) == {other_area.pk}


def test_a_coordinator_cannot_register_persons_in_another_area(area, other_area, coordinator):
    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="persons",
            data=PERSONS,
            context=AccessContext.for_user(coordinator),
            area=other_area,
        )

    assert "Umeå" in rejected.value.file_error
    assert not Person.objects.exists()
