"""The participants' CSV export through the real streaming endpoint against PostgreSQL's own
COPY of the same columns, and the server process's memory while it streams.

The floor is the export's own rows through COPY: the same SELECT the endpoint copies (the
reader's scope, the pseudonyms and, for a coarsened export, its grading, made in the floor's
run too), without the request, the access log and the stream. A second figure compares with
COPY straight from the tables (no scope, no coarsening, no pseudonyms): what the export's
rules cost on top of reading the rows."""

from __future__ import annotations

import io
import statistics
import threading
import time

import psutil
from django.db import connection, transaction

from cases.models import Case
from exports.headers import LABELS
from exports.pseudonyms import PersonKey
from exports.selectors.csvsql import export_csv_sql, export_source, export_source_types
from exports.services.run import ExportRun
from exports.services.spec import export_spec_parse
from samverkan.services import AccessContext

from .session import logged_in
from .timing import emit

TARGET = 0.80
MEMORY_MB = 100

# COPY straight from the tables: the participants' own columns, nothing checked or hidden.
TABLES_SQL = """COPY (
    SELECT c.id, a.code, c.referral_date, c.start_date, c.end_date, c.phase, c.target_group,
           c.exit_reason, p.sex, p.birth_date, p.born_abroad, p.disability, p.education_level,
           p.protected_identity
    FROM cases_case c JOIN cases_person p ON p.id = c.person_id
    JOIN accounts_area a ON a.id = c.area_id
) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"""


def _copied(statement: str, before=()) -> tuple[float, int]:
    sink = io.BytesIO()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in before:
            cursor.execute(sql, params)
        cursor.cursor.copy_expert(statement, sink)
    return time.perf_counter() - start, sink.getvalue().count(b"\n")


def _tables_floor() -> tuple[float, int]:
    return _copied(TABLES_SQL)


def _export_floor(user) -> tuple[float, int]:
    """(seconds, rows) of COPY of the export's own SELECT for `user`, its grading included;
    rolled back, so nothing of it is kept."""
    context = AccessContext.for_user(user, purpose="bänk: golvet")
    spec = export_spec_parse(context=context, kind="participants", data={"format": "csv"})
    with transaction.atomic():
        start = time.perf_counter()
        run = ExportRun(context=context, spec=spec)
        source = export_source(run.query, user=user, today=run.today)
        key = PersonKey(run.export_id)
        sql, params = export_csv_sql(
            run.query,
            rows=source,
            types=export_source_types(*source),
            person_key=key,
            delimiter=";",
            labelled=run.spec.headers == LABELS,
        )
        with connection.cursor() as cursor:
            select = cursor.cursor.mogrify(sql, params).decode("utf-8")
        copy_s, rows = _copied(
            f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', ENCODING 'UTF8')",
            before=(key.settings_sql(),),
        )
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds, rows


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


# A file and its floor are made in turn until they have taken this long together (at most
# MOST_RUNS times each), and the medians compared: a small file varies a great deal from one
# run to the next, a national one takes minutes.
BUDGET_S = 20
MOST_RUNS = 5


def _side_by_side(client, user) -> tuple[float, int, float, float, int]:
    """(seconds, rows, memory growth MB) of the endpoint and (seconds, rows) of the floor:
    medians of alternating runs."""
    runs, floors = [], []
    while len(runs) < MOST_RUNS:
        runs.append(_through_endpoint(client))
        floors.append(_export_floor(user))
        if sum(r[0] for r in runs) + sum(f[0] for f in floors) > BUDGET_S:
            break
    seconds = statistics.median(r[0] for r in runs)
    floor_s = statistics.median(f[0] for f in floors)
    return seconds, runs[0][1], max(r[2] for r in runs), floor_s, floors[0][1]


def export(analyst, coordinator) -> list[dict]:
    lines = []
    tables_s, tables_rows = _tables_floor()
    tables_rate = tables_rows / tables_s
    for label, user in (
        ("nationell, pseudonymiserad (analytiker)", analyst),
        ("områdets, full identitet (samordnare)", coordinator),
    ):
        seconds, rows, grown, floor_s, floor_rows = _side_by_side(logged_in(user), user)
        rate = rows / seconds if seconds else 0
        floor_rate = floor_rows / floor_s if floor_s else 0
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
                share_of_copy_percent=100 * rate / floor_rate if floor_rate else None,
                tables_copy_rows_per_s=round(tables_rate),
                memory_growth_mb=grown,
                cases=Case.objects.count(),
            )
        )
    return lines
