"""The reports as CSV (`?format=csv`, SPEC §5 "Reports", §6): each report as one flat table (a
header row and rows of plain values), written by the product's one CSV writer
(samverkan.csvfiles: UTF-8 with BOM, `;`-separated, the formula guard).

Codes come first, each followed by its label in the user's language (reporting.metrics.labels),
so a spreadsheet reads well and a program can rely on the codes. A value hidden by small-cell
suppression is None, written as an empty cell. Labels can come from code lists kept in the
admin, so a label starting like a formula comes out as text."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _
from rest_framework.renderers import BaseRenderer

from reporting.metrics.labels import CATEGORIES, DIMENSIONS, STATES, level_label
from reporting.suppression.marks import MARKS_KEY
from samverkan import csvfiles

SEX_KEYS = ("all", "K", "M")


def _text(label) -> str:
    return str(label) if label is not None else ""


def _dimension(name: str) -> str:
    return _text(DIMENSIONS.get(name, name))


def _level(dimension: str, level: str) -> str:
    return _text(level_label(dimension, level))


def _sex(key: str) -> str:
    return _("Alla") if key == "all" else _level("sex", key)


def _ordered(levels: dict, order: list | None) -> list:
    """The keys of `levels` in the metric's own order, any others after them."""
    order = [key for key in (order or []) if key in levels]
    return order + [key for key in levels if key not in order]


def _by_dimension(data: dict) -> Iterator[tuple[str, str, dict]]:
    """(dimension, level, row) over data["rows"] in the order of data["levels"]."""
    for dimension, levels in data.get("rows", {}).items():
        for level in _ordered(levels, data.get("levels", {}).get(dimension)):
            yield dimension, level, levels[level]


def outcomes_table(data: dict) -> tuple[list[str], Iterator[list]]:
    """One row per dimension, level and category; the row total first as category `total`."""
    header = [
        "dimension",
        "dimension_label",
        "level",
        "level_label",
        "category",
        "category_label",
        "count",
        "share",
    ]

    def rows():
        for dimension, level, row in _by_dimension(data):
            lead = [dimension, _dimension(dimension), level, _level(dimension, level)]
            yield [*lead, "total", _("Totalt"), row.get("total"), row.get("total_share")]
            for category, count in row.get("counts", {}).items():
                label = _text(CATEGORIES.get(category, category))
                yield [*lead, category, label, count, row.get("shares", {}).get(category)]

    return header, rows()


def average_days_table(data: dict) -> tuple[list[str], Iterator[list]]:
    """One row per dimension, level and group (everyone who ended / those in work or
    education): count, sum of days, mean days."""
    header = [
        "dimension",
        "dimension_label",
        "level",
        "level_label",
        "group",
        "group_label",
        "count",
        "days_total",
        "mean_days",
    ]

    def rows():
        for dimension, level, row in _by_dimension(data):
            lead = [dimension, _dimension(dimension), level, _level(dimension, level)]
            for group, part in row.items():
                label = _("Alla") if group == "all" else _text(CATEGORIES.get(group, group))
                yield [
                    *lead,
                    group,
                    label,
                    part.get("count"),
                    part.get("days_total"),
                    part.get("mean_days"),
                ]

    return header, rows()


def mappings_table(data: dict) -> tuple[list[str], Iterator[list]]:
    """One row per dimension and level: count and share of all mappings held."""
    header = ["dimension", "dimension_label", "level", "level_label", "count", "share"]

    def rows():
        for dimension, level, row in _by_dimension(data):
            yield [
                dimension,
                _dimension(dimension),
                level,
                _level(dimension, level),
                row.get("count"),
                row.get("share"),
            ]
        # Benefit crossed with the initiating agency: a count per pair, no share.
        for benefit, cells in (data.get("crossed") or {}).items():
            for agency, count in cells.items():
                yield [
                    "benefit_initiated_by",
                    _("Ersättning och initierad av"),
                    f"{benefit}:{agency}",
                    f"{_level('benefit', benefit)}, {_level('initiated_by', agency)}",
                    count,
                    None,
                ]

    return header, rows()


def inflow_table(data: dict) -> tuple[list[str], Iterator[list]]:
    """Two sections under one header:
    - `months`: per month (and `period`, the whole period) and sex (all, K, M): count, young
      and young share (target group and share empty);
    - `target_groups` (Tabell 2, over the whole period): per dimension, level and target group
      (the row total first as `total`): count and share (young and young share empty)."""
    header = [
        "section",
        "month",
        "dimension",
        "dimension_label",
        "level",
        "level_label",
        "target_group",
        "target_group_label",
        "count",
        "share",
        "young",
        "young_share",
    ]

    def side_by_side(month: str, cells: dict):
        for sex in _ordered(cells, list(SEX_KEYS)):
            cell = cells[sex]
            yield [
                "months",
                month,
                "sex",
                _dimension("sex"),
                sex,
                _sex(sex),
                "",
                "",
                cell.get("count"),
                "",
                cell.get("young"),
                cell.get("young_share"),
            ]

    def rows():
        for month, cells in data.get("months", {}).items():
            yield from side_by_side(month, cells)
        yield from side_by_side("period", data.get("period", {}))
        for dimension, level, row in _by_dimension(data):
            lead = [
                "target_groups",
                "period",
                dimension,
                _dimension(dimension),
                level,
                _level(dimension, level),
            ]
            yield [*lead, "total", _("Totalt"), row.get("total"), row.get("total_share"), "", ""]
            for group, count in row.get("counts", {}).items():
                label = _level("target_group", group)
                share = row.get("shares", {}).get(group)
                yield [*lead, group, label, count, share, "", ""]

    return header, rows()


def status_table(data: dict) -> tuple[list[str], Iterator[list]]:
    """One row per area (`total` for the sum of the reported areas, then each area's code), sex
    (all, K, M) and state; after `ended`, one row per occupation after the end. Then the same
    per office (`office_kind` LFC or AMO, `office` its code or `unknown`, `area` its area);
    the two office columns, added last, are empty on the area rows."""
    header = [
        "area",
        "sex",
        "sex_label",
        "state",
        "state_label",
        "occupation",
        "occupation_label",
        "count",
        "office_kind",
        "office",
    ]

    def one_area(area: str, by_sex: dict, office: tuple[str, str] = ("", "")):
        for sex in _ordered(by_sex, list(SEX_KEYS)):
            row = by_sex[sex]
            for state in [key for key in row if key not in ("ended_occupation", MARKS_KEY)]:
                label = _text(STATES.get(state, state))
                yield [area, sex, _sex(sex), state, label, "", "", row[state], *office]
                if state == "ended":
                    for occupation, count in row.get("ended_occupation", {}).items():
                        category = _text(CATEGORIES.get(occupation, occupation))
                        yield [
                            *(area, sex, _sex(sex), state, label, occupation, category, count),
                            *office,
                        ]

    def rows():
        yield from one_area("total", data.get("total", {}))
        for area, by_sex in data.get("areas", {}).items():
            yield from one_area(area, by_sex)
        for kind, by_area in (data.get("offices") or {}).items():
            for area, by_office in by_area.items():
                for office, by_sex in by_office.items():
                    yield from one_area(area, by_sex, (kind, office))

    return header, rows()


TABLES = {
    "outcomes": outcomes_table,
    "average_days": average_days_table,
    "mappings": mappings_table,
    "inflow": inflow_table,
    "status": status_table,
}


def report_table(report: str, data: dict) -> tuple[list[str], Iterator[list]]:
    return TABLES[report](data)


class ReportCSVRenderer(BaseRenderer):
    """Renders a report envelope (reporting.api.reports) as the report's flat table. Errors
    never reach it: the views answer them as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        header, rows = report_table(data["report"], data["data"])
        return csvfiles.csv_bytes(header, rows)
