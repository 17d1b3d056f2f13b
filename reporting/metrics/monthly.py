"""Everything of one report month, as the monthly job stores it (SPEC §5 "Monthly job")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from cases.models import Case, RuleSet

from .base import SEX_LEVELS, in_areas, last_day, month_ranges
from .grouping import NATION, WHOLE, part_of, parts_of, split_selection
from .inflow import inflow, inflow_by_area
from .mappings import mapping_stats, mapping_stats_by_area
from .outcomes import average_days, average_days_by_area, outcomes, outcomes_by_area
from .status import empty_status_row, status_report
from .timeliness import empty_row, timeliness_months


def caseload_on(*, day: dt.date, area_ids: list[int] | None) -> dict:
    """Open cases per officer on `day` (SPEC §5 "Caseload"), counts only.

    Definition: a case is on the caseload on `day` when it began (start_date, else referral_date)
    on or before the day and has no end_date or one after it; it counts for its FK officer and
    for its AF officer (keys: user ids as strings), in the given areas (the case's current area).
    `norm_fk` / `norm_af` are the full-time norms of the rule set in force on `day`.

    Why not cases.selectors.caseload_by_officer: it counts the cases open *now* (phase not
    closed) and per-FTE norms from today's staff profiles, so a month recomputed later would
    get other figures and a new snapshot version for nothing. Per-FTE figures are left to the
    dashboards, which have the profiles."""
    return _caseload(day=day, area_ids=area_ids, split=False)[WHOLE]


def caseload_by_area(
    *, day: dt.date, area_ids: list[int], nation: bool = False
) -> dict[int | None, dict]:
    """`caseload_on` of each of the areas (and the nation, key None) from one grouped query."""
    return _caseload(day=day, area_ids=area_ids, split=True, nation=nation)


def _caseload(*, day: dt.date, area_ids, split: bool, nation: bool = False) -> dict:
    cases = (
        in_areas(
            Case.objects.annotate(began=Coalesce(F("start_date"), F("referral_date")))
            .filter(began__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=day)),
            split_selection(area_ids, nation) if split else area_ids,
        )
        .annotate(part=part_of(split))
        .order_by()
    )
    rules = RuleSet.for_date(day)
    result = {
        part: {
            "day": day.isoformat(),
            "open_cases": 0,
            "norm_fk": rules.norm_fk,
            "norm_af": rules.norm_af,
            "fk": {},
            "without_fk_officer": 0,
            "af": {},
            "without_af_officer": 0,
        }
        for part in parts_of(split, area_ids, nation)
    }
    # One grouped query: the open cases per part and pair of officers.
    pairs = cases.values_list("part", "fk_officer_id", "af_officer_id").annotate(n=Count("pk"))
    for area, fk_officer, af_officer, n in pairs.order_by("part", "fk_officer_id", "af_officer_id"):
        for part in (area, *([NATION] if nation else [])):
            if part not in result:  # an area not asked for counts in the nation only
                continue
            row = result[part]
            row["open_cases"] += n
            for agency, officer in (("fk", fk_officer), ("af", af_officer)):
                if officer is None:
                    row[f"without_{agency}_officer"] += n
                else:
                    row[agency][str(officer)] = row[agency].get(str(officer), 0) + n
    return result


def month_figures(*, month: dt.date, area_ids: list[int] | None) -> dict:
    """All figures of the report month `month` (its first day) for the areas (None: the nation):
    outcomes (the cohort that started twelve months earlier), average_days, mapping_stats and
    inflow for the month, the status report and the caseload on the month's last day, and the
    timeliness of the month's deadlines (reporting.metrics.timeliness).

    Plain JSON: string keys, ints, strings, lists and None only, so that
    json.dumps(figures, sort_keys=True) is the same text every time the same data is computed
    (reporting.snapshots hashes it)."""
    months = [month]
    month_ranges(months)
    day = last_day(months)
    return _assemble(
        month=month,
        area_ids=sorted(area_ids) if area_ids is not None else None,
        outcomes=outcomes(months=months, area_ids=area_ids),
        average_days=average_days(months=months, area_ids=area_ids),
        mapping_stats=mapping_stats(months=months, area_ids=area_ids),
        inflow=inflow(months=months, area_ids=area_ids),
        status_report=status_report(day=day, area_ids=area_ids),
        caseload=caseload_on(day=day, area_ids=area_ids),
        # Per area and nation only: team and officer figures are for the coordinator's page.
        timeliness=timeliness_months(months=months, area_ids=area_ids),
    )


def month_figures_by_area(
    *, month: dt.date, area_ids: list[int], nation: bool = False
) -> dict[int | None, dict]:
    """`month_figures` of each of the areas, each exactly what `month_figures(month=month,
    area_ids=[area id])` returns, and with `nation` the nation's (key None, exactly
    `month_figures(month=month, area_ids=None)`), from one pass per metric over all of it: the
    cost of one area or of sixty and the nation is about the same number of queries."""
    months = [month]
    month_ranges(months)
    day = last_day(months)
    area_ids = sorted(set(area_ids))
    selection = split_selection(area_ids, nation)
    by_area = {"months": months, "area_ids": area_ids, "nation": nation}
    parts = {
        "outcomes": outcomes_by_area(**by_area),
        "average_days": average_days_by_area(**by_area),
        "mapping_stats": mapping_stats_by_area(**by_area),
        "inflow": inflow_by_area(**by_area),
        "status_report": _one_per_area(
            status_report(day=day, area_ids=selection), area_ids, nation, empty=_empty_status
        ),
        "caseload": caseload_by_area(day=day, area_ids=area_ids, nation=nation),
        "timeliness": _one_per_area(
            timeliness_months(months=months, area_ids=selection), area_ids, nation, empty=empty_row
        ),
    }
    return {
        key: _assemble(
            month=month,
            area_ids=[key] if key is not NATION else None,
            **{name: figures[key] for name, figures in parts.items()},
        )
        for key in parts_of(True, area_ids, nation)
    }


def _empty_status() -> dict:
    return {"all": empty_status_row(), **{sex: empty_status_row() for sex in SEX_LEVELS}}


def _one_per_area(figures: dict, area_ids: list[int], nation: bool, *, empty) -> dict:
    """A report with a row per area ("areas") split into one report per area, as if asked for
    that area alone (its area row is its total); with `nation`, the report itself for the
    nation."""
    result = {}
    for area_id in area_ids:
        row = figures["areas"].get(str(area_id)) or empty()
        result[area_id] = {**figures, "total": row, "areas": {str(area_id): row}}
        if "offices" in figures:
            # the status report's offices breakdown: the area's own offices only
            result[area_id]["offices"] = {
                kind: {key: block for key, block in by_area.items() if key == str(area_id)}
                for kind, by_area in figures["offices"].items()
            }
    if nation:
        result[NATION] = figures
    return result


def _assemble(*, month: dt.date, area_ids: list[int] | None, **parts) -> dict:
    return {"month": f"{month:%Y-%m}", "area_ids": area_ids, **parts}
