"""What an import remembers of rows already read, for the rules between rows of one file
(SPEC §6: a line given twice, or two rows with the same natural key, reject the file).

Within a batch the import compares rows in memory. Across batches the fingerprints (an MD5
of the line's cells and of the row's natural key) go to a temporary table in the import's own
transaction, and one query finds the repeats at the end: memory stays flat however long the
file, and PostgreSQL sorts on disk when it must. A file of one batch never creates the table."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

TABLE = "imports_ledger"
FETCH = 2000


def fingerprint(values: tuple) -> bytes:
    """16 bytes for a line's cells or a natural key (a tuple of strings, numbers and dates,
    whose repr is exact: `('a', 'bc')` and `('ab', 'c')` differ)."""
    return hashlib.md5(repr(values).encode(), usedforsecurity=False).digest()


@dataclass(frozen=True)
class Entry:
    line: int
    raw: bytes
    key: bytes | None  # None: the row was rejected before its key was known
    bad: bool  # the row is already rejected (so a repeat adds a reason, not a rejected row)


@dataclass(frozen=True)
class Repeat:
    line: int
    first: int  # the earlier line it repeats
    whole_line: bool  # the same cells (else: the same natural key)
    bad: bool


class Ledger:
    def __init__(self):
        self._pending: list[Entry] = []
        self._table = False

    def add(self, entries: list[Entry]) -> None:
        """The entries of one batch. They reach the table only once a second batch comes."""
        if self._pending:
            self._flush()
        self._pending = entries

    def _flush(self) -> None:
        with connection.cursor() as cursor:
            if not self._table:
                cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {TABLE} (line integer NOT NULL, raw bytea NOT NULL, "
                    "key bytea, bad boolean NOT NULL) ON COMMIT DROP"
                )
                self._table = True
            cursor.execute(
                f"INSERT INTO {TABLE} SELECT * FROM unnest(%s::integer[], %s::bytea[], "  # noqa: S608 - a constant name
                "%s::bytea[], %s::boolean[])",
                [
                    [e.line for e in self._pending],
                    [e.raw for e in self._pending],
                    [e.key for e in self._pending],
                    [e.bad for e in self._pending],
                ],
            )
        self._pending = []

    def repeats(self) -> Iterator[Repeat]:
        """Lines repeating an earlier batch's line or key, in line order (repeats within a
        batch were found in memory and are not in the ledger)."""
        if not self._table:
            return
        if self._pending:
            self._flush()
        sql = f"""
            SELECT line, raw_first, key_first, bad FROM (
                SELECT line, key, bad,
                    min(line) OVER (PARTITION BY raw) AS raw_first,
                    min(line) OVER (PARTITION BY key) AS key_first
                FROM {TABLE}
            ) t
            WHERE line <> raw_first OR (key IS NOT NULL AND line <> key_first)
            ORDER BY line
        """  # noqa: S608 - a constant name
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql)
            while found := cursor.fetchmany(FETCH):
                for line, raw_first, key_first, bad in found:
                    whole = line != raw_first
                    yield Repeat(line, raw_first if whole else key_first, whole, bad)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        self._table = False
