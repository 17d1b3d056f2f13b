"""The dashboard's tables (SPEC §5 "Dashboards"): one structure rendered twice, as an HTML table
under its chart and as a CSV download, so the page and the file cannot drift apart.

A cell's text is what both show. A suppressed small cell (reporting.suppression: the value came
back as None) is a `hidden` cell: its text is "<5" for a count, "dolt" for a share or mean
computed from one; the page explains both. A missing value (no snapshot, no work plan) is "–".

Also the helpers every section shares for reading the stored figures: `dig` tells a key the
figures lack (ABSENT: shown "–") from a value suppression hid (None: shown "<5" or "dolt").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils.translation import gettext as _

from samverkan import csvfiles

from ..suppression import SMALL_CELL
from ..suppression.marks import MARKS_KEY, SMALL

if TYPE_CHECKING:
    from ..charts import Chart
    from .dashboard import Month

MISSING = "–"


@dataclass(frozen=True)
class Cell:
    text: str
    hidden: bool = False  # suppressed: shown with the explanation
    flag: bool = False  # off plan, goal or norm; the text itself says so too
    href: str = ""
    # The figure as a number, for a spreadsheet (XLSX): a count, a mean, a share as a fraction
    # (`share`). None where the text is all there is (hidden, missing, a name).
    value: int | float | None = None
    share: bool = False


@dataclass(frozen=True)
class Column:
    label: str
    num: bool = True
    group: str = ""  # a heading over a run of columns ("Till arbete och utbildning": antal, andel)


@dataclass
class Row:
    header: Cell
    cells: list[Cell]
    warning: bool = False  # the row deviates (highlighted, and a cell says how)
    gap: bool = False  # the month has no snapshot
    section: bool = False  # a heading over the rows that follow (a dimension: "Ålder")


@dataclass
class Table:
    key: str  # the CSV name: ?csv=<key>
    caption: str
    columns: list[Column]  # the first is the row headers' column
    rows: list[Row] = field(default_factory=list)
    empty_text: str = ""
    testid: str = ""
    csv_url: str = ""

    def __post_init__(self):
        self.testid = self.testid or f"table-{self.key}"

    def body(self) -> list[tuple[Row, list[tuple[Cell, bool]]]]:
        """Each row with its cells paired with their column's `num` (for the template)."""
        nums = [column.num for column in self.columns[1:]]
        return [(row, list(zip(row.cells, nums, strict=False))) for row in self.rows]

    @property
    def grouped(self) -> bool:
        return any(column.group for column in self.columns)

    def header_groups(self) -> list[tuple[str, int, Column | None]]:
        """The upper header row of a grouped table: (group, columns spanned, None), or for a
        column of no group (label, 1, the column) spanning both rows."""
        runs: list[tuple[str, int, Column | None]] = []
        for column in self.columns:
            if column.group and runs and runs[-1][2] is None and runs[-1][0] == column.group:
                runs[-1] = (column.group, runs[-1][1] + 1, None)
            elif column.group:
                runs.append((column.group, 1, None))
            else:
                runs.append((column.label, 1, column))
        return runs

    def column_labels(self) -> list[str]:
        """Each column's whole heading, its group first ("Övriga: andel")."""
        return [
            f"{column.group}: {column.label}" if column.group else column.label
            for column in self.columns
        ]

    def csv_lines(self) -> list[list[str]]:
        lines = [self.column_labels()]
        lines.extend([row.header.text, *(cell.text for cell in row.cells)] for row in self.rows)
        return lines


# --- cells ------------------------------------------------------------------------------------


def hidden_count(mark: str | None = None) -> Cell:
    """A hidden count: "<5" when its mark says it is small (reporting.suppression.marks), else
    "dolt" (hidden to protect a small count, or no more said)."""
    if mark == SMALL:
        return Cell(f"<{SMALL_CELL}", hidden=True)
    return Cell(_("dolt"), hidden=True)


def hidden_derived() -> Cell:
    return Cell(_("dolt"), hidden=True)


def missing() -> Cell:
    return Cell(MISSING)


def count_cell(value, mark: str | None = None) -> Cell:
    """A count from the (suppressed) figures: None is hidden, marked by `mark` (mark_of)."""
    return hidden_count(mark) if value is None else Cell(str(value), value=value)


def mark_of(row, field: str) -> str | None:
    """How the suppressed figures mark the hidden `field` of `row` (row["hidden_as"])."""
    marks = row.get(MARKS_KEY) if isinstance(row, dict) else None
    return marks.get(field) if isinstance(marks, dict) else None


def text_cell(text: str, *, flag: bool = False, href: str = "") -> Cell:
    return Cell(text, flag=flag, href=href)


# --- reading the stored figures -------------------------------------------------------------

ABSENT = object()  # a key the stored figures do not have (distinct from None: hidden)
WORK = "work_or_education"


@dataclass
class Section:
    """One subject of the dashboard: its charts and the tables behind them."""

    key: str
    title: str
    lead: str = ""
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (address, text) under the lead
    # Ways to show the section, in one line: (address, text, the one shown).
    choices: list[tuple[str, str, bool]] = field(default_factory=list)


def dig(data, *keys):
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return ABSENT
        data = data[key]
    return data


def value_cell(value, mark: str | None = None) -> Cell:
    if value is ABSENT:
        return missing()
    return count_cell(value, mark)


def chart_value(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def half_up_percent(count: int, total: int) -> int:
    return (2 * count * 100 + total) // (2 * total)


def version_cell(month: Month) -> Cell:
    """The snapshot version a month is shown at; a region's month is a sum of its areas'."""
    if month.gap:
        return text_cell(_("saknas"), flag=True)
    if month.summed_areas:
        # One line in a narrow column: a no-break space between the number and the word.
        return Cell((_("%(n)s områden") % {"n": month.summed_areas}).replace(" ", "\u00a0"))
    return Cell(str(month.version))


def gap_row(month: Month, width: int) -> Row:
    """A month without a snapshot: dashes, and the version column says it is missing."""
    return Row(
        header=Cell(month.label),
        cells=[missing() for _ in range(width - 2)] + [version_cell(month)],
        gap=True,
    )


def span(months: list[Month]) -> str:
    return f"{months[0].label}–{months[-1].label}" if months else ""


def spoken(value) -> str:
    """A value for an alt text."""
    if value is None:
        return _("dolt")
    if value is ABSENT:
        return _("saknas")
    return str(value)


# --- CSV --------------------------------------------------------------------------------------


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    """The table as the product's CSV (samverkan.csvfiles: UTF-8 with a byte-order mark,
    semicolon-separated, a header row first, cells a spreadsheet would run as a formula
    defused: names come from user records)."""
    header, *rows = table.csv_lines()
    response = HttpResponse(
        csvfiles.csv_bytes(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
