"""An export's CSV file written by PostgreSQL (SPEC §6, §7; ADR 0013): the header row from
Python, every row from `COPY` of the export's cells computed in SQL (exports.selectors.csvsql,
exports.copystream), and for a full-identity export the access log's entry for every row
written by one `INSERT … SELECT` of the same rows.

The log must hold exactly the rows of the file, and be written before a row leaves. So a
full-identity export's rows are read once into a temporary table (the session's own, dropped at
the end; like the server-side cursor's materialised rows before, in the database's temporary
space, never in the web worker's memory); the log entries are written from it and committed in
the same transaction, and only then is the file copied from it: a download broken off, or a
worker stopped, never leaves a row sent and not logged, and no row changed meanwhile can differ
between the log and the file. Inside a caller's transaction (the tests') the log is written in
it. A coarsened export logs no rows (only the EXPORT entries of `ExportRun.log_start`) and is
copied straight from its query.

The COPY runs in a savepoint or a transaction of its own, so a COPY cancelled when the client
breaks off takes nothing else with it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AccessLog
from audit.services import LOG_COLUMNS, clean_log_text
from samverkan import csvfiles

from .. import formats
from ..copystream import copy_csv_chunks
from ..headers import LABELS
from ..pseudonyms import PersonKey
from ..selectors.csvsql import export_csv_sql, export_source, export_source_types
from ..selectors.queries import LOGGED_AS, ROW_ID


def _log_sql(run, source_sql: str, source_params: tuple) -> tuple[str, tuple]:
    """`INSERT … SELECT` of one EXPORT entry per row of the export, in the file's order, as
    ExportRun.rows logs them (exports.services.run)."""
    context = run.context
    user = context.user if context.user is not None and context.user.is_authenticated else None
    username = clean_log_text(context.username or (user.get_username() if user else ""), 150)
    meta = AccessLog._meta
    fields = [meta.get_field(name) for name in LOG_COLUMNS]

    def typed(name: str) -> str:
        return f"%s::{meta.get_field(name).cast_db_type(connection)}"

    row_id = f"r.x_{ROW_ID[run.query.kind]}"
    selected = [
        typed("occurred_at"),
        typed("user"),
        typed("username"),
        typed("action"),
        typed("object_type"),
        f"{row_id}::text",
        "r.x_subject_person_id",
        "r.x_subject_area_id",
        f"CASE WHEN r.x_outside_caseload THEN {typed('purpose')} ELSE {typed('purpose')} END",
        "COALESCE(r.x_outside_caseload, FALSE)",
        typed("ip_address"),
        typed("path"),
    ]
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "  # noqa: S608 - model names
        f"({', '.join(connection.ops.quote_name(field.column) for field in fields)}) "
        f"SELECT {', '.join(selected)} FROM ({source_sql}) AS r ORDER BY {row_id}"
    )
    params = (
        timezone.now(),
        user.pk if user else None,
        username,
        AccessLog.Action.EXPORT.value,
        clean_log_text(LOGGED_AS[run.query.kind], 50),
        clean_log_text(run.row_purpose(outside=True)),
        clean_log_text(run.row_purpose(outside=False)),
        context.client_ip,
        clean_log_text(context.path, 300),
    )
    return sql, (*params, *source_params)


def _rows_table(run) -> str:
    """The temporary table of the export's rows: named by the export (32 letters a–p)."""
    if not re.fullmatch(r"[a-p]{32}", run.export_id):
        raise ValueError("an export id is 32 letters a-p")
    return f"export_rows_{run.export_id}"


def export_csv_chunks(run) -> Iterator[bytes]:
    """The CSV file of `run` (an ExportRun) as byte chunks, its rows logged as they are read."""
    delimiter = formats.DELIMITERS[run.spec.delimiter]
    source = export_source(run.query, user=run.user, today=run.today)
    types = export_source_types(*source)
    table = _rows_table(run) if run.query.full_identity else None
    person_key = PersonKey(run.export_id)
    cells = export_csv_sql(
        run.query,
        rows=(f"SELECT * FROM {table}", ()) if table else source,  # noqa: S608 - checked name
        types=types,
        person_key=person_key,
        delimiter=delimiter,
        labelled=run.spec.headers == LABELS,
    )
    header = csvfiles.csv_bytes(run.headers, [], delimiter=delimiter)
    return _chunks(run, header, source, table, cells, delimiter, person_key.settings_sql())


def _chunks(run, header: bytes, source, table, cells, delimiter: str, key) -> Iterator[bytes]:
    try:
        if table:
            source_sql, source_params = source
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {source_sql}", source_params)
                cursor.execute(*_log_sql(run, f"SELECT * FROM {table}", ()))  # noqa: S608
        yield header
        # A savepoint: a COPY cancelled by a broken-off download leaves the log in place.
        with transaction.atomic():
            run.rows_done = yield from copy_csv_chunks(*cells, delimiter=delimiter, before=(key,))
    finally:
        if table:
            with suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
