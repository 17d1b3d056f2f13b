"""Reading an import file (SPEC §6): UTF-8 (a byte-order mark is accepted), `;`-separated, one
header row with exactly the documented columns. Anything that makes the file as a whole unusable
is a file-level error (ImportRejected with `file_error`); a bad row is reported with its line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .results import ImportRejected

# A generous ceiling: a 100 000-row status file is about 3.5 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024
# No documented column is anywhere near this long; a longer line is not an import row.
MAX_LINE_CHARS = 4000


@dataclass(frozen=True)
class Row:
    line: int  # the file's line number where the row begins (the header is line 1)
    cells: dict[str, str]  # column -> the cell, surrounding spaces removed
    raw: tuple[str, ...]  # the cells as written, to recognise a duplicate line
    problem: str = ""  # set when the row cannot be read into the columns at all


def _reject(kind: str, message: str):
    raise ImportRejected(kind=kind, file_error=message)


def decode(kind: str, data: bytes) -> str:
    if not data or not data.strip():
        _reject(kind, _("Filen är tom."))
    if len(data) > MAX_FILE_BYTES:
        _reject(
            kind,
            _("Filen är större än %(mb)d MB; dela upp den.") % {"mb": MAX_FILE_BYTES // 2**20},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _reject(kind, _("Filen är inte en textfil i teckenkodningen UTF-8."))
    if "\x00" in text:
        _reject(kind, _("Filen innehåller binära tecken och är inte en textfil."))
    return text


def _check_header(kind: str, header: list[str], columns: tuple[str, ...]) -> list[str]:
    names = [name.strip() for name in header]
    expected = ", ".join(columns)
    if len(names) == 1 and ";" not in names[0] and ("," in names[0] or "\t" in names[0]):
        _reject(
            kind,
            _(
                "Rubrikraden är inte semikolonseparerad. Fälten ska skiljas med ; och "
                "kolumnerna vara: %(expected)s."
            )
            % {"expected": expected},
        )
    missing = [c for c in columns if c not in names]
    unknown = [n for n in names if n not in columns]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(_("Kolumner saknas: %(c)s.") % {"c": ", ".join(missing)})
    if unknown:
        shown = ", ".join(f"'{n[:40]}'" for n in unknown[:10])
        problems.append(_("Okända kolumner: %(c)s.") % {"c": shown})
    if doubled:
        problems.append(_("Kolumner som förekommer två gånger: %(c)s.") % {"c": ", ".join(doubled)})
    if problems:
        problems.append(
            _("Filtypen %(kind)s har exakt kolumnerna: %(expected)s.")
            % {"kind": kind, "expected": expected}
        )
        _reject(kind, " ".join(problems))
    return names


def read_rows(kind: str, data: bytes, columns: tuple[str, ...]) -> list[Row]:
    """The data rows of the file; completely empty lines are skipped."""
    text = decode(kind, data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    rows: list[Row] = []
    names: list[str] | None = None
    line = 1
    try:
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            start, line = line, reader.line_num + 1
            if names is None:
                if not any(cell.strip() for cell in record):
                    continue
                names = _check_header(kind, record, columns)
                continue
            if not any(cell.strip() for cell in record):
                continue
            if sum(len(cell) for cell in record) > MAX_LINE_CHARS:
                rows.append(
                    Row(
                        start,
                        {},
                        (),
                        _("Raden är för lång (över %(n)d tecken).") % {"n": MAX_LINE_CHARS},
                    )
                )
                continue
            raw = tuple(record)
            if len(record) != len(names):
                rows.append(
                    Row(
                        start,
                        {},
                        raw,
                        _(
                            "Raden har %(got)d fält men rubrikraden har %(want)d. Fälten ska "
                            "skiljas med semikolon (;)."
                        )
                        % {"got": len(record), "want": len(names)},
                    )
                )
                continue
            cells = {name: cell.strip() for name, cell in zip(names, record, strict=True)}
            rows.append(Row(start, cells, tuple(cell.strip() for cell in record)))
    except csv.Error as exc:
        _reject(
            kind,
            _("Filen kan inte läsas som semikolonseparerad text (rad %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": str(exc)[:200]},
        )
    if names is None:
        _reject(kind, _("Filen är tom."))
    if not rows:
        _reject(kind, _("Filen har bara en rubrikrad och inga rader att importera."))
    return rows
