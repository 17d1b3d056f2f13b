"""Regions in the organisation's units file (docs/ORGANISATION.md, issue 20): `VO` (FK's
verksamhetsområde) and `MO` (AF's marknadsområde) rows with their areas in `area_code`, and the
regional managers' regions in the staff file's optional `region_codes`."""

import pytest

from accounts.models import Region, StaffProfile

from .test_organisation import STAFF, STAFF_HEADER, UNITS, rejected_rows, run, units_file

pytestmark = pytest.mark.django_db

REGIONS = units_file(
    "VO;vo-sthlm;VO Stockholm;sdt,nacka;",
    "area;sdt;Södertörn;;1",
    "area;nacka;Nacka;;1",
    "MO;mo-ost;MO Öst;sdt;1",
)


def staff_with_regions(*lines):
    return ("\n".join([f"{STAFF_HEADER};region_codes", *lines]) + "\n").encode()


def test_regions_are_imported_with_their_areas_and_again_change_nothing():
    results = run(REGIONS)
    assert results["units"].created == 4
    vo = Region.objects.get(code="vo-sthlm")
    assert vo.agency.code == "FK" and vo.is_active
    assert set(vo.areas.values_list("code", flat=True)) == {"sdt", "nacka"}
    assert Region.objects.get(code="mo-ost").agency.code == "AF"

    again = run(REGIONS)["units"]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)

    moved = run(units_file("VO;vo-sthlm;VO Stockholm;nacka;0"))["units"]
    assert moved.updated == 1
    vo.refresh_from_db()
    assert list(vo.areas.values_list("code", flat=True)) == ["nacka"] and not vo.is_active


def test_a_regional_manager_gets_regions_from_the_staff_file():
    run(REGIONS)
    run(
        None,
        staff_with_regions("vera.vo;Vera;Vo;;FK;fk_regional_manager;;;;;vo-sthlm"),
    )
    profile = StaffProfile.objects.get(user__username="vera.vo")
    assert [r.code for r in profile.regions.all()] == ["vo-sthlm"]


@pytest.mark.parametrize(
    ("units", "staff", "column", "message"),
    [
        (units_file("VO;vo-x;VO X;xyz;"), None, "area_code", "Okänt samverkansområde 'xyz'"),
        (units_file("VO;;VO X;;"), None, "code", "Kod saknas"),
        (
            REGIONS,
            staff_with_regions("vera.vo;Vera;Vo;;AF;af_regional_manager;;;;;vo-sthlm"),
            "region_codes",
            "hör till den andra myndigheten",
        ),
        (
            REGIONS,
            staff_with_regions("vera.vo;Vera;Vo;;FK;fk_regional_manager;;;;;nope"),
            "region_codes",
            "Okänd region 'nope'",
        ),
    ],
)
def test_a_bad_region_row_is_refused_and_nothing_is_written(units, staff, column, message):
    _rejected, rows = rejected_rows(units, staff)
    assert any(row["column"] == column and message in row["message"] for row in rows), rows
    assert not Region.objects.exists()


def test_a_region_of_one_agency_cannot_become_the_others():
    run(REGIONS)
    _rejected, rows = rejected_rows(units_file("MO;vo-sthlm;VO Stockholm;;"))
    assert rows[0]["column"] == "kind"


def test_the_old_files_still_import(db):
    assert run(UNITS, STAFF)["units"].created == 6
