"""Everything of one report month, as the monthly job stores it (SPEC §5 "Monthly job")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from cases.models import Case, RuleSet

from .base import in_areas, last_day, month_ranges
from .inflow import inflow
from .mappings import mapping_stats
from .outcomes import average_days, outcomes
from .status import status_report
from .timeliness import timeliness_months


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
    cases = in_areas(
        Case.objects.annotate(began=Coalesce(F("start_date"), F("referral_date")))
        .filter(began__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day)),
        area_ids,
    ).order_by()
    per_officer = {}
    for agency, field in (("fk", "fk_officer_id"), ("af", "af_officer_id")):
        groups = cases.values(field).annotate(n=Count("pk")).order_by(field)
        per_officer[agency] = {str(g[field]): g["n"] for g in groups if g[field] is not None}
        per_officer[f"without_{agency}_officer"] = next(
            (g["n"] for g in groups if g[field] is None), 0
        )
    rules = RuleSet.for_date(day)
    return {
        "day": day.isoformat(),
        "open_cases": cases.count(),
        "norm_fk": rules.norm_fk,
        "norm_af": rules.norm_af,
        **per_officer,
    }


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
    return {
        "month": f"{month:%Y-%m}",
        "area_ids": sorted(area_ids) if area_ids is not None else None,
        "outcomes": outcomes(months=months, area_ids=area_ids),
        "average_days": average_days(months=months, area_ids=area_ids),
        "mapping_stats": mapping_stats(months=months, area_ids=area_ids),
        "inflow": inflow(months=months, area_ids=area_ids),
        "status_report": status_report(day=day, area_ids=area_ids),
        "caseload": caseload_on(day=day, area_ids=area_ids),
        # Per area and nation only: team and officer figures are for the coordinator's page.
        "timeliness": timeliness_months(months=months, area_ids=area_ids),
    }
