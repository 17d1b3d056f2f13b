"""Helpers for the import tests: files written as the formats of SPEC §6, fixed personnummer,
and the row count of every table (to prove a rejected file writes nothing)."""

import datetime as dt

import pytest
from django.apps import apps

from cases.tests.factories import make_personnummer
from imports.kinds import IMPORTERS
from samverkan.services import AccessContext

# Fixed, valid numbers: Anna (woman, born 1980), Bo (man, born 1990), Cecilia (woman, 1975).
ANNA = make_personnummer(dt.date(1980, 1, 15), serial=122)
BO = make_personnummer(dt.date(1990, 5, 5), serial=451)
CECILIA = make_personnummer(dt.date(1975, 3, 30), serial=342)


def csv_file(kind: str, *lines: str, header: str | None = None, bom: bool = False) -> bytes:
    """The file of `kind`: its documented header, then the given lines."""
    head = header if header is not None else ";".join(IMPORTERS[kind].columns)
    text = "\n".join([head, *lines]) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def table_counts() -> dict[str, int]:
    """Rows in every table of the project (history and join tables included), except the
    access log and the import jobs with their task's sends: a rejected import writes nothing,
    but its refusal is logged (test_hardening) and its job keeps the reasons."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table not in {"audit_accesslog", "imports_importjob", "outbox_tasksend"}
    }


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Each test's uploads in a directory of its own (created by the first upload)."""
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


PERSONS = csv_file(
    "persons",
    f"{ANNA};Anna;Ek;0;gymnasial;1",
    f"{BO};Bo;Al;;;",
    f"{CECILIA};Cecilia;Berg;1;eftergymnasial;0",
)


@pytest.fixture
def imported_persons(area, coordinator):
    """Anna, Bo and Cecilia registered in Södertörn by the persons import."""
    from imports.services import import_file

    import_file(kind="persons", data=PERSONS, context=AccessContext.for_user(coordinator))
