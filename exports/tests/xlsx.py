"""A small XLSX reader for the tests, written against the file format (ECMA-376) with the
standard library only, so the tests do not read the files back with the library that wrote
them: inline and shared strings, numbers, booleans, several sheets."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _column_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{{{NS['m']}}}t"))


def read_xlsx(data: bytes) -> dict[str, list[list]]:
    """{sheet name: rows}, each row a list of cell values (None for an empty cell)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in archive.namelist():
        root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        shared = [_text(si) for si in root.findall("m:si", NS)]
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall("rel:Relationship", NS)}
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheets = {}
    for sheet in workbook.find("m:sheets", NS):
        target = targets[sheet.get(f"{{{NS['r']}}}id")].lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        root = ElementTree.fromstring(archive.read(path))
        rows = []
        for row in root.iter(f"{{{NS['m']}}}row"):
            cells: dict[int, object] = {}
            for cell in row.findall("m:c", NS):
                kind = cell.get("t", "n")
                value_element = cell.find("m:v", NS)
                raw = value_element.text if value_element is not None else None
                if kind == "inlineStr":
                    value = _text(cell.find("m:is", NS))
                elif kind == "s":
                    value = shared[int(raw)]
                elif kind == "str":
                    value = raw
                elif kind == "b":
                    value = raw == "1"
                elif raw is None:
                    value = None
                else:
                    number = float(raw)
                    value = int(number) if number.is_integer() else number
                cells[_column_index(cell.get("r"))] = value
            width = max(cells) + 1 if cells else 0
            rows.append([cells.get(i) for i in range(width)])
        sheets[sheet.get("name")] = rows
    return sheets
