"""The export file formats (SPEC §6): CSV (`;` or `,`), JSON and XLSX.

Each writer consumes the rows one at a time and never holds more than one chunk of output:
CSV and JSON are generators of byte chunks for a StreamingHttpResponse (or a file), XLSX is
written with XlsxWriter's constant_memory mode, which flushes every finished row to a temporary
file (ADR 0013). Cell values follow one convention in every format: dates as YYYY-MM-DD (real
dates in XLSX), booleans as 1/0 (true/false in JSON), unknown or hidden as an empty cell
(null in JSON)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from samverkan import csvfiles
from samverkan.csvfiles import CHUNK_BYTES

from .columns import Column

# An XLSX sheet holds at most 1 048 576 rows: the header and this many data rows. Larger exports
# continue on a second sheet (participants_2, …) with the header again.
XLSX_ROWS_PER_SHEET = 1_048_575


@dataclass(frozen=True)
class Format:
    code: str  # the `format` parameter
    extension: str
    content_type: str
    streamed: bool  # written straight into the response; XLSX is written to a file first


FORMATS = {
    "csv": Format("csv", "csv", "text/csv; charset=utf-8", True),
    "json": Format("json", "json", "application/json", True),
    "xlsx": Format(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        False,
    ),
}
# The `delimiter` parameter of CSV: semicolon (Swedish Excel's list separator, the default) or
# comma. With a semicolon decimals have a decimal comma, as Swedish Excel expects; with a comma a
# decimal point.
DELIMITERS = {"semicolon": ";", "comma": ","}


# --- CSV --------------------------------------------------------------------------------------


def csv_chunks(
    columns: list[Column],
    rows: Iterable[list],
    *,
    delimiter: str = ";",
    headers: list[str] | None = None,
) -> Iterator[bytes]:
    """UTF-8 with BOM, one header row (`headers`, by default the column names), CRLF line ends
    (RFC 4180), text cells that a spreadsheet would run as a formula defused: the product's one
    CSV writer (samverkan.csvfiles)."""
    header = headers or [column.name for column in columns]
    return csvfiles.csv_chunks(header, rows, delimiter=delimiter)


# --- JSON -------------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def json_chunks(columns: list[Column], rows: Iterable[list]) -> Iterator[bytes]:
    """One JSON array of objects keyed by column name, written row by row."""
    names = [column.name for column in columns]
    parts: list[str] = ["["]
    size = 1
    separator = "\n"
    for row in rows:
        text = json.dumps(
            {name: _json_value(value) for name, value in zip(names, row, strict=True)},
            ensure_ascii=False,
        )
        parts.append(separator)
        parts.append(text)
        separator = ",\n"
        size += len(text) + 2
        if size >= CHUNK_BYTES:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("\n]\n")
    yield "".join(parts).encode("utf-8")


# --- XLSX -------------------------------------------------------------------------------------


def xlsx_write(
    columns: list[Column],
    rows: Iterable[list],
    *,
    target,
    sheet_name: str,
    tmpdir: str | None = None,
    headers: list[str] | None = None,
) -> None:
    """Write the rows to `target` (a path or a binary file) as one workbook: a header row
    (bold, frozen), dates as real dates, booleans as 1/0, text always as text (never a formula).
    constant_memory: XlsxWriter keeps one row in memory and the rest in temporary files."""
    import xlsxwriter

    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    if tmpdir:
        options["tmpdir"] = tmpdir
    workbook = xlsxwriter.Workbook(target, options)
    try:
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        names = headers or [column.name for column in columns]
        sheets = 0

        def new_sheet():
            nonlocal sheets
            sheets += 1
            sheet = workbook.add_worksheet(sheet_name if sheets == 1 else f"{sheet_name}_{sheets}")
            for col, name in enumerate(names):
                sheet.write_string(0, col, name, bold)
            sheet.freeze_panes(1, 0)
            return sheet

        sheet = new_sheet()
        line = 0
        for row in rows:
            if line == XLSX_ROWS_PER_SHEET:
                sheet, line = new_sheet(), 0
            line += 1
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_number(line, col, int(value))
                elif isinstance(value, dt.date):
                    sheet.write_datetime(line, col, value, date_format)
                elif isinstance(value, int):
                    sheet.write_number(line, col, value)
                elif isinstance(value, float | Decimal):
                    sheet.write_number(line, col, float(value))
                else:
                    sheet.write_string(line, col, str(value))
    finally:
        workbook.close()
