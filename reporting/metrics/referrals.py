"""The preparation group's decisions (SPEC §3, issue 15): of the people presented in a period,
how many were admitted, not admitted or postponed, by target group, priority group, sex and
reason, so that a management group sees whether anyone is left out to protect the day-365
share (the 2010 plan forbids goals that exclude people).

One GROUP BY over the decided referrals of the sessions held in the months (preparation.Referral
joined to its session, case and person; AF's consultations are not referrals and are left out),
summed here into the dimensions. A presentation is counted, not a person: somebody postponed and
admitted later counts once in each column. The result has the shape of the outcome tables
(rows[dimension][level] = {total, counts, shares}) so the same suppression applies."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count

from preparation.models import Decision, Kind, Referral

from .base import UNKNOWN, in_months

CATEGORIES = (Decision.ADMITTED, Decision.NOT_ADMITTED, Decision.POSTPONED)
PRIORITY_LEVELS = ("young", "benefit_ends", "both", "none")


def _priority(young: bool, benefit_ends: bool) -> str:
    if young and benefit_ends:
        return "both"
    return "young" if young else "benefit_ends" if benefit_ends else "none"


def referral_decisions(*, area_ids: Iterable[int] | None, months: list[dt.date]) -> dict:
    """{"rows": {dimension: {level: {total, counts{decision}, shares{decision}}}}, "months"}.
    `area_ids` None: every area (a national reader)."""
    referrals = Referral.objects.filter(kind=Kind.REFERRAL, decision__in=CATEGORIES).filter(
        in_months("session__held_on", months)
    )
    if area_ids is not None:
        referrals = referrals.filter(session__area_id__in=list(area_ids))
    grouped = referrals.values(
        "decision",
        "reason",
        "case__target_group",
        "priority_young",
        "priority_benefit_ends",
        "person__sex",
    ).annotate(n=Count("id"))

    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys(CATEGORIES, 0))
    )
    for group in grouped:
        decision, n = group["decision"], group["n"]
        levels = {
            "total": "total",
            "target_group": group["case__target_group"] or UNKNOWN,
            "priority_group": _priority(group["priority_young"], group["priority_benefit_ends"]),
            "sex": group["person__sex"] or UNKNOWN,
            "reason": group["reason"],
        }
        for dimension, level in levels.items():
            counts[dimension][level][decision] += n
    counts["total"]["total"]  # the total row exists even when nobody was presented
    rows = {
        dimension: {level: _row(by_decision) for level, by_decision in levels.items()}
        for dimension, levels in counts.items()
    }
    return {"rows": rows, "months": [f"{m:%Y-%m}" for m in months]}


def _row(by_decision: dict[str, int]) -> dict:
    total = sum(by_decision.values())
    return {
        "total": total,
        "counts": {str(d): n for d, n in by_decision.items()},
        "shares": {
            str(d): (round(100 * n / total, 1) if total else None) for d, n in by_decision.items()
        },
    }
