"""Benchmark (`make bench`): a 100 000-row status file imports in well under a minute (SPEC §6,
issue 6), and importing it again (every row already there) is as quick."""

import datetime as dt
import time

import pytest

from cases.models import StatusEntry
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import csv_file
from .test_queries import numbers

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

PEOPLE = 10_000
PER_PERSON = 10
CODES = ["openly_unemployed", "labour_market_programme", "work_subsidised", "education", "other"]


def timed(**kwargs):
    started = time.perf_counter()
    result = import_file(**kwargs)
    return result, time.perf_counter() - started


def test_100000_status_rows_import_in_well_under_a_minute(area, coordinator, capsys):
    people = numbers(PEOPLE)
    persons = csv_file(
        "persons", *(f"{n};Test;Person {i};0;gymnasial;0" for i, n in enumerate(people))
    )
    first = dt.date(2020, 1, 6)
    status = csv_file(
        "status",
        *(
            f"{n};{first + dt.timedelta(days=14 * k)};{CODES[(i + k) % len(CODES)]}"
            for i, n in enumerate(people)
            for k in range(PER_PERSON)
        ),
    )

    persons_result, persons_seconds = timed(
        kind="persons", data=persons, context=AccessContext.for_user(coordinator)
    )
    status_result, status_seconds = timed(
        kind="status", data=status, context=AccessContext.for_user(coordinator)
    )
    again_result, again_seconds = timed(
        kind="status", data=status, context=AccessContext.for_user(coordinator)
    )

    with capsys.disabled():
        print(
            f"\n[bench] persons: {persons_result.rows} rader på {persons_seconds:.1f} s"
            f"\n[bench] status: {status_result.rows} rader ({len(status) / 2**20:.1f} MB) "
            f"på {status_seconds:.1f} s"
            f"\n[bench] status igen (allt fanns redan): {again_seconds:.1f} s"
        )
    assert status_result.created == PEOPLE * PER_PERSON == 100_000
    assert (again_result.created, again_result.existing) == (0, 100_000)
    assert StatusEntry.objects.count() == 100_000
    assert status_seconds < 30
    assert again_seconds < 30
