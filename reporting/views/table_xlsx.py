"""Tables of a page (reporting.views.dashboard_tables.Table) as one XLSX workbook, a sheet per
table: the caption on top, the headings (a group over its columns, merged), then the rows with
every figure a number a spreadsheet can add up (a share as a percentage), and a hidden or missing
value as the text the page shows ("<5", "dolt", "–"). Text is always written as text, never as a
formula (names come from user records)."""

from __future__ import annotations

import io
import re

from django.http import HttpResponse

from .dashboard_tables import Cell, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's rule for sheet names: at most 31 characters, none of []:*?/\ .
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(caption: str, taken: set[str]) -> str:
    base = _NOT_IN_SHEET_NAMES.sub("-", caption).strip() or "Tabell"
    name, n = base[:31], 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def xlsx_bytes(tables: list[Table], *, title: str) -> bytes:
    import xlsxwriter

    target = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        target,
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    workbook.set_properties({"title": title})
    fmt = {
        "caption": workbook.add_format({"bold": True, "font_size": 12}),
        "head": workbook.add_format({"bold": True, "text_wrap": True, "valign": "bottom"}),
        "group": workbook.add_format({"bold": True, "align": "center", "bottom": 1}),
        "section": workbook.add_format({"bold": True}),
        "text_num": workbook.add_format({"align": "right"}),
        "percent": workbook.add_format({"num_format": "0%"}),
        "small_percent": workbook.add_format({"num_format": "0.0%"}),
        "number": workbook.add_format({"num_format": "#,##0"}),
    }
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(table.caption, taken))
        sheet.write_string(0, 0, table.caption, fmt["caption"])
        line = 2
        if table.grouped:
            col = 0
            for label, span, _single in table.header_groups():
                if span > 1:
                    sheet.merge_range(line, col, line, col + span - 1, label, fmt["group"])
                else:
                    sheet.write_string(line, col, label if _single is None else "", fmt["group"])
                col += span
            line += 1
        for col, column in enumerate(table.columns):
            sheet.write_string(line, col, column.label, fmt["head"])
        sheet.freeze_panes(line + 1, 1)
        line += 1
        for row in table.rows:
            if row.section:
                sheet.write_string(line, 0, row.header.text, fmt["section"])
            else:
                sheet.write_string(line, 0, row.header.text)
                for col, cell in enumerate(row.cells, start=1):
                    _write(sheet, line, col, cell, fmt)
            line += 1
        widths = [max(len(row.header.text) for row in table.rows)] if table.rows else [12]
        sheet.set_column(0, 0, min(48, max(12, *widths) + 2))
        sheet.set_column(1, max(1, len(table.columns) - 1), 11)
    workbook.close()
    return target.getvalue()


def _write(sheet, line: int, col: int, cell: Cell, fmt: dict) -> None:
    if cell.value is None:
        sheet.write_string(line, col, cell.text, fmt["text_num"])
    elif cell.share:
        small = 0 < cell.value < 0.0095
        sheet.write_number(line, col, cell.value, fmt["small_percent" if small else "percent"])
    else:
        sheet.write_number(line, col, cell.value, fmt["number"])


def xlsx_response(tables: list[Table], *, filename: str, title: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(tables, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
