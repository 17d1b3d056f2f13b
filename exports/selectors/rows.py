"""Reading an export's rows (SPEC §6: memory stays flat at any size; ADR 0013): a server-side
cursor read in chunks, planned for every row, each row put in column order with the subject the
access log records. Python only renames, pseudonymises and, for pseudonymised exports, empties
what an anonymous participant must not show (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.db import DatabaseError, connection

from ..columns import columns_for
from .queries import LOGGED_AS, ROW_ID, ExportQuery, export_queryset

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


def export_rows(
    query: ExportQuery, *, user, today: dt.date, person_key, chunk_size: int | None = None
) -> Iterator[tuple[list, Subject]]:
    """Each row of the export as (values in column order, subject), read from a server-side
    cursor `chunk_size` rows at a time. `person_key(personnummer)` is the export's pseudonym."""
    columns = columns_for(query.kind, full_identity=query.full_identity)
    names = [column.name for column in columns]
    blank_if_anonymous = {i for i, column in enumerate(columns) if not column.kept_for_anonymous}
    pseudonymised = not query.full_identity
    logged_as = LOGGED_AS[query.kind]
    row_id = ROW_ID[query.kind]
    queryset = export_queryset(query, user=user, today=today)
    with _planned_for_all_rows():
        yield from _shaped(
            queryset.iterator(chunk_size=chunk_size or CHUNK_SIZE),
            names=names,
            person_key=person_key,
            blank=blank_if_anonymous if pseudonymised else set(),
            logged_as=logged_as,
            row_id=row_id,
        )


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


def _shaped(rows, *, names, person_key, blank, logged_as, row_id):
    for raw in rows:
        values = []
        for name in names:
            if name == "person_key":
                values.append(person_key(raw["x_personnummer"]))
            elif name == "participants":
                values.append("|".join(raw["x_participants"] or []) or None)
            else:
                value = raw[f"x_{name}"]
                # A blank code or text is "not recorded": empty in every format (null in JSON).
                values.append(None if value == "" else value)
        if blank and raw["x_anonymous"]:
            values = [None if i in blank else v for i, v in enumerate(values)]
        subject = Subject(
            logged_as, raw[f"x_{row_id}"], raw["x_subject_person_id"], raw["x_subject_area_id"]
        )
        yield values, subject
