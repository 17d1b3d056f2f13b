"""Each report kind's counts as equations (reporting.suppression.equations), and the figures
computed from a hidden count (a share, a mean, a sum of days) hidden with it (ADR 0011)."""

from __future__ import annotations

from .equations import Key, Table, hidden_counts
from .marks import hidden_marks
from .marks import note as _note


def _category_rows(table: Table, data: dict, rows_key: str = "rows") -> None:
    """Outcome and inflow tables: rows[dimension][level] = {total, counts{category}}; each row's
    total is the sum of its categories, the levels of a dimension add up to the total row."""
    rows = data.get(rows_key, {})
    for dimension, levels in rows.items():
        for level, row in levels.items():
            base = (rows_key, dimension, level)
            table.count((*base, "total"), row["total"])
            for category, n in row["counts"].items():
                table.count((*base, "counts", category), n)
    grand = rows.get("total", {}).get("total")
    if grand is None:
        return
    keys = list(grand["counts"])
    for dimension, levels in rows.items():
        for level, row in levels.items():
            base = (rows_key, dimension, level)
            table.add_sum((*base, "total"), [(*base, "counts", c) for c in _fine(row)])
            if "work_or_education" in row["counts"]:
                table.add_sum(
                    (*base, "counts", "work_or_education"),
                    [(*base, "counts", c) for c in _work_or_education_parts()],
                )
        if dimension == "total":
            continue
        for column in ["total", *(("counts", c) for c in keys)]:
            column = (column,) if isinstance(column, str) else column
            table.add_sum(
                (rows_key, "total", "total", *column),
                [(rows_key, dimension, level, *column) for level in levels],
            )


def _work_or_education_parts() -> list[str]:
    from ..metrics.base import WORK_OR_EDUCATION_CATEGORIES

    return list(WORK_OR_EDUCATION_CATEGORIES)


def _fine(row: dict) -> list[str]:
    """The categories that add up to the row total: all but the work-or-education sum."""
    return [c for c in row["counts"] if c != "work_or_education"]


def _hide_category_rows(
    data: dict, hidden: set[Key], marks: dict[Key, str], rows_key: str = "rows"
) -> None:
    for dimension, levels in data.get(rows_key, {}).items():
        for level, row in levels.items():
            base = (rows_key, dimension, level)
            if (*base, "total") in hidden:
                row["total"] = None
                row["total_share"] = None
                _note(row, "total", marks[(*base, "total")])
            for category in row["counts"]:
                if (*base, "counts", category) in hidden:
                    row["counts"][category] = None
                    row["shares"][category] = None
                    _note(row, category, marks[(*base, "counts", category)])
            if row["total"] is None:
                # A share of a hidden total would give the total away with any shown count.
                row["shares"] = {c: None for c in row["shares"]}


def _outcomes(data: dict) -> dict:
    table = Table()
    _category_rows(table, data)
    hidden = hidden_counts(table)
    _hide_category_rows(data, hidden, hidden_marks(table, hidden))
    return data


def _inflow(data: dict) -> dict:
    table = Table()
    _category_rows(table, data)
    sides = {"period": data.get("period", {}), **{m: v for m, v in data.get("months", {}).items()}}
    for name, side in sides.items():
        base = ("period",) if name == "period" else ("months", name)
        for sex, row in side.items():
            table.count((*base, sex, "count"), row["count"])
            table.count((*base, sex, "young"), row["young"])
            table.derive((*base, sex, "older"), (*base, sex, "count"), (*base, sex, "young"))
        for measure in ("count", "young"):
            table.add_sum(
                (*base, "all", measure), [(*base, sex, measure) for sex in side if sex != "all"]
            )
    for sex in data.get("period", {}):
        for measure in ("count", "young"):
            table.add_sum(
                ("period", sex, measure),
                [("months", m, sex, measure) for m in data.get("months", {})],
            )
    # The period's counts are the table's totals again: equal counts are tied by an equation too.
    rows = data.get("rows", {})
    if "total" in rows:
        table.add_sum(("period", "all", "count"), [("rows", "total", "total", "total")])
        for sex in ("K", "M"):
            if sex in rows.get("sex", {}):
                table.add_sum(("period", sex, "count"), [("rows", "sex", sex, "total")])
    hidden = hidden_counts(table)
    marks = hidden_marks(table, hidden)
    _hide_category_rows(data, hidden, marks)
    for name, side in sides.items():
        base = ("period",) if name == "period" else ("months", name)
        for sex, row in side.items():
            for measure in ("count", "young"):
                if (*base, sex, measure) in hidden:
                    row[measure] = None
                    _note(row, measure, marks[(*base, sex, measure)])
            if row["count"] is None or row["young"] is None:
                row["young_share"] = None
    return data


def _mappings(data: dict) -> dict:
    table = Table()
    rows = data.get("rows", {})
    for dimension, levels in rows.items():
        for level, row in levels.items():
            table.count(("rows", dimension, level), row["count"])
    for dimension, levels in rows.items():
        if dimension != "total":
            table.add_sum(("rows", "total", "total"), [("rows", dimension, lv) for lv in levels])
    # Benefit × initiating agency: each benefit's row adds up to its count by benefit, each
    # agency's column to its count by initiating agency.
    crossed = data.get("crossed") or {}
    agencies = sorted({agency for cells in crossed.values() for agency in cells})
    for benefit, cells in crossed.items():
        for agency, n in cells.items():
            table.count(("crossed", benefit, agency), n)
        table.add_sum(("rows", "benefit", benefit), [("crossed", benefit, a) for a in cells])
    for agency in agencies:
        table.add_sum(("rows", "initiated_by", agency), [("crossed", b, agency) for b in crossed])
    hidden = hidden_counts(table)
    marks = hidden_marks(table, hidden)
    for dimension, levels in rows.items():
        for level, row in levels.items():
            if ("rows", dimension, level) in hidden:
                row["count"] = None
                row["share"] = None
                _note(row, "count", marks[("rows", dimension, level)])
    for benefit, cells in crossed.items():
        for agency in cells:
            if ("crossed", benefit, agency) in hidden:
                cells[agency] = None
                _note(data, f"crossed:{benefit}:{agency}", marks[("crossed", benefit, agency)])
    return data


def _average_days(data: dict) -> dict:
    """Counts of people ended, all and in work or education; a hidden count hides its sum of
    days and its mean. The sums of days obey the same equations as the counts, so the same
    hidden pattern protects them."""
    table = Table()
    rows = data.get("rows", {})
    parts = ("all", "work_or_education")
    for dimension, levels in rows.items():
        for level, row in levels.items():
            for part in parts:
                table.count(("rows", dimension, level, part), row[part]["count"])
            # The others, who ended in neither work nor education: all minus the shown part.
            table.derive(
                ("rows", dimension, level, "others"),
                ("rows", dimension, level, "all"),
                ("rows", dimension, level, "work_or_education"),
            )
    for dimension, levels in rows.items():
        if dimension == "total":
            continue
        for part in parts:
            table.add_sum(
                ("rows", "total", "total", part), [("rows", dimension, lv, part) for lv in levels]
            )
    hidden = hidden_counts(table)
    marks = hidden_marks(table, hidden)
    for dimension, levels in rows.items():
        for level, row in levels.items():
            for part in parts:
                if ("rows", dimension, level, part) in hidden:
                    row[part] = {"count": None, "days_total": None, "mean_days": None}
                    _note(row[part], "count", marks[("rows", dimension, level, part)])
    return data


def _status(data: dict) -> dict:
    from .status import suppress_status

    return suppress_status(data)


def _caseload(data: dict) -> dict:
    table = Table()
    table.count(("open_cases",), data.get("open_cases"))
    for agency in ("fk", "af"):
        for officer, n in data.get(agency, {}).items():
            table.count((agency, officer), n)
        table.count((f"without_{agency}_officer",), data.get(f"without_{agency}_officer"))
        table.add_sum(
            ("open_cases",),
            [(agency, officer) for officer in data.get(agency, {})]
            + [(f"without_{agency}_officer",)],
        )
    hidden = hidden_counts(table)
    marks = hidden_marks(table, hidden)
    for key in hidden:
        if len(key) == 1:
            data[key[0]] = None
        else:
            data[key[0]][key[1]] = None
        # The caseload is one flat object: its marks by "fk:<officer>" or the field's name.
        _note(data, ":".join(str(part) for part in key), marks[key])
    return data


def _timeliness(data: dict) -> dict:
    from .timeliness import suppress_timeliness

    return suppress_timeliness(data)


BY_KIND = {
    "outcomes": _outcomes,
    "average_days": _average_days,
    "mappings": _mappings,
    "inflow": _inflow,
    "status": _status,
    "caseload": _caseload,
    "timeliness": _timeliness,
    # the preparation group's decisions: rows of decisions by dimension, like the outcomes
    "referrals": _outcomes,
}
