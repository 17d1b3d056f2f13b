"""The organisation from two files (docs/ORGANISATION.md): units and staff, all or nothing,
idempotent; every bad row refused with a Swedish message naming its line and column."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from accounts.models import Area, OfficeUnit, PreparationGroup, StaffProfile, Team
from accounts.tests.factories import staff
from audit.models import AccessLog
from imports.organisation.services import organisation_import
from imports.organisation.staff import StaffImport
from imports.organisation.units import UnitsImport
from imports.results import ImportRejected
from samverkan.services import AccessContext

from .conftest import table_counts

pytestmark = pytest.mark.django_db

UNITS_HEADER = ";".join(UnitsImport.columns)
STAFF_HEADER = ";".join(StaffImport.columns)
COMMAND_LINE = AccessContext.for_user(None, username="kommandorad: test")


def units_file(*lines: str) -> bytes:
    return ("\n".join([UNITS_HEADER, *lines]) + "\n").encode()


def staff_file(*lines: str) -> bytes:
    return ("\n".join([STAFF_HEADER, *lines]) + "\n").encode()


def run(units: bytes | None = None, staff_data: bytes | None = None, context=COMMAND_LINE):
    files = {}
    if units is not None:
        files["units"] = (io.BytesIO(units), "enheter.csv")
    if staff_data is not None:
        files["staff"] = (io.BytesIO(staff_data), "personal.csv")
    return {r.kind: r for r in organisation_import(context=context, files=files)}


def rejected_rows(units=None, staff_data=None):
    before = table_counts()
    with pytest.raises(ImportRejected) as rejected:
        run(units, staff_data)
    assert table_counts() == before  # nothing written
    return rejected.value, [row.as_dict() for row in rejected.value.rows]


UNITS = units_file(
    # an office and a team may come before their area
    "LFC;lfc-sdt;LFC Södertörn;sdt;",
    "area;sdt;Södertörn;;1",
    "area;ume;Umeå;;0",
    "AMO;amo-sdt;AMO Södertörn;sdt;",
    "team;;Team 1;sdt;",
    "preparation_group;;Beredningsgrupp Södertörn;sdt;",
)
STAFF = staff_file(
    "anna.ek;Anna;Ek;anna.ek@example.se;FK;fk_officer;sdt;Team 1;0,5;lfc-sdt",
    "bo.al;Bo;Al;;AF;af_officer;sdt,ume;;50 %;amo-sdt",
    "cia.berg;Cia;Berg;;FK;coordinator;sdt;;;",
)


def test_units_and_staff_are_imported_together_and_new_staff_have_no_password():
    # when both files are imported in one go
    results = run(UNITS, STAFF)

    # then every unit and staff member is there, as the files say
    assert results["units"].created == 6 and results["staff"].created == 3
    assert Area.objects.get(code="ume").is_active is False
    sdt = Area.objects.get(code="sdt")
    assert OfficeUnit.objects.get(code="lfc-sdt").area == sdt
    assert Team.objects.get(name="Team 1").area == sdt
    assert PreparationGroup.objects.get(name="Beredningsgrupp Södertörn").area == sdt
    anna = User.objects.get(username="anna.ek")
    profile = anna.staff_profile
    assert (anna.first_name, anna.last_name, anna.email) == ("Anna", "Ek", "anna.ek@example.se")
    assert (profile.agency.code, profile.role.code) == ("FK", "fk_officer")
    assert profile.working_time_share == Decimal("0.50")
    assert [t.name for t in profile.teams.all()] == ["Team 1"]
    assert profile.office_unit.code == "lfc-sdt"
    bo = StaffProfile.objects.get(user__username="bo.al")
    assert bo.working_time_share == Decimal("0.50")
    assert {a.code for a in bo.areas.all()} == {"sdt", "ume"}
    assert StaffProfile.objects.get(user__username="cia.berg").working_time_share == 1
    # no usable password: single sign-on or a reset link
    assert not anna.has_usable_password() and anna.is_active and not anna.is_staff
    # and the import is in the access log
    assert AccessLog.objects.filter(object_type="user", action="create").count() == 3
    assert AccessLog.objects.filter(object_type="import", object_id="staff").exists()


def test_importing_the_same_files_again_changes_nothing():
    run(UNITS, STAFF)
    before = table_counts()
    stamps = list(StaffProfile.objects.values_list("updated_at", flat=True))

    results = run(UNITS, STAFF)

    assert (results["units"].created, results["units"].updated) == (0, 0)
    assert results["units"].unchanged == 6
    assert (results["staff"].created, results["staff"].updated) == (0, 0)
    assert results["staff"].unchanged == 3
    assert table_counts() == before
    assert list(StaffProfile.objects.values_list("updated_at", flat=True)) == stamps


def test_staff_rows_update_but_never_deactivate_or_remove():
    run(UNITS, STAFF)
    # given a file that changes Anna and leaves Bo and Cia out
    changed = staff_file("anna.ek;Anna;Ek-Lund;;FK;fk_officer;sdt,ume;;1;")

    results = run(staff_data=changed)

    assert (results["staff"].created, results["staff"].updated) == (0, 1)
    anna = StaffProfile.objects.get(user__username="anna.ek")
    assert anna.user.last_name == "Ek-Lund"
    assert anna.working_time_share == 1
    assert {a.code for a in anna.areas.all()} == {"sdt", "ume"}
    # empty cells leave what is stored: e-mail, team and office
    assert anna.user.email == "anna.ek@example.se"
    assert [t.name for t in anna.teams.all()] == ["Team 1"]
    assert anna.office_unit.code == "lfc-sdt"
    # the others are still there and active
    assert User.objects.filter(username__in=["bo.al", "cia.berg"], is_active=True).count() == 2
    entry = AccessLog.objects.get(object_type="user", action="update")
    assert "anna.ek ändrad: last_name, working_time_share, area_codes" in entry.purpose


def test_an_area_is_renamed_and_deactivated_from_the_file():
    run(UNITS)

    results = run(units_file("area;sdt;Södertörn-Nacka;;0"))

    assert results["units"].updated == 1
    area = Area.objects.get(code="sdt")
    assert (area.name, area.is_active) == ("Södertörn-Nacka", False)


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (
            "anna.ek;Anna;Ek;;FK;boss;sdt;;;",
            "role",
            "Okänd roll 'boss'. Tillåtna värden: af_officer, af_regional_manager, analyst, "
            "api_client, coordinator, fk_officer, fk_regional_manager, management, "
            "national_steering, sysadmin.",
        ),
        (
            "anna.ek;Anna;Ek;;FK;fk_officer;sdt,xyz;;;",
            "area_codes",
            "Okänt samverkansområde 'xyz': finns varken i filen med enheter eller i Samverkan.",
        ),
        (
            "anna.ek;Anna;Ek;;FK;fk_officer;sdt;;1,5;",
            "working_time_share",
            "Tjänstgöringsgraden ska vara större än 0 och högst 1 (heltid, 100 %), inte '1,5'.",
        ),
        (
            "anna.ek;Anna;Ek;;FK;fk_officer;sdt;;120 %;",
            "working_time_share",
            "Tjänstgöringsgraden ska vara större än 0 och högst 1 (heltid, 100 %), inte '120 %'.",
        ),
        (
            "anna.ek;Anna;Ek;;FK;fk_officer;sdt;;;amo-sdt",
            "office_code",
            "Kontoret hör till den andra myndigheten.",
        ),
        (
            "anna.ek;Anna;Ek;;AF;fk_officer;sdt;;;",
            "role",
            "Rollen Personlig handläggare (FK) hör till Försäkringskassan.",
        ),
        ("anna.ek;Anna;Ek;;SE;fk_officer;sdt;;;", "agency", "Ange FK eller AF, inte 'SE'."),
        (
            "anna.ek;Anna;Ek;;FK;fk_officer;sdt;Team 9;;",
            "team",
            "Samverkansteamet 'Team 9' finns inte i personens samverkansområden.",
        ),
        (
            "anna.ek;Anna;Ek;inte-en-adress;FK;fk_officer;sdt;;;",
            "email",
            "Ogiltig e-postadress 'inte-en-adress'.",
        ),
        ("anna ek;Anna;Ek;;FK;fk_officer;sdt;;;", "username", None),
    ],
)
def test_one_bad_staff_row_refuses_both_files_and_names_line_and_column(line, column, message):
    staff_data = staff_file("bo.al;Bo;Al;;AF;af_officer;sdt;;;", line)

    rejected, rows = rejected_rows(UNITS, staff_data)

    assert rejected.kind == "staff"
    assert [(row["line"], row["column"]) for row in rows] == [(3, column)]
    if message is not None:
        assert rows[0]["problems"][0]["message"] == message
    assert "Inget är sparat" in rejected.summary
    assert not Area.objects.exists()  # the units file went back too


def test_a_user_name_twice_in_the_file_is_refused_under_its_column():
    staff_data = staff_file(
        "anna.ek;Anna;Ek;;FK;fk_officer;sdt;;;",
        "bo.al;Bo;Al;;AF;af_officer;sdt;;;",
        "Anna.Ek;Anna;Eklund;;FK;fk_officer;sdt;;;",
    )

    _, rows = rejected_rows(UNITS, staff_data)

    assert rows == [
        {
            "line": 4,
            "column": "username",
            "message": "username: Samma användarnamn som rad 2.",
            "problems": [{"column": "username", "message": "Samma användarnamn som rad 2."}],
        }
    ]


def test_a_stored_user_name_in_other_case_and_a_taken_email_are_refused(area):
    staff("fk_officer", areas=[area], username="anna.ek", email="anna@example.se")
    staff_data = staff_file(
        "Anna.Ek;Anna;Ek;;FK;fk_officer;sdt;;;",
        "bo.al;Bo;Al;ANNA@example.se;AF;af_officer;sdt;;;",
    )

    _, rows = rejected_rows(staff_data=staff_data)

    assert [(row["line"], row["column"]) for row in rows] == [(2, "username"), (3, "email")]
    assert "finns redan som 'anna.ek'" in rows[0]["message"]
    assert "används redan av användaren anna.ek" in rows[1]["message"]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("office;x;X;sdt;", "kind", "Okänd typ 'office'."),
        ("LFC;lfc-x;LFC X;nowhere;", "area_code", "Okänt samverkansområde 'nowhere'"),
        ("area;ny kod;Nytt;;1", "code", "Koden får bara innehålla"),
        ("area;ny;Södertörn;;1", "name", "Namnet används redan av samverkansområdet 'sdt'."),
        ("area;ny;Nytt;;ja", "active", "Ange 1 (ja) eller 0 (nej)"),
        ("team;t1;Team 2;sdt;", "code", "Lämna tomt"),
        ("team;;Team 2;sdt;1", "active", "Gäller bara samverkansområden"),
        ("AMO;lfc-sdt;LFC Södertörn;sdt;", "", "Kontoret lfc-sdt finns redan som LFC"),
        ("LFC;;LFC X;sdt;", "code", "Kod saknas."),
    ],
)
def test_one_bad_units_row_refuses_the_file(line, column, message):
    units = units_file("area;sdt;Södertörn;;1", "LFC;lfc-sdt;LFC Södertörn;sdt;", line)
    run(units_file("area;sdt;Södertörn;;1", "LFC;lfc-sdt;LFC Södertörn;sdt;"))

    rejected, rows = rejected_rows(units, STAFF)

    assert rejected.kind == "units"
    assert [(row["line"], row["column"]) for row in rows] == [(4, column)]
    assert message in rows[0]["problems"][0]["message"]


def test_a_rejected_import_is_logged_as_refused():
    with pytest.raises(ImportRejected):
        run(units_file("office;x;X;sdt;"))

    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert entry.purpose == "import units: 1 rader avvisade"


def test_only_administrators_may_import(area):
    officer = staff("fk_officer", areas=[area], username="fk.x")

    with pytest.raises(PermissionDenied):
        run(UNITS, context=AccessContext.for_user(officer))

    assert not OfficeUnit.objects.exists()


def test_an_account_without_a_staff_profile_gets_one_from_the_file(area):
    User.objects.create_user("kerstin", password=None)

    results = run(staff_data=staff_file("kerstin;Kerstin;Ek;;FK;sysadmin;;;;"))

    assert (results["staff"].created, results["staff"].updated) == (0, 1)
    profile = StaffProfile.objects.get(user__username="kerstin")
    assert profile.role.code == "sysadmin" and profile.working_time_share == 1
    assert User.objects.get(username="kerstin").first_name == "Kerstin"


def test_a_user_name_repeated_in_a_later_batch_rejects_the_batches_already_written(monkeypatch):
    run(UNITS)
    monkeypatch.setattr("imports.base.BATCH_ROWS", 2)
    staff_data = staff_file(
        "anna.ek;Anna;Ek;;FK;fk_officer;sdt;;;",
        "bo.al;Bo;Al;;AF;af_officer;sdt;;;",
        "cia.berg;Cia;Berg;;FK;coordinator;sdt;;;",
        "anna.ek;Anna;Eklund;;FK;fk_officer;sdt;;;",
    )

    _, rows = rejected_rows(staff_data=staff_data)

    assert [(row["line"], row["message"]) for row in rows] == [(5, "Samma användarnamn som rad 2.")]
    assert not User.objects.filter(username="anna.ek").exists()


def test_a_units_file_longer_than_one_batch_is_refused(monkeypatch):
    monkeypatch.setattr("imports.base.BATCH_ROWS", 2)

    rejected, rows = rejected_rows(UNITS)

    assert rows == [] and rejected.file_error.startswith("Filen har fler än")
