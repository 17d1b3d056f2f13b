"""Fixtures and readers for the export tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test import Client

from accounts.tests.factories import staff
from accounts.tokens import api_token_create
from cases.models import Case
from cases.tests.factories import CaseFactory, PersonFactory

from .xlsx import read_xlsx


@pytest.fixture
def export_client(area):
    """The machine client of an AIS/SUS-style export job for Södertörn (role api_client)."""
    return staff("api_client", areas=[area], username="exportjobb.sdt")


@pytest.fixture
def token_client(db):
    """token_client(user) -> a test client that authenticates with a new API token of user."""

    def _client(user):
        _token, secret = api_token_create(user=user, name="Export")
        return Client(HTTP_AUTHORIZATION=f"Token {secret}")

    return _client


@pytest.fixture
def population(area, other_area, fk_officer, af_officer, colleague, outsider):
    """Cases of Södertörn: three on the team's caseload, one closed a week ago (still on it),
    one closed long ago (off it), two of a colleague outside the team; and one case of Umeå."""
    today = dt.date.today()
    own = [
        CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer, af_officer=af_officer)
        for _ in range(3)
    ]
    recent = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        phase=Case.Phase.CLOSED,
        start_date=today - dt.timedelta(days=100),
    )
    Case.objects.filter(pk=recent.pk).update(end_date=today - dt.timedelta(days=7))
    old = CaseFactory(
        person=PersonFactory(area=area),
        af_officer=af_officer,
        phase=Case.Phase.CLOSED,
        start_date=dt.date(2023, 1, 10),
    )
    colleagues = [
        CaseFactory(person=PersonFactory(area=area), af_officer=colleague) for _ in range(2)
    ]
    umea = CaseFactory(person=PersonFactory(area=other_area), fk_officer=outsider)
    return {
        "caseload": [*own, recent],
        "old": old,
        "colleagues": colleagues,
        "area": [*own, recent, old, *colleagues],
        "other_area": [umea],
    }


# --- reading the files back ---------------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response, delimiter: str = ";") -> list[dict]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "CSV must start with a BOM"
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=delimiter))


def json_rows(response) -> list[dict]:
    return json.loads(body(response).decode("utf-8"))


def xlsx_rows(response) -> list[dict]:
    sheets = read_xlsx(body(response))
    rows = []
    for sheet_rows in sheets.values():
        header, *data = sheet_rows
        padded = (row + [None] * (len(header) - len(row)) for row in data)
        rows.extend(dict(zip(header, cells, strict=True)) for cells in padded)
    return rows


def ids(rows, column: str = "case_id") -> set[int]:
    return {int(row[column]) for row in rows}


def bulk_cases(area, count: int, officer=None, first: int = 0) -> None:
    """`count` people of `area` with one case each (and a consent to follow-up, and the
    situation at start for every other one), written in a few bulk INSERTs: the large
    populations of the memory test and the benchmark."""
    from cases.models import Consent, Person, Situation
    from cases.tests.factories import make_personnummer

    start = dt.date(1950, 1, 1)
    people = []
    for i in range(first, first + count):
        birth = start + dt.timedelta(days=i // 900)
        number = make_personnummer(birth, serial=i % 900)
        people.append(
            Person(
                personnummer=number,
                first_name="Test",
                last_name=f"Person {i}",
                sex="M" if int(number[10]) % 2 else "K",
                birth_date=birth,
                area=area,
                education_level="gymnasial",
            )
        )
    people = Person.objects.bulk_create(people, batch_size=2000)
    Consent.objects.bulk_create(
        [Consent(person=p, given_on=dt.date(2024, 1, 1), covers_follow_up=True) for p in people],
        batch_size=2000,
    )
    cases = Case.objects.bulk_create(
        [
            Case(
                person=p,
                area=area,
                fk_officer=officer,
                phase=Case.Phase.NEEDS_ANALYSIS,
                target_group="sick_unemployed",
                referral_date=dt.date(2025, 1, 1),
                start_date=dt.date(2025, 1, 8),
            )
            for p in people
        ],
        batch_size=2000,
    )
    Situation.objects.bulk_create(
        [Situation(case=c, moment="start", employed=False) for c in cases[::2]], batch_size=2000
    )
    # The rows are inside the test's transaction, where autovacuum never sees them: without
    # fresh statistics PostgreSQL takes the tables for empty and plans per-row scans of them.
    # A production database has its statistics (autovacuum analyses tables as they grow).
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE cases_person, cases_consent, cases_case, cases_situation, "
            "cases_statusentry, accounts_area"
        )
        # ANALYZE skips, with a mere warning, a table the role may not maintain: say so here
        # rather than as a test that runs for half an hour.
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'cases_case'::regclass")
        assert cursor.fetchone()[0] >= count, "ANALYZE was refused (samverkan/testing_db.py)"


# --- coarsened exports (roles without case access) -----------------------------------------------


def crowd(person, count: int = 4, **case_fields) -> list:
    """`count` more people of `person`'s area, sex, birth date and background, each with a case,
    anonymous if `person` is (SPEC §3) and otherwise consenting to follow-up: a coarsened export
    shows `person`'s row as it is only among at least K = 5 alike (exports.selectors.kanon)."""
    from cases.models import Consent

    anonymous = person.is_anonymous_on(dt.date.today())
    others = []
    for _ in range(count):
        other = PersonFactory(
            area=person.area,
            sex=person.sex,
            birth_date=person.birth_date,
            born_abroad=person.born_abroad,
            disability=person.disability,
            education_level=person.education_level,
            protected_identity=person.protected_identity,
        )
        if not anonymous:
            Consent.objects.create(
                person=other, given_on=dt.date(2024, 1, 1), covers_follow_up=True
            )
        CaseFactory(person=other, **case_fields)
        others.append(other)
    return others


def record_key(response, record: str, pk: int) -> str:
    """The key a coarsened export (its X-Export-Id) gives the record `pk` of type `record`."""
    from exports.pseudonyms import PersonKey

    return PersonKey(response["X-Export-Id"])(f"{record}:{pk}")


def quasi_identifier_classes(rows) -> dict[tuple, set]:
    """The people (person_key, or the row itself for an anonymous one) of each combination of
    the quasi-identifiers, as the file shows them."""
    from collections import defaultdict

    names = ["area_code", "sex", "age_band", "born_abroad", "disability", "education_level"]
    classes: dict[tuple, set] = defaultdict(set)
    for index, row in enumerate(rows):
        key = tuple(row.get(name) for name in [*names, "anonymous", "generalised"])
        classes[key].add(row.get("person_key") or f"row {index}")
    return classes


def joined_classes(files: dict[str, list[dict]]) -> dict[frozenset, set]:
    """The people of each signature that the files of one export show together, joined on
    person_key: for each person the set of (file, quasi-identifiers as shown, level) of all
    their rows. What an analyst sees who joins the files."""
    from collections import defaultdict

    names = ["area_code", "sex", "age_band", "born_abroad", "disability", "education_level"]
    shown: dict[str, set] = defaultdict(set)
    for kind, rows in files.items():
        for row in rows:
            values = tuple(row.get(name) for name in [*names, "anonymous", "generalised"])
            shown[row["person_key"]].add((kind, values))
    classes: dict[frozenset, set] = defaultdict(set)
    for person_key, signature in shown.items():
        classes[frozenset(signature)].add(person_key)
    return classes
