"""`manage.py import_organisation`: an agency sets up 60 areas and 1 000 staff from two files in
one go (docs/ORGANISATION.md)."""

import io
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Area, OfficeUnit, PreparationGroup, StaffProfile, Team
from audit.models import AccessLog
from imports.organisation.staff import StaffImport
from imports.organisation.units import UnitsImport

from .conftest import table_counts

pytestmark = pytest.mark.django_db

AREAS = 60
STAFF = 1000
ROLES = ["fk_officer", "af_officer", "coordinator", "management"]
SHARES = ["1", "0,5", "75 %", "0.8"]


def units_lines(areas: int) -> list[str]:
    lines = [";".join(UnitsImport.columns)]
    for n in range(areas):
        code = f"a{n:02d}"
        lines += [
            f"area;{code};Område {n:02d};;1",
            f"LFC;lfc-{code};LFC {n:02d};{code};",
            f"AMO;amo-{code};AMO {n:02d};{code};",
            f"team;;Team {code};{code};",
            f"preparation_group;;Beredningsgrupp {n:02d};{code};",
        ]
    return lines


def staff_lines(count: int, areas: int) -> list[str]:
    lines = [";".join(StaffImport.columns)]
    for n in range(count):
        code = f"a{n % areas:02d}"
        role = ROLES[n % len(ROLES)]
        agency = "AF" if role == "af_officer" or (role != "fk_officer" and n % 2) else "FK"
        office = f"{'amo' if agency == 'AF' else 'lfc'}-{code}"
        second = f",a{(n + 1) % areas:02d}" if role == "coordinator" else ""
        team = f"Team {code}" if role in ("fk_officer", "af_officer") else ""
        share = SHARES[n % len(SHARES)]
        lines.append(
            f"user{n:04d};Förnamn{n};Efternamn{n};user{n:04d}@example.se;{agency};{role};"
            f"{code}{second};{team};{share};{office}"
        )
    return lines


def write(tmp_path, name: str, lines: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_organisation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_sixty_areas_and_a_thousand_staff_in_one_go_and_again_without_change(tmp_path):
    units = write(tmp_path, "enheter.csv", units_lines(AREAS))
    staff = write(tmp_path, "personal.csv", staff_lines(STAFF, AREAS))

    # when an agency imports its organisation from the two files
    started = time.monotonic()
    out, _ = run("--units", units, "--staff", staff)
    took = time.monotonic() - started

    # then the counts are those of the files
    assert "units: 300 rader, 300 nya, 0 ändrade, 0 oförändrade." in out
    assert "staff: 1000 rader, 1000 nya, 0 ändrade, 0 oförändrade." in out
    assert Area.objects.count() == AREAS
    assert OfficeUnit.objects.count() == 2 * AREAS
    assert Team.objects.count() == AREAS and PreparationGroup.objects.count() == AREAS
    assert StaffProfile.objects.count() == STAFF
    assert User.objects.filter(staff_profile__isnull=False).count() == STAFF
    # and a few records are as their rows say
    first = StaffProfile.objects.get(user__username="user0000")
    assert (first.role.code, first.agency.code) == ("fk_officer", "FK")
    assert first.office_unit.code == "lfc-a00"
    assert [t.name for t in first.teams.all()] == ["Team a00"]
    assert first.working_time_share == 1
    coordinator = StaffProfile.objects.get(user__username="user0062")
    assert coordinator.role.code == "coordinator"
    assert {a.code for a in coordinator.areas.all()} == {"a02", "a03"}
    assert coordinator.working_time_share == Decimal("0.75")
    assert StaffProfile.objects.get(user__username="user0001").working_time_share == Decimal("0.50")
    last = User.objects.get(username="user0999")
    assert (last.first_name, last.email) == ("Förnamn999", "user0999@example.se")
    assert not User.objects.filter(staff_profile__isnull=False, password__regex=r"^[^!]").exists()
    assert took < 60, took

    # when the same files are imported again, nothing changes
    before = table_counts()
    log_before = AccessLog.objects.exclude(object_type="import").count()
    out, _ = run("--units", units, "--staff", staff)
    assert "units: 300 rader, 0 nya, 0 ändrade, 300 oförändrade." in out
    assert "staff: 1000 rader, 0 nya, 0 ändrade, 1000 oförändrade." in out
    assert table_counts() == before
    assert AccessLog.objects.exclude(object_type="import").count() == log_before


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("userx;X;Y;;FK;chef;a00;;;", "role", "Okänd roll 'chef'."),
        ("userx;X;Y;;FK;fk_officer;a99;;;", "area_codes", "Okänt samverkansområde 'a99'"),
        ("userx;X;Y;;FK;fk_officer;a00;;1,25;", "working_time_share", "högst 1"),
        ("user0003;X;Y;;FK;fk_officer;a00;;;", "username", "Samma användarnamn som rad 5."),
        ("userx;X;Y;;FK;fk_officer;a00;;;amo-a00", "office_code", "den andra myndigheten"),
    ],
)
def test_one_bad_row_among_a_thousand_refuses_the_whole_import(tmp_path, line, column, reason):
    units = write(tmp_path, "enheter.csv", units_lines(AREAS))
    lines = staff_lines(STAFF, AREAS)
    lines.insert(500, line)  # line 501 of the file
    staff = write(tmp_path, "personal.csv", lines)
    before = table_counts()

    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_organisation", "--units", units, "--staff", staff, stderr=err)

    assert failed.value.returncode == 1
    assert table_counts() == before  # neither file is written
    printed = err.getvalue()
    assert "staff: 1 av 1001 rader avvisades. Inget är sparat" in printed
    assert f"rad 501: {column}: " in printed and reason in printed


def test_no_file_and_a_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="Ange --units FIL, --staff FIL eller båda."):
        run()
    with pytest.raises(CommandError, match="Kan inte läsa"):
        run("--staff", str(tmp_path / "finns-inte.csv"))


def test_the_documented_example_files_import_as_documented():
    docs = Path(__file__).resolve().parents[2] / "docs" / "examples"

    out, _ = run(
        "--units",
        str(docs / "organisation-units.csv"),
        "--staff",
        str(docs / "organisation-staff.csv"),
    )

    assert "units: 10 rader, 10 nya, 0 ändrade, 0 oförändrade." in out
    assert "staff: 4 rader, 4 nya, 0 ändrade, 0 oförändrade." in out
    assert StaffProfile.objects.get(user__username="cia.berg").working_time_share == Decimal("0.75")
