"""Reading an import file (SPEC §6): UTF-8 (a byte-order mark is accepted), `;`-separated, one
header row with exactly the documented columns. Anything that makes the file as a whole unusable
is a file-level error (ImportRejected with `file_error`); a bad row is reported with its line.

The file is read as a stream (a binary file: the upload Django keeps on disk, the saved copy
under IMPORT_DIR, a file on the command line): rows come one at a time, so memory does not grow
with the file (README "Import", "Memory")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

from .results import ImportRejected

# A generous ceiling: a 100 000-row status file is about 3.5 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024
# No documented column is anywhere near this long; a longer line is not an import row.
MAX_LINE_CHARS = 4000
# A physical line longer than this is not text meant for import (and is never read whole).
MAX_PHYSICAL_LINE = 64 * 1024
READ_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class Row:
    line: int  # the file's line number where the row begins (the header is line 1)
    cells: dict[str, str]  # column -> the cell, surrounding spaces removed
    raw: tuple[str, ...]  # the cells as written, to recognise a duplicate line
    problem: str = ""  # set when the row cannot be read into the columns at all


def _reject(kind: str, message: str):
    raise ImportRejected(kind=kind, file_error=message)


def _check_header(
    kind: str, header: list[str], columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[str]:
    """The header's names. Every one of `columns` must be there; each of `optional` may be
    (a file written before the column existed keeps working); nothing else may."""
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
    unknown = [n for n in names if n not in columns and n not in optional]
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
        if optional:
            problems.append(
                _("Den kan också ha kolumnerna: %(optional)s.") % {"optional": ", ".join(optional)}
            )
        _reject(kind, " ".join(problems))
    return names


def file_size(source: BinaryIO) -> int:
    """The size of a seekable binary file, read from its end (the read position is kept)."""
    here = source.tell()
    size = source.seek(0, io.SEEK_END)
    source.seek(here)
    return size


def count_lines(source: BinaryIO) -> int:
    """The file's line count, read in blocks (for the progress bar only: a quoted field may span
    lines, and blank lines are skipped)."""
    here = source.tell()
    lines = 0
    last = b"\n"
    while block := source.read(READ_BLOCK):
        lines += block.count(b"\n")
        last = block[-1:]
    source.seek(here)
    return lines + (last != b"\n")


def _physical_lines(kind: str, text: io.TextIOBase):
    """The file's lines, one at a time and each of bounded length, so neither a line without
    an end nor a binary file is ever held whole."""
    number = 0
    while True:
        try:
            line = text.readline(MAX_PHYSICAL_LINE)
        except UnicodeDecodeError:
            _reject(kind, _("Filen är inte en textfil i teckenkodningen UTF-8."))
        if not line:
            return
        number += 1
        if "\x00" in line:
            _reject(kind, _("Filen innehåller binära tecken och är inte en textfil."))
        if len(line) >= MAX_PHYSICAL_LINE and not line.endswith("\n"):
            _reject(
                kind,
                _("Rad %(line)d är längre än %(n)d tecken och kan inte vara en importrad.")
                % {"line": number, "n": MAX_PHYSICAL_LINE},
            )
        yield line


def read_rows(
    kind: str, source: BinaryIO, columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[Row]:
    """The data rows of the file, one at a time as they are read (completely empty lines are
    skipped). A file-level problem raises ImportRejected when it is reached, possibly after
    rows were yielded: the caller's transaction makes that all or nothing (SPEC §6)."""
    size = file_size(source)
    if size > MAX_FILE_BYTES:
        _reject(
            kind,
            _("Filen är större än %(mb)d MB; dela upp den.") % {"mb": MAX_FILE_BYTES // 2**20},
        )
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        yield from _rows(kind, text, columns, optional)
    finally:
        # The wrapper would close the caller's file when collected.
        text.detach()


def _rows(
    kind: str, text: io.TextIOWrapper, columns: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[Row]:
    reader = csv.reader(_physical_lines(kind, text), delimiter=";", quotechar='"', strict=True)
    names: list[str] | None = None
    line = 1
    seen = 0
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if names is None:
                names = _check_header(kind, record, columns, optional)
                continue
            seen += 1
            if sum(len(cell) for cell in record) > MAX_LINE_CHARS:
                yield Row(
                    start,
                    {},
                    (),
                    _("Raden är för lång (över %(n)d tecken).") % {"n": MAX_LINE_CHARS},
                )
                continue
            if len(record) != len(names):
                yield Row(
                    start,
                    {},
                    tuple(record),
                    _(
                        "Raden har %(got)d fält men rubrikraden har %(want)d. Fälten ska "
                        "skiljas med semikolon (;)."
                    )
                    % {"got": len(record), "want": len(names)},
                )
                continue
            cells = {name: cell.strip() for name, cell in zip(names, record, strict=True)}
            for name in optional:
                cells.setdefault(name, "")  # a column the file does not have: unknown
            yield Row(start, cells, tuple(cell.strip() for cell in record))
    except csv.Error as exc:
        _reject(
            kind,
            _("Filen kan inte läsas som semikolonseparerad text (rad %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": str(exc)[:200]},
        )
    if names is None:
        _reject(kind, _("Filen är tom."))
    if not seen:
        _reject(kind, _("Filen har bara en rubrikrad och inga rader att importera."))
