"""No microdata for roles without case access (SPEC §1, §6): the national analyst's and the export
job's files are coarsened (a month for a date, an age band for a birth year, keys for ids) and
k-anonymous: no combination of area, sex, age band, born abroad, disability and education level
is shown for fewer than five people (exports.selectors.kanon). The classes are counted from the
files themselves."""

import csv
import datetime as dt
import io
import re

import pytest

from cases.models import Consent
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.tests.factories import InterventionFactory, JointMappingFactory

from .conftest import body, csv_rows, joined_classes, quasi_identifier_classes, record_key

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 3, 1)
PERIOD = {"area": "sdt", "from": "2026-03-01", "to": "2026-03-31"}
FULL_DATE = re.compile(rb"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])")


def participant(area, *, sex, born, start_day=10, abroad=False, disability=False, **fields):
    person = PersonFactory(
        area=area,
        sex=sex,
        birth_date=born,
        born_abroad=abroad,
        disability=disability,
        education_level=fields.pop("education_level", "gymnasial"),
    )
    Consent.objects.create(person=person, given_on=dt.date(2025, 1, 1), covers_follow_up=True)
    start = MONTH.replace(day=start_day)
    return CaseFactory(
        person=person, referral_date=start - dt.timedelta(days=7), start_date=start, **fields
    )


@pytest.fixture
def month_of_sdt(area, other_area):
    """One month of Södertörn: six women of 45, six young men born in Sweden without a
    disability, four young men each with a background of their own, and the one man born 2002,
    born abroad, with a disability; and a crowd in Umeå, outside the period's area."""
    women = [participant(area, sex="K", born=dt.date(1980, 6, i + 1)) for i in range(6)]
    young = [participant(area, sex="M", born=dt.date(2001, 9, i + 1)) for i in range(6)]
    singular = [
        participant(area, sex="M", born=dt.date(2003, 2, 2), education_level="eftergymnasial"),
        participant(area, sex="M", born=dt.date(2002, 11, 3), disability=True),
        participant(area, sex="M", born=dt.date(2001, 4, 4), abroad=True),
        participant(area, sex="M", born=dt.date(2002, 1, 5), education_level="forgymnasial"),
    ]
    lone = participant(area, sex="M", born=dt.date(2002, 5, 17), abroad=True, disability=True)
    for i in range(5):
        participant(other_area, sex="K", born=dt.date(1990, 1, i + 1))
    return {"women": women, "young": young, "singular": singular, "lone": lone}


def is_lone_mans(row) -> bool:
    return (
        row["sex"] == "M"
        and row["age_band"] == "18_24"
        and row["born_abroad"] == "1"
        and row["disability"] == "1"
    )


@pytest.mark.parametrize("who", ["analyst", "export_client"])
def test_no_combination_of_background_variables_picks_out_fewer_than_five(
    request, month_of_sdt, token_client, who
):
    client = token_client(request.getfixturevalue(who))

    response = client.get("/api/v1/exports/participants/", PERIOD)
    rows = csv_rows(response)

    # every case of the month is there: the lone man's only generalised
    assert len(rows) == 17
    classes = quasi_identifier_classes(rows)
    assert min(len(people) for people in classes.values()) >= 5
    # the man born 2002, born abroad, with a disability, cannot be singled out
    assert not [row for row in rows if is_lone_mans(row)]
    lone_key = record_key(response, "case", month_of_sdt["lone"].pk)
    [lone] = [row for row in rows if row["case_id"] == lone_key]
    assert lone["generalised"] == "1"
    assert (lone["born_abroad"], lone["disability"], lone["education_level"]) == ("", "", "")
    assert (lone["sex"], lone["age_band"], lone["area_code"]) == ("M", "18_24", "sdt")
    # the rows of the large classes are shown as they are
    shown = {row["case_id"]: row for row in rows}
    for case in month_of_sdt["women"] + month_of_sdt["young"]:
        row = shown[record_key(response, "case", case.pk)]
        assert row["generalised"] == "0" and row["education_level"] == "gymnasial"


def test_a_class_too_small_even_when_generalised_is_withheld(area, token_client, analyst):
    # five women of 45 and one man of 23 with a background of his own: alone among the men,
    # and alone among the generalised rows of the area too
    for i in range(5):
        participant(area, sex="K", born=dt.date(1980, 6, i + 1))
    lone = participant(area, sex="M", born=dt.date(2002, 5, 17), abroad=True, disability=True)

    response = token_client(analyst).get("/api/v1/exports/participants/", PERIOD)
    rows = csv_rows(response)

    assert len(rows) == 5
    assert record_key(response, "case", lone.pk) not in {row["case_id"] for row in rows}
    assert {row["sex"] for row in rows} == {"K"}


def test_generalising_sex_and_age_band_as_well_when_needed(area, token_client, analyst):
    # five people each alone in their sex and age band: shown with the area only
    people = [
        participant(area, sex="K", born=dt.date(1960, 1, 1)),
        participant(area, sex="M", born=dt.date(1970, 1, 1)),
        participant(area, sex="K", born=dt.date(1990, 1, 1)),
        participant(area, sex="M", born=dt.date(1995, 1, 1)),
        participant(area, sex="K", born=dt.date(2004, 1, 1)),
    ]

    rows = csv_rows(token_client(analyst).get("/api/v1/exports/participants/", PERIOD))

    assert len(rows) == len(people)
    for row in rows:
        assert row["generalised"] == "2"
        assert (row["sex"], row["age_band"], row["born_abroad"]) == ("", "", "")
        assert row["area_code"] == "sdt"


def test_people_are_counted_not_rows(area, token_client, analyst):
    # one person with five interventions is still one person: not shown to the analyst
    case = participant(area, sex="K", born=dt.date(1980, 6, 1))
    for _ in range(5):
        InterventionFactory(case=case, start_date=MONTH.replace(day=12))

    rows = csv_rows(token_client(analyst).get("/api/v1/exports/interventions/", PERIOD))

    assert rows == []


@pytest.mark.parametrize("kind", ["participants", "interventions", "mappings"])
def test_no_day_birth_year_or_record_id_leaves_in_a_coarsened_file(
    month_of_sdt, token_client, analyst, kind
):
    for case in month_of_sdt["women"] + month_of_sdt["young"]:
        InterventionFactory(case=case, start_date=MONTH.replace(day=12), end_date=None)
        JointMappingFactory(
            person=case.person,
            requested_on=MONTH.replace(day=2),
            first_meeting_on=MONTH.replace(day=16),
        )

    response = token_client(analyst).get(f"/api/v1/exports/{kind}/", PERIOD)
    content = body(response)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8")[1:]), delimiter=";"))

    assert rows
    assert not FULL_DATE.search(content)
    assert not {"birth_year", "birth_date", "age_at_start", "age_at_mapping"} & set(rows[0])
    assert "2026-03" in content.decode()
    born = {str(case.person.birth_date.year) for case in month_of_sdt["women"]}
    for row in rows:
        assert not born & set(row.values())
        for column in ("case_id", "intervention_id", "mapping_id"):
            assert row.get(column, "") in ("",) or len(row[column]) == 20
    classes = quasi_identifier_classes(rows)
    assert min(len(people) for people in classes.values()) >= 5


def test_a_coarsened_period_is_whole_months(area, token_client, analyst):
    # a day's difference between two exports cannot single out who started on that day
    for i in range(5):
        participant(area, sex="K", born=dt.date(1980, 6, i + 1), start_day=2 + i)

    client = token_client(analyst)
    whole = csv_rows(client.get("/api/v1/exports/participants/", PERIOD))
    part = csv_rows(
        client.get(
            "/api/v1/exports/participants/",
            {"area": "sdt", "from": "2026-03-05", "to": "2026-03-05"},
        )
    )

    assert len(whole) == len(part) == 5


def test_a_coarsened_file_is_in_no_order_of_registration(area, token_client, analyst):
    cases = [participant(area, sex="K", born=dt.date(1980, 6, 1)) for _ in range(40)]
    client = token_client(analyst)

    response = client.get("/api/v1/exports/participants/", PERIOD)
    order = [row["case_id"] for row in csv_rows(response)]

    assert order != [record_key(response, "case", case.pk) for case in cases]
    assert sorted(order) == sorted(record_key(response, "case", case.pk) for case in cases)


# --- the files of one export, joined ----------------------------------------------------------


def mapped(area, *, sex, born, person=None):
    """A joint mapping in the month, of `person` or of someone new without a case."""
    if person is None:
        person = PersonFactory(area=area, sex=sex, birth_date=born)
        Consent.objects.create(person=person, given_on=dt.date(2025, 1, 1), covers_follow_up=True)
    return JointMappingFactory(
        person=person,
        area=area,
        requested_on=MONTH.replace(day=2),
        first_meeting_on=MONTH.replace(day=20),
    )


@pytest.fixture
def joinable(area):
    """Six participants of March, each alone in their sex and age band (shown with the area
    only), the first of them, a woman born 1960, also mapped in March, beside five other women of
    her age band who were mapped without a case (shown as they are)."""
    people = [
        participant(area, sex="K", born=dt.date(1960, 1, 1)),
        participant(area, sex="M", born=dt.date(1970, 1, 1)),
        participant(area, sex="K", born=dt.date(1990, 1, 1)),
        participant(area, sex="M", born=dt.date(1995, 1, 1)),
        participant(area, sex="K", born=dt.date(2004, 1, 1)),
        participant(area, sex="M", born=dt.date(1985, 1, 1)),
    ]
    mapped(area, sex="K", born=None, person=people[0].person)
    crowd = [mapped(area, sex="K", born=dt.date(1960, 2, i + 1)) for i in range(5)]
    return {"target": people[0].person, "participants": people, "mapped": crowd}


def test_joining_the_files_of_one_export_singles_nobody_out(joinable, token_client, analyst):
    client = token_client(analyst)
    first = client.get("/api/v1/exports/participants/", PERIOD)
    export_id = first["X-Export-Id"]
    second = client.get("/api/v1/exports/mappings/", {**PERIOD, "export_id": export_id})
    third = client.get("/api/v1/exports/interventions/", {**PERIOD, "export_id": export_id})
    files = {"participants": csv_rows(first), "mappings": csv_rows(second)}
    files["interventions"] = csv_rows(third)

    # the woman born 1960 would be the one participant whose mapping shows sex and age band:
    # she is withheld from every file of the export, and everyone shown is one of five
    from exports.pseudonyms import PersonKey

    target = PersonKey(export_id)(joinable["target"].personnummer)
    assert target not in {row["person_key"] for rows in files.values() for row in rows}
    classes = joined_classes(files)
    assert classes and min(len(people) for people in classes.values()) >= 5
    # the rest is there: five participants with the area only, five mapped women as they are
    assert len(files["participants"]) == 5
    assert {row["generalised"] for row in files["participants"]} == {"2"}
    assert len(files["mappings"]) == 5
    assert {(row["sex"], row["generalised"]) for row in files["mappings"]} == {("K", "0")}


def test_a_further_file_shows_people_as_the_first_file_graded_them(area, token_client, analyst):
    for i in range(5):
        participant(area, sex="K", born=dt.date(1980, 6, i + 1))
    client = token_client(analyst)
    first = client.get("/api/v1/exports/participants/", PERIOD)
    # a sixth woman registered after the export's first file: she was not graded with it
    late = participant(area, sex="K", born=dt.date(1980, 7, 1))

    again = client.get(
        "/api/v1/exports/participants/", {**PERIOD, "export_id": first["X-Export-Id"]}
    )
    fresh = client.get("/api/v1/exports/participants/", PERIOD)

    rows = csv_rows(again)
    assert len(rows) == len(csv_rows(first)) == 5
    assert record_key(again, "case", late.pk) not in {row["case_id"] for row in rows}
    assert len(csv_rows(fresh)) == 6


def test_a_further_file_must_ask_for_the_export_s_areas_and_period(
    area, other_area, token_client, analyst
):
    for i in range(5):
        participant(area, sex="K", born=dt.date(1980, 6, i + 1))
    client = token_client(analyst)
    export_id = client.get("/api/v1/exports/participants/", PERIOD)["X-Export-Id"]

    other_month = client.get(
        "/api/v1/exports/mappings/",
        {**PERIOD, "from": "2026-04-01", "to": "2026-04-30", "export_id": export_id},
    )
    every_area = client.get(
        "/api/v1/exports/mappings/",
        {"from": PERIOD["from"], "to": PERIOD["to"], "export_id": export_id},
    )
    # days inside the same months are the same whole-month period
    same_months = client.get(
        "/api/v1/exports/mappings/",
        {**PERIOD, "from": "2026-03-15", "to": "2026-03-16", "export_id": export_id},
    )

    for refused in (other_month, every_area):
        assert refused.status_code == 400
        [message] = refused.json()["export_id"]
        assert "samma områden och period" in message and "2026-03-01–2026-03-31" in message
    assert same_months.status_code == 200


def test_an_export_s_grading_goes_with_its_id_after_24_hours(area, token_client, analyst):
    from django.utils import timezone

    from exports.models import CoarsenedExport, CoarsenedPerson
    from exports.tasks import export_files_purge

    for i in range(5):
        participant(area, sex="K", born=dt.date(1980, 6, i + 1))
    token_client(analyst).get("/api/v1/exports/participants/", PERIOD)
    assert CoarsenedPerson.objects.count() == 5

    export_files_purge()
    assert CoarsenedExport.objects.count() == 1
    CoarsenedExport.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    export_files_purge()

    assert not CoarsenedExport.objects.exists() and not CoarsenedPerson.objects.exists()
