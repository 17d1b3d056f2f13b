"""`python manage.py import_data KIND FILE` (SPEC §6)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AccessLog
from cases.models import Person, StatusEntry

from .conftest import ANNA, PERSONS, csv_file, table_counts

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_good_file_prints_the_counts(tmp_path, area):
    path = write(tmp_path, "personer.csv", PERSONS)

    out, _ = run("persons", path, "--area", "sdt")

    assert "persons: 3 rader, 3 nya, 0 fanns redan." in out
    assert Person.objects.filter(area=area).count() == 3
    out, _ = run("persons", path, "--area", "sdt")
    assert "persons: 3 rader, 0 nya, 3 fanns redan." in out


def test_the_command_line_is_named_in_the_access_log(tmp_path, area):
    run("persons", write(tmp_path, "personer.csv", PERSONS), "--area", "sdt")

    summary = AccessLog.objects.get(object_type="import")
    assert summary.username.startswith("kommandorad: ")
    assert summary.user is None
    assert summary.purpose == "import persons (personer.csv): 3 rader, 3 nya, 0 fanns redan"
    assert summary.area == area
    assert AccessLog.objects.filter(object_type="person", action="create").count() == 3


def test_a_rejected_file_exits_non_zero_and_prints_every_bad_row(tmp_path, imported_persons):
    data = csv_file(
        "status",
        f"{ANNA};2021-03-01;other",
        "19800115-1239;2021-03-01;other",
        f"{ANNA};2021-03-01;other",
    )
    before = table_counts()

    with pytest.raises(CommandError) as failed:
        run("status", write(tmp_path, "status.csv", data))

    assert failed.value.returncode == 1
    assert str(failed.value) == "Filen avvisades."
    assert table_counts() == before


def test_the_rejected_rows_go_to_stderr(tmp_path, imported_persons):
    data = csv_file("status", "19800115-1239;2021-03-01;other", f"{ANNA};2021-3-01;other")
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_data", "status", write(tmp_path, "s.csv", data), stderr=err)

    assert err.getvalue().splitlines() == [
        "2 av 2 rader avvisades. Inget är sparat: rätta raderna och importera hela filen igen.",
        "rad 2: personnummer: Kontrollsiffran stämmer inte.",
        "rad 3: date: Ange datum som ÅÅÅÅ-MM-DD, inte '2021-3-01'.",
    ]


def test_persons_need_an_area_on_the_command_line(tmp_path, area):
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_data", "persons", write(tmp_path, "p.csv", PERSONS), stderr=err)

    assert failed.value.returncode == 1
    assert "Välj vilket samverkansområde personerna ska registreras i." in err.getvalue()


def test_as_a_user_the_users_areas_bound_the_import(tmp_path, imported_persons, other_coordinator):
    err = io.StringIO()
    data = csv_file("status", f"{ANNA};2021-03-01;other")

    with pytest.raises(CommandError):
        call_command(
            "import_data",
            "status",
            write(tmp_path, "s.csv", data),
            "--user",
            other_coordinator.username,
            stderr=err,
        )

    assert "finns inte registrerad i dina samverkansområden" in err.getvalue()
    assert not StatusEntry.objects.exists()


def test_an_officer_may_not_import_even_from_the_command_line(tmp_path, fk_officer):
    with pytest.raises(CommandError) as failed:
        run("status", write(tmp_path, "s.csv", csv_file("status")), "--user", fk_officer.username)

    assert "Bara samordnare kan importera filer." in str(failed.value)


def test_a_missing_file_and_unknown_options_are_clear_errors(tmp_path, area):
    with pytest.raises(CommandError, match="Kan inte läsa"):
        run("status", str(tmp_path / "finns-inte.csv"))
    with pytest.raises(CommandError, match="Okänt samverkansområde: xyz"):
        run("persons", write(tmp_path, "p.csv", PERSONS), "--area", "xyz")
    with pytest.raises(CommandError, match="Okänd eller inaktiv användare"):
        run("persons", write(tmp_path, "p.csv", PERSONS), "--user", "ingen")
    with pytest.raises(CommandError, match="invalid choice"):
        run("people", write(tmp_path, "p.csv", PERSONS))


def test_a_file_of_many_bad_rows_lists_the_first_thousand_and_counts_the_rest(tmp_path, area):
    path = write(tmp_path, "status.csv", csv_file("status", *(["x;2021-03-01;other"] * 1005)))

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "status", path, stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert "1005 av 1005 rader avvisades." in lines[0]
    assert sum(line.startswith("rad ") for line in lines) == 1000
    assert lines[-1] == "… och 5 rader till med fel."
