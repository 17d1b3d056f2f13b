"""The number of queries of an import does not depend on the number of rows (SPEC §6: 100 000
status rows in well under a minute): every lookup is one query filling a dict, every write one
bulk INSERT per table."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Person, StatusEntry
from cases.tests.factories import make_personnummer
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import csv_file

pytestmark = pytest.mark.django_db

PEOPLE = 1000
FIRST_BIRTH = dt.date(1960, 1, 1)


def numbers(count: int) -> list[str]:
    return [
        make_personnummer(FIRST_BIRTH + dt.timedelta(days=i), serial=i % 997) for i in range(count)
    ]


def register(area, count: int) -> list[str]:
    found = numbers(count)
    Person.objects.bulk_create(
        Person(
            personnummer=n,
            first_name="Test",
            last_name=f"Person {i}",
            area=area,
            sex="K",
            birth_date=FIRST_BIRTH + dt.timedelta(days=i),
        )
        for i, n in enumerate(found)
    )
    return found


def queries_of(coordinator, kind: str, data: bytes) -> tuple[int, object]:
    user = get_user_model().objects.get(pk=coordinator.pk)  # no cached scope
    with CaptureQueriesContext(connection) as captured:
        result = import_file(kind=kind, data=data, context=AccessContext.for_user(user))
    return len(captured), result


def status_file(people: list[str], per_person: int) -> bytes:
    codes = [
        "openly_unemployed",
        "labour_market_programme",
        "work_subsidised",
        "education",
        "other",
    ]
    first = dt.date(2021, 1, 4)
    return csv_file(
        "status",
        *(
            f"{n};{first + dt.timedelta(days=7 * k)};{codes[k % len(codes)]}"
            for n in people
            for k in range(per_person)
        ),
    )


def test_a_status_import_takes_the_same_queries_for_50_and_5000_rows(area, coordinator):
    people = register(area, PEOPLE)

    small, result_small = queries_of(coordinator, "status", status_file(people[:10], 5))
    large, result_large = queries_of(coordinator, "status", status_file(people, 5))

    assert (result_small.created, result_large.created) == (50, 5000 - 50)
    assert result_large.existing == 50
    assert StatusEntry.objects.count() == 5000
    # savepoint, lock, the user's scope (accounts.scoping: one), status codes, persons, stored
    # entries, the entries with their history (one statement), the access log (the people
    # written, the summary), release: one batch (imports.base.BATCH_ROWS)
    assert small == large == 10


def test_a_persons_import_takes_the_same_queries_for_50_and_5000_rows(area, coordinator):
    people = numbers(5000)

    def persons_file(some):
        return csv_file(
            "persons", *(f"{n};Test;Person {i};0;gymnasial;0" for i, n in enumerate(some))
        )

    small, _ = queries_of(coordinator, "persons", persons_file(people[:50]))
    large, result = queries_of(coordinator, "persons", persons_file(people))

    assert (result.created, result.existing) == (4950, 50)
    assert small == large


def test_a_cases_import_takes_the_same_queries_for_50_and_1000_rows(area, coordinator):
    people = register(area, PEOPLE)
    from cases.models import Consent

    Consent.objects.bulk_create(
        Consent(person=p, given_on=dt.date(2026, 1, 1), covers_follow_up=True, source="import")
        for p in Person.objects.all()
    )

    def cases_file(some):
        return csv_file(
            "cases",
            *(
                f"{n};sdt;sick_unemployed;sjukpenning;;;2021-01-04;2021-01-11;2021-12-01;completed"
                for n in some
            ),
        )

    small, _ = queries_of(coordinator, "cases", cases_file(people[:50]))
    large, result = queries_of(coordinator, "cases", cases_file(people))

    assert (result.created, result.existing) == (950, 50)
    assert Case.objects.count() == PEOPLE
    assert small == large


def test_a_mappings_import_takes_the_same_queries_for_50_and_1000_rows(area, coordinator):
    people = register(area, PEOPLE)

    def mappings_file(some):
        return csv_file(
            "mappings", *(f"{n};sdt;FK;2021-01-04;sjukpenning;2020-10-01;no_action" for n in some)
        )

    small, _ = queries_of(coordinator, "mappings", mappings_file(people[:50]))
    large, result = queries_of(coordinator, "mappings", mappings_file(people))

    assert (result.created, result.existing) == (950, 50)
    assert small == large


def test_a_long_file_adds_the_same_queries_for_every_batch(area, coordinator, monkeypatch):
    # given batches of 100 rows
    from imports import base

    monkeypatch.setattr(base, "BATCH_ROWS", 100)
    people = register(area, PEOPLE)

    # when files of 3, 5 and 7 batches are imported
    three, _ = queries_of(coordinator, "status", status_file(people[:60], 5))
    five, _ = queries_of(coordinator, "status", status_file(people[60:160], 5))
    seven, result = queries_of(coordinator, "status", status_file(people[160:300], 5))

    # then each batch costs the same few queries, whatever its rows: persons, stored entries,
    # the entries, the access log, the ledger's fingerprints
    assert result.created == 700
    assert seven - five == five - three == 2 * 5
