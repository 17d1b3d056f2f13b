"""The optional office columns of the cases and mappings files (`fk_office_code`,
`af_office_code`): the offices recorded by code, checked by the offices rule (accounts.offices)
row by row, and files without the columns read as before."""

import pytest

from accounts.models import OfficeUnit
from cases.models import Case
from imports.results import ImportRejected
from imports.services import import_file
from mapping.models import JointMapping
from samverkan.services import AccessContext

from .conftest import ANNA, BO, csv_file, table_counts

pytestmark = pytest.mark.django_db

CASE_HEADER = (
    "personnummer;area_code;target_group;benefit;benefit_end_date;sick_leave_start;"
    "referral_date;start_date;end_date;exit_reason"
)
MAPPING_HEADER = "personnummer;area_code;initiated_by;date;benefit;sick_leave_start;decision"


@pytest.fixture
def offices(area, other_area):
    OfficeUnit.objects.create(area=area, kind="LFC", code="sdt-lfc", name="LFC Söder")
    OfficeUnit.objects.create(area=area, kind="AMO", code="sdt-amo", name="AMO Söder")
    OfficeUnit.objects.create(area=other_area, kind="LFC", code="ume-lfc", name="LFC Umeå")


def _import(kind, data, user):
    return import_file(kind=kind, data=data, context=AccessContext.for_user(user))


def test_cases_with_the_office_columns_record_the_offices(imported_persons, coordinator, offices):
    data = csv_file(
        "cases",
        f"{ANNA};sdt;;;;;2024-02-05;;;;sdt-lfc;sdt-amo",
        f"{BO};sdt;;;;;2024-03-05;;;;;",
        header=f"{CASE_HEADER};fk_office_code;af_office_code",
    )

    assert _import("cases", data, coordinator).created == 2

    anna = Case.objects.get(person__personnummer=ANNA)
    assert (anna.fk_office.code, anna.af_office.code) == ("sdt-lfc", "sdt-amo")
    bo = Case.objects.get(person__personnummer=BO)
    assert (bo.fk_office, bo.af_office) == (None, None)
    # the same file again changes nothing
    assert _import("cases", data, coordinator).existing == 2


def test_a_file_without_the_office_columns_keeps_working(imported_persons, coordinator, offices):
    data = csv_file("cases", f"{ANNA};sdt;;;;;2024-02-05;;;", header=CASE_HEADER)

    assert _import("cases", data, coordinator).created == 1
    assert Case.objects.get().fk_office is None


@pytest.mark.parametrize(
    ("fk_code", "af_code", "column", "message"),
    [
        ("okand", "", "fk_office_code", "Okänt kontor 'okand'."),
        ("ume-lfc", "", "fk_office_code", "Kontoret LFC Umeå hör till ett annat samverkansområde."),
        ("", "sdt-lfc", "af_office_code", "LFC Söder är inte ett arbetsmarknadsområde (AF)."),
    ],
)
def test_a_bad_office_rejects_the_row_and_nothing_is_written(
    imported_persons, coordinator, offices, fk_code, af_code, column, message
):
    data = csv_file(
        "mappings",
        f"{BO};sdt;AF;2024-01-20;;;no_action;;",
        f"{ANNA};sdt;FK;2024-01-20;;;no_action;{fk_code};{af_code}",
        header=f"{MAPPING_HEADER};fk_office_code;af_office_code",
    )
    before = table_counts()

    with pytest.raises(ImportRejected) as rejected:
        _import("mappings", data, coordinator)

    (row,) = rejected.value.rows
    assert row.line == 3
    assert row.problems == [(column, message)]
    assert table_counts() == before
    assert not JointMapping.objects.exists()


def test_mappings_record_the_offices_and_a_stored_mapping_with_other_offices_conflicts(
    imported_persons, coordinator, offices
):
    header = f"{MAPPING_HEADER};af_office_code"
    _import("mappings", csv_file("mappings", f"{BO};sdt;AF;2024-01-20;;;no_action;sdt-amo",
                                 header=header), coordinator)  # fmt: skip

    assert JointMapping.objects.get().af_office.code == "sdt-amo"
    with pytest.raises(ImportRejected) as rejected:
        _import("mappings", csv_file("mappings", f"{BO};sdt;AF;2024-01-20;;;no_action;sdt-lfc",
                                     header=header), coordinator)  # fmt: skip
    assert [column for column, _message in rejected.value.rows[0].problems] == ["af_office_code"]


def test_an_unknown_column_still_rejects_the_file_and_names_the_optional_ones(
    imported_persons, coordinator
):
    data = csv_file("cases", f"{ANNA};sdt;;;;;2024-02-05;;;;x", header=f"{CASE_HEADER};kontor")

    with pytest.raises(ImportRejected) as rejected:
        _import("cases", data, coordinator)

    assert "'kontor'" in rejected.value.file_error
    assert "fk_office_code, af_office_code" in rejected.value.file_error
