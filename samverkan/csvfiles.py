"""The one CSV writer of the product (SPEC §6): the exports, the dashboard's table downloads and
the report API's `?format=csv` all write their files here, so every CSV file has the same shape
and the same protection.

- UTF-8 starting with a byte order mark: Excel, which the agencies use, reads a file as UTF-8
  only then (without it "Kön" and "Utrikes födda" come out garbled on a Swedish Windows machine);
- `;` by default (Swedish Excel's list separator) or `,`; with `;` decimals get a decimal comma;
- CRLF line ends (RFC 4180), one header row;
- **the formula guard**: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
  is taken for a formula by a spreadsheet opening the file (CSV injection, OWASP), and names and
  labels come from user records, so such a cell gets a leading apostrophe and is shown as text.
  Numbers are written as numbers (a negative count is never a formula);
- None is an empty cell (unknown, or hidden by small-cell suppression).

Written in chunks, so an export of any size streams with flat memory (ADR 0013). This module
imports no app: it is the project package's, below every app that writes a file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

BOM = "\ufeff"
# Bytes gathered before a chunk is handed on: big enough that the per-chunk overhead does not
# matter, small enough that memory stays flat.
CHUNK_BYTES = 64 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEMICOLON = ";"


def guarded(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell_text(value, *, decimal_comma: bool = True) -> str:
    """One cell: None empty, booleans 1/0, dates YYYY-MM-DD, decimals with a decimal comma when
    asked, text through the formula guard."""
    if value is None:
        return ""
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, str):
        return guarded(value)
    return str(value)


def csv_chunks(
    header: Iterable[str],
    rows: Iterable[Iterable],
    *,
    delimiter: str = SEMICOLON,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """The file as UTF-8 byte chunks: the BOM, the header row, then every row (module
    docstring). `rows` is consumed one row at a time."""
    decimal_comma = delimiter == SEMICOLON
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([cell_text(name, decimal_comma=decimal_comma) for name in header])
    for row in rows:
        writer.writerow([cell_text(value, decimal_comma=decimal_comma) for value in row])
        if buffer.tell() >= chunk_bytes:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable], *, delimiter=SEMICOLON) -> bytes:
    """A small file in one piece (a dashboard table, a report)."""
    return b"".join(csv_chunks(header, rows, delimiter=delimiter))
