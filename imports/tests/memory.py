"""Measuring an import's memory (`make bench`, imports/tests/test_bench_memory.py): a large
valid status file of registered people, and the peak resident memory a function adds when run
in a child process of its own."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import resource
from pathlib import Path

import psutil
from django.db import connections

from cases.models import Person
from cases.tests.factories import make_personnummer

FIRST_BIRTH = dt.date(1950, 1, 1)
SERIALS = 900
CODES = ["openly_unemployed", "labour_market_programme", "work_subsidised", "education", "other"]


def many_numbers(count: int) -> list[str]:
    """`count` distinct valid personnummer, born 1950 onwards (900 a day)."""
    return [
        make_personnummer(FIRST_BIRTH + dt.timedelta(days=i // SERIALS), serial=i % SERIALS)
        for i in range(count)
    ]


def register(area, numbers: list[str]) -> None:
    """The people, registered in `area` without the import (quickly)."""
    Person.objects.bulk_create(
        (
            Person(
                personnummer=n,
                first_name="Test",
                last_name=f"Person {i}",
                area=area,
                sex="K",
                birth_date=dt.date(int(n[:4]), int(n[4:6]), int(n[6:8])),
            )
            for i, n in enumerate(numbers)
        ),
        batch_size=5000,
    )


def write_status_file(path: Path, numbers: list[str], *, size: int, per_person: int = 20) -> int:
    """A valid status file of at most `size` bytes, filled: person after person (as an AIS
    extract lists them), an entry a fortnight each. Returns the number of data rows."""
    first = dt.date(2000, 1, 3)
    days = [(first + dt.timedelta(days=14 * k)).isoformat() for k in range(per_person)]
    header = "personnummer;date;status_code\n"
    rows = 0
    written = len(header)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(header)
        for i, n in enumerate(numbers):
            for k, day in enumerate(days):
                line = f"{n};{day};{CODES[(i + k) % len(CODES)]}\n"
                if written + len(line) > size:
                    return rows
                out.write(line)
                written += len(line)
                rows += 1
    return rows


def _child(function, queue) -> None:
    start = psutil.Process().memory_info().rss
    try:
        outcome = function()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as it is
        outcome = exc
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    queue.put((max(0, peak - start), repr(outcome)))


def peak_growth(function) -> tuple[int, str]:
    """Run `function` in a forked child (its own database connection) and return the bytes its
    peak resident memory grew above what the child started with, and its outcome."""
    connections.close_all()
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    child = fork.Process(target=_child, args=(function, queue))
    child.start()
    growth, outcome = queue.get()
    child.join()
    return growth, outcome
