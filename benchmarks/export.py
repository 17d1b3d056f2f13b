"""The participants' CSV export through the real streaming endpoint against PostgreSQL's own
COPY of the export's rows, and the server process's memory while it streams."""

from __future__ import annotations

import io
import threading
import time

import psutil
from django.db import connection

from cases.models import Case

from .session import logged_in
from .timing import emit

TARGET = 0.80
MEMORY_MB = 100

# The floor: the participants' own columns, read by COPY straight from the tables.
FLOOR_SQL = """COPY (
    SELECT c.id, a.code, c.referral_date, c.start_date, c.end_date, c.phase, c.target_group,
           c.exit_reason, p.sex, p.birth_date, p.born_abroad, p.disability, p.education_level,
           p.protected_identity
    FROM cases_case c JOIN cases_person p ON p.id = c.person_id
    JOIN accounts_area a ON a.id = c.area_id
) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"""


def _floor() -> tuple[float, int]:
    sink = io.BytesIO()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(FLOOR_SQL, sink)
    seconds = time.perf_counter() - start
    return seconds, sink.getvalue().count(b"\n")


def _through_endpoint(client) -> tuple[float, int, float]:
    """(seconds, rows, the process's peak memory growth in MB) of one export, read to the end."""
    process = psutil.Process()
    before = process.memory_info().rss
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    response = client.get("/api/v1/exports/participants/", {"format": "csv"})
    assert response.status_code == 200, response.status_code
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return seconds, lines - 1, (peak[0] - before) / 2**20


def export(analyst, coordinator) -> list[dict]:
    lines = []
    floor_s, floor_rows = _floor()
    floor_rate = floor_rows / floor_s
    for label, user in (
        ("nationell, pseudonymiserad (analytiker)", analyst),
        ("områdets, full identitet (samordnare)", coordinator),
    ):
        client = logged_in(user)
        seconds, rows, grown = _through_endpoint(client)
        rate = rows / seconds if seconds else 0
        lines.append(
            emit(
                f"CSV-export av deltagare, {label}",
                product_ms=seconds * 1000,
                floor_ms=floor_s * 1000 * rows / max(floor_rows, 1),
                target=f"≥ {TARGET:.0%} av COPY:s rader/s, minne < {MEMORY_MB} MB",
                met=rate >= TARGET * floor_rate and grown < MEMORY_MB,
                rows=rows,
                rows_per_s=round(rate),
                copy_rows_per_s=round(floor_rate),
                memory_growth_mb=grown,
                cases=Case.objects.count(),
            )
        )
    return lines
