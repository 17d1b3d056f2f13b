"""The timeliness figures' counts as equations (reporting.metrics.timeliness, issue 15): each
deadline measure's cases are on time + late + open, and the areas add up to the total; the
active days go with the number of cases they were counted over.

Team and officer rows are never shown to a reader of suppressed figures (a team of two, or one
officer, is a person): they are dropped before anything else."""

from __future__ import annotations

from .equations import Table, hidden_counts
from .marks import hidden_marks, note

DEADLINE_PARTS = ("on_time", "late", "open")


def suppress_timeliness(data: dict) -> dict:
    from ..metrics.timeliness_sql import ACTIVE_DAYS_KEY, DEADLINE_MEASURES

    data.pop("teams", None)
    data.pop("officers", None)
    blocks = {("total",): data.get("total") or {}}
    for area, row in (data.get("areas") or {}).items():
        blocks[("areas", area)] = row
    table = Table()
    for base, row in blocks.items():
        for measure in DEADLINE_MEASURES:
            cell = row.get(measure) or {}
            table.count((*base, measure, "cases"), cell.get("cases"))
            for part in DEADLINE_PARTS:
                table.count((*base, measure, part), cell.get(part))
            table.add_sum(
                (*base, measure, "cases"), [(*base, measure, part) for part in DEADLINE_PARTS]
            )
        table.count(
            (*base, ACTIVE_DAYS_KEY, "cases"), (row.get(ACTIVE_DAYS_KEY) or {}).get("cases")
        )
    areas = [base for base in blocks if base[0] == "areas"]
    if areas:
        columns = [(m, p) for m in DEADLINE_MEASURES for p in ("cases", *DEADLINE_PARTS)]
        columns.append((ACTIVE_DAYS_KEY, "cases"))
        for column in columns:
            table.add_sum(("total", *column), [(*base, *column) for base in areas])
    hidden = hidden_counts(table)
    marks = hidden_marks(table, hidden)
    for base, row in blocks.items():
        for measure in DEADLINE_MEASURES:
            cell = row.get(measure)
            if not cell:
                continue
            for part in ("cases", *DEADLINE_PARTS):
                if (*base, measure, part) in hidden:
                    cell[part] = None
                    note(cell, part, marks[(*base, measure, part)])
            if cell["on_time"] is None or cell["late"] is None:
                cell["share"] = None
        cell = row.get(ACTIVE_DAYS_KEY)
        if cell and (*base, ACTIVE_DAYS_KEY, "cases") in hidden:
            # The days were counted over fewer than five people (or hide such a count).
            cell.update(cases=None, days=None, active_days=None, share=None)
    return data
