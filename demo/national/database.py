"""What the generator asks of the database beyond COPY: that it starts empty, that the sequences
end up past the ids it wrote, and fresh statistics (ANALYZE).

The application's role (ADR 0020) may insert but owns nothing: it may neither move a sequence
with `setval` (that needs UPDATE on the sequence) nor, before PostgreSQL 17's MAINTAIN
privilege, ANALYZE a table. Where it lacks a right, the owner's connection is used, taken as
the test set-up takes it (`DATABASE_OWNER_URL`, on the database the application is connected
to); without one, a sequence is moved forward with `nextval`, which the role may call, and the
statistics are left to autovacuum."""

from __future__ import annotations

import contextlib
import os

from django.db import connection

from .tables import KEY, TABLES

OWNER_URL = "DATABASE_OWNER_URL"


def present(cursor) -> dict[str, int]:
    """What would clash with a generated dataset: cases and people already there."""
    found = {}
    for label, table in (("ärenden", "cases_case"), ("personer", "cases_person")):
        query = f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1000000) AS t"  # noqa: S608
        cursor.execute(query)
        found[label] = int(cursor.fetchone()[0])
    return {label: n for label, n in found.items() if n}


@contextlib.contextmanager
def owner_connection():
    """The owner's psycopg2 connection to the database of Django's connection, autocommit; None
    when no owner URL is set."""
    url = os.environ.get(OWNER_URL)
    if not url:
        yield None
        return
    import psycopg2

    conn = psycopg2.connect(url, dbname=connection.settings_dict["NAME"])
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


def _sequence(cursor, table: str) -> str | None:
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, KEY[table]])
    return cursor.fetchone()[0]


def sequences_advance(cursor, last_ids: dict[str, int]) -> None:
    """Set each table's sequence so the next id given is past `last_ids[table]` (never back)."""
    pending = []
    for table, last in last_ids.items():
        sequence = _sequence(cursor, table)
        if sequence is None:
            continue
        cursor.execute("SELECT has_sequence_privilege(%s, 'UPDATE')", [sequence])
        if cursor.fetchone()[0]:
            _setval(cursor, sequence, last)
        else:
            pending.append((sequence, last))
    if not pending:
        return
    with owner_connection() as owner:
        for sequence, last in pending:
            if owner is not None:
                with owner.cursor() as owner_cursor:
                    _setval(owner_cursor, sequence, last)
            else:
                _nextval_past(cursor, sequence, last)


# `sequence` below is PostgreSQL's own answer from pg_get_serial_sequence, already quoted.


def _setval(cursor, sequence: str, last: int) -> None:
    query = f"SELECT setval(%s, greatest(%s, (SELECT last_value FROM {sequence})), true)"  # noqa: S608
    cursor.execute(query, [sequence, last])


def _nextval_past(cursor, sequence: str, last: int) -> None:
    """Without UPDATE on the sequence: draw values until it is past `last`."""
    drawn = "CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
    query = f"SELECT {drawn} FROM {sequence}"  # noqa: S608
    cursor.execute(query)
    behind = last - int(cursor.fetchone()[0])
    if behind > 0:
        cursor.execute("SELECT count(nextval(%s)) FROM generate_series(1, %s)", [sequence, behind])


def tables_to_analyze() -> list[str]:
    return list(TABLES)


def analyze(cursor, *, in_outer_transaction: bool) -> list[str]:
    """ANALYZE the generated tables the connected role may analyze (its own transaction sees
    the rows even before they are committed); the rest with the owner's connection, which sees
    them only once committed. Returns the tables left to autovacuum."""
    cursor.execute("SHOW server_version_num")
    maintain = int(cursor.fetchone()[0]) >= 170000
    own, other = [], []
    for table in tables_to_analyze():
        if maintain:
            cursor.execute("SELECT has_table_privilege(%s, 'MAINTAIN')", [table])
        else:
            cursor.execute(
                "SELECT pg_has_role(relowner, 'MEMBER') FROM pg_class WHERE oid = %s::regclass",
                [table],
            )
        (own if cursor.fetchone()[0] else other).append(table)
    if own:
        cursor.execute("ANALYZE " + ", ".join(own))
    if not other or in_outer_transaction:
        return other
    with owner_connection() as owner:
        if owner is None:
            return other
        with owner.cursor() as owner_cursor:
            owner_cursor.execute("ANALYZE " + ", ".join(other))
    return []
