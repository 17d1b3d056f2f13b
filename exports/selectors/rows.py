"""Reading an export's rows (SPEC §6: memory stays flat at any size; ADR 0013): a server-side
cursor read in chunks, planned for every row, each row put in column order with the subject the
access log records. Python only renames, pseudonymises (the person's key, and in a coarsened
export the records' keys) and, for coarsened exports, empties what an anonymous participant
must not show (SPEC §3). The API's CSV file does not come this way: PostgreSQL writes it from
the same query (exports.selectors.csvsql); JSON, XLSX and the browser's files do."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.db import DatabaseError, connection

from ..columns import KINDS, columns_for
from .queries import LOGGED_AS, ROW_ID, ExportQuery, export_queryset, export_sql

# Rows fetched from the server-side cursor at a time: the most rows Python holds at once (and
# the size of a batch of access-log entries, exports.services.run).
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Subject:
    """What the access log records for one exported row."""

    object_type: str
    object_id: int
    person_id: int
    area_id: int
    # Off the exporter's caseload (exported with a stated reason): logged as such.
    outside_caseload: bool = False


def export_rows(
    query: ExportQuery, *, user, today: dt.date, person_key, chunk_size: int | None = None
) -> Iterator[tuple[list, Subject]]:
    """Each row of the export as (values in column order, subject), read from a server-side
    cursor `chunk_size` rows at a time. `person_key(personnummer)` is the export's pseudonym."""
    columns = columns_for(query.kind, full_identity=query.full_identity)
    names = [column.name for column in columns]
    blank_if_anonymous = {i for i, column in enumerate(columns) if not column.kept_for_anonymous}
    coarsened = not query.full_identity
    # A coarsened export names records by keys of this export only: its ids would link it to
    # the next export (and their order is the order of registration).
    records = {c.name: c.record for c in KINDS[query.kind] if c.record} if coarsened else {}
    chunk_size = chunk_size or CHUNK_SIZE
    with _planned_for_all_rows():
        if coarsened:
            raw_rows = _sql_rows(*export_sql(query, user=user, today=today), chunk_size)
        else:
            raw_rows = export_queryset(query, user=user, today=today).iterator(
                chunk_size=chunk_size
            )
        yield from _shaped(
            raw_rows,
            names=names,
            person_key=person_key,
            records=records,
            blank=blank_if_anonymous if coarsened else set(),
            logged_as=LOGGED_AS[query.kind],
            row_id=ROW_ID[query.kind],
        )


def _sql_rows(sql: str, params, chunk_size: int):
    """The rows of `sql` as dicts, from a server-side cursor (as QuerySet.iterator reads)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchmany(chunk_size)
        # A named cursor describes its columns once the first rows are fetched.
        names = [column[0] for column in cursor.description or ()]
        while rows:
            for row in rows:
                yield dict(zip(names, row, strict=True))
            rows = cursor.fetchmany(chunk_size)


@contextmanager
def _planned_for_all_rows():
    """PostgreSQL plans a cursor for a fast first row (cursor_tuple_fraction 0.1): nested
    loops and per-row subqueries, which made a 20 000-row export fifty times slower than the same
    query read at once. An export reads every row, so its cursor is planned for all of them."""
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        yield
    finally:
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET cursor_tuple_fraction")


def _shaped(rows, *, names, person_key, records, blank, logged_as, row_id):
    for raw in rows:
        values = []
        for name in names:
            if name == "person_key":
                values.append(person_key(raw["x_personnummer"]))
            elif name in records:
                value = raw[f"x_{name}"]
                values.append(None if value is None else person_key(f"{records[name]}:{value}"))
            elif name == "participants":
                codes = raw["x_participants"]
                if isinstance(codes, str):  # a JSON array read by plain SQL (a coarsened export)
                    codes = json.loads(codes)
                values.append("|".join(codes or []) or None)
            else:
                value = raw[f"x_{name}"]
                # A blank code or text is "not recorded": empty in every format (null in JSON).
                values.append(None if value == "" else value)
        if blank and raw["x_anonymous"]:
            values = [None if i in blank else v for i, v in enumerate(values)]
        subject = Subject(
            logged_as,
            raw[f"x_{row_id}"],
            raw["x_subject_person_id"],
            raw["x_subject_area_id"],
            bool(raw.get("x_outside_caseload")),
        )
        yield values, subject
