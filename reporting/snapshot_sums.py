"""Monthly snapshots' figures summed (issue 20): a reporting-calendar package's tables (point 6,
national.packages: each area's published months added up, a group of areas the sum of its
areas, the nation the sum of every area) and a region's dashboard (point 2,
reporting.views.dashboard: each month the sum of its member areas' newest snapshots). Every
figure the snapshots hold is a count (or a sum of days) that adds across months and areas; the
shares and means are worked out again from the sums exactly as reporting.metrics prints them, so
a package's table is the same as the report page's table for the same months computed from the
same data.

The timeliness and the caseload add across areas of one month (not across months): a case
counts in one area, so its deadlines and its officers' open cases are counted once in the sum;
an officer with cases in two areas has the two counts added. Their goals and norms are the
rule set's, the same for every area on the same day.

Plain functions of the snapshots' JSON (reporting.metrics.monthly.month_figures): one pass over
the snapshots, no query."""

from __future__ import annotations

from collections.abc import Iterable

from .metrics.base import FINE_CATEGORIES, half_up_mean
from .metrics.outcomes import outcome_row
from .metrics.printing import printed_share
from .metrics.timeliness_sql import ACTIVE_DAYS_KEY, DEADLINE_MEASURES

# The snapshot's part of each report kind (reporting.suppression.KINDS names the kinds).
PARTS = {
    "outcomes": "outcomes",
    "average_days": "average_days",
    "mappings": "mapping_stats",
    "inflow": "inflow",
    "timeliness": "timeliness",
    "caseload": "caseload",
}


def _ordered_union(lists: Iterable[list]) -> list:
    seen: dict = {}
    for items in lists:
        for item in items:
            seen.setdefault(item, None)
    return list(seen)


def _levels(parts: list[dict]) -> dict[str, list[str]]:
    names = _ordered_union(part.get("levels", {}).keys() for part in parts)
    return {
        name: _ordered_union(part.get("levels", {}).get(name, []) for part in parts)
        for name in names
    }


def sum_outcomes(parts: list[dict]) -> dict:
    levels = _levels(parts)
    rows = {}
    for name, known in levels.items():
        rows[name] = {}
        for level in known:
            fine = {category: 0 for category in FINE_CATEGORIES}
            for part in parts:
                counts = part.get("rows", {}).get(name, {}).get(level, {}).get("counts", {})
                for category in FINE_CATEGORIES:
                    fine[category] += counts.get(category) or 0
            rows[name][level] = outcome_row(fine)
    first = parts[0] if parts else {}
    return {
        "cohort_months": sorted(_ordered_union(p.get("cohort_months", []) for p in parts)),
        "categories": first.get("categories", {}),
        "levels": levels,
        "rows": rows,
    }


def sum_average_days(parts: list[dict]) -> dict:
    names = _ordered_union(part.get("rows", {}).keys() for part in parts)
    rows = {}
    for name in names:
        rows[name] = {}
        for level in _ordered_union(part.get("rows", {}).get(name, {}).keys() for part in parts):
            row = {}
            for key in ("all", "work_or_education"):
                count = days = 0
                for part in parts:
                    cell = part.get("rows", {}).get(name, {}).get(level, {}).get(key, {})
                    count += cell.get("count") or 0
                    days += cell.get("days_total") or 0
                row[key] = {
                    "count": count,
                    "days_total": days,
                    "mean_days": half_up_mean(days, count),
                }
            rows[name][level] = row
    return {"rows": rows}


def sum_mappings(parts: list[dict]) -> dict:
    levels = _levels(parts)
    counts = {
        name: {
            level: sum(
                part.get("rows", {}).get(name, {}).get(level, {}).get("count") or 0
                for part in parts
            )
            for level in known
        }
        for name, known in levels.items()
    }
    total = counts.get("total", {}).get("total", 0)
    return {
        "levels": levels,
        "rows": {
            name: {
                level: {"count": n, "share": printed_share(n, total)} for level, n in known.items()
            }
            for name, known in counts.items()
        },
    }


def _young(count: int, young: int) -> dict:
    return {"count": count, "young": young, "young_share": printed_share(young, count)}


def _sum_young(rows: list[dict]) -> dict:
    keys = _ordered_union(row.keys() for row in rows)
    return {
        key: _young(
            sum((row.get(key) or {}).get("count") or 0 for row in rows),
            sum((row.get(key) or {}).get("young") or 0 for row in rows),
        )
        for key in keys
    }


def sum_inflow(parts: list[dict]) -> dict:
    groups = _ordered_union(part.get("target_groups", []) for part in parts)
    levels = _levels(parts)
    rows = {}
    for name, known in levels.items():
        rows[name] = {}
        for level in known:
            cells = {group: 0 for group in groups}
            for part in parts:
                counts = part.get("rows", {}).get(name, {}).get(level, {}).get("counts", {})
                for group, n in counts.items():
                    cells[group] = cells.get(group, 0) + (n or 0)
            total = sum(cells.values())
            rows[name][level] = {
                "total": total,
                "total_share": printed_share(total, total),
                "counts": cells,
                "shares": {group: printed_share(n, total) for group, n in cells.items()},
            }
    months = sorted(_ordered_union(part.get("months", {}).keys() for part in parts))
    return {
        "months": {
            month: _sum_young(
                [part["months"][month] for part in parts if month in part.get("months", {})]
            )
            for month in months
        },
        "period": _sum_young([part.get("period", {}) for part in parts]),
        "target_groups": groups,
        "levels": levels,
        "rows": rows,
    }


def _timeliness_row(rows: list[dict]) -> dict:
    def total(measure: str, key: str) -> int:
        return sum((row.get(measure) or {}).get(key) or 0 for row in rows)

    result = {}
    for measure in DEADLINE_MEASURES:
        on_time, late, open_ = (total(measure, key) for key in ("on_time", "late", "open"))
        result[measure] = {
            "cases": on_time + late + open_,
            "on_time": on_time,
            "late": late,
            "open": open_,
            "share": printed_share(on_time, on_time + late),
        }
    days, active = total(ACTIVE_DAYS_KEY, "days"), total(ACTIVE_DAYS_KEY, "active_days")
    result[ACTIVE_DAYS_KEY] = {
        "cases": total(ACTIVE_DAYS_KEY, "cases"),
        "days": days,
        "active_days": active,
        "share": printed_share(active, days),
    }
    return result


def sum_timeliness(parts: list[dict]) -> dict:
    """The timeliness of one month (reporting.metrics.timeliness) of several areas: the totals
    added, each area's own row kept; the period, measures and goals are the first part's (the
    rule set's, the same for every area)."""
    first = parts[0] if parts else {}
    areas = {key: row for part in parts for key, row in (part.get("areas") or {}).items()}
    return {
        "from": first.get("from"),
        "to": first.get("to"),
        "measures": first.get("measures", []),
        "goals": first.get("goals", {}),
        "total": _timeliness_row([part.get("total") or {} for part in parts]),
        "areas": dict(sorted(areas.items(), key=lambda item: int(item[0]))),
    }


def sum_caseload(parts: list[dict]) -> dict:
    """The caseload on one day (reporting.metrics.monthly.caseload_on) of several areas: the open
    cases and those without an officer added, each officer's counts added over the areas; the
    day and the norms are the first part's (the rule set's on that day)."""
    first = parts[0] if parts else {}
    result = {
        "day": first.get("day"),
        "open_cases": sum(part.get("open_cases") or 0 for part in parts),
        "norm_fk": first.get("norm_fk"),
        "norm_af": first.get("norm_af"),
    }
    for agency in ("fk", "af"):
        officers: dict[str, int] = {}
        for part in parts:
            for officer, n in (part.get(agency) or {}).items():
                officers[officer] = officers.get(officer, 0) + (n or 0)
        result[agency] = dict(sorted(officers.items()))
        key = f"without_{agency}_officer"
        result[key] = sum(part.get(key) or 0 for part in parts)
    return result


SUMS = {
    "outcomes": sum_outcomes,
    "average_days": sum_average_days,
    "mappings": sum_mappings,
    "inflow": sum_inflow,
    "timeliness": sum_timeliness,
    "caseload": sum_caseload,
}


def summed(kind: str, snapshots: list[dict]) -> dict:
    """The figures of report `kind` over the snapshots' figures `snapshots` (any months, any
    areas), as reporting.metrics would give them for the union."""
    return SUMS[kind]([figures[PARTS[kind]] for figures in snapshots if figures.get(PARTS[kind])])


def summed_parts(kind: str, parts: list[dict | None]) -> dict | None:
    """The figures of report `kind` over the parts `parts` (the snapshots' part of that kind, one
    per area of one month, or per month), or None when any of them lacks it (a snapshot made
    before the part was measured): a sum of fewer parts would pass for the whole."""
    if not parts or any(part is None for part in parts):
        return None
    return SUMS[kind](list(parts))
