"""Timeliness (rettidighed, as the Danish jobcentres steer by it; issue 15): whether the deadlines
of SPEC §3 and §5 are kept, per officer, team, area and nation, for any period, and what fell due
in a week (the weekly lists).

Figures (`timeliness`), one row per group, five measures:

- start, follow_up, closing_doc, plan: of the cases with a deadline of that kind falling due in
  the period (reporting.metrics.timeliness_sql.items_sql defines each), how many met all of them
  on time (`on_time`), met one late or missed it (`late`: the deadline passed unmet counts as
  missed) or still have them open (`open`: due later than the day asked about); `share` is
  on_time of on_time + late, printed as the published tables print shares. A case counts once
  per measure and group, whatever the number of its deadlines in the period (follow-ups);
- active_days: the cases enrolled on some day of the period (`cases`), their enrolled days
  (`days`) and the days of those with an intervention active (`active_days`); `share` is
  active_days of days.

Anonymous participants (SPEC §3: protected identity, or no consent to follow-up registration on
the period's last day, or the day asked about if earlier) are left out of the figures, as of every
rate; the weekly lists, a working tool, show every case. A case counts in its current area and
for its current officers (the FK and the AF officer; a case counts once for each), and for each
team of the case's area one of them is in. Goals are the rule set's in force on the period's
last day.

Two queries for the figures (the deadlines, the active days), one for a week's items.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.utils import timezone

from cases.deadlines import with_rule_set
from cases.models import Case, RuleSet
from cases.secrecy import not_anonymous_on
from samverkan.dbrouter import read_connection

from .base import in_areas, last_day, month_ranges
from .printing import printed_share
from .timeliness_sql import (
    ACTIVE_DAYS_KEY,
    DEADLINE_MEASURES,
    MEASURES,
    active_days_sql,
    deadline_figures_sql,
    due_items_sql,
)

# The goal of each measure: a field of the rule set (cases.models.RuleSet).
GOAL_FIELDS = {
    "start": "goal_start_on_time_percent",
    "follow_up": "goal_follow_up_on_time_percent",
    "closing_doc": "goal_closing_doc_on_time_percent",
    "plan": "goal_plan_before_intro_percent",
    ACTIVE_DAYS_KEY: "goal_active_days_percent",
}
# The groups of the figures, as the keys of the result.
BLOCKS = {"area": "areas", "team": "teams", "officer": "officers"}

_COLUMNS = [
    "id",
    "area_id",
    "fk_officer_id",
    "af_officer_id",
    "referral_date",
    "start_date",
    "end_date",
    "closing_doc_date",
    "rule_set_pk",
]


def scoped_sql(cases: QuerySet[Case], *, counted_on: dt.date | None = None) -> tuple[str, list]:
    """The SQL of `cases` as the timeliness SQL reads them: the case's own dates and officers,
    the rule set it follows (cases.deadlines.with_rule_set) and, with `counted_on`, whether it
    counts in the figures (`counted`: no anonymous participant that day, cases.secrecy)."""
    cases = with_rule_set(cases.order_by())
    columns = list(_COLUMNS)
    if counted_on is not None:
        cases = cases.annotate(
            counted=ExpressionWrapper(not_anonymous_on(Value(counted_on)), BooleanField())
        )
        columns.append("counted")
    sql, params = cases.values(*columns).query.sql_with_params()
    return sql, list(params)


def _rows(sql: str, params: list) -> list[dict]:
    """The rows of hand-written SQL over the cases (the replica's inside replica_reads())."""
    with read_connection(Case).cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _deadline_cell(on_time: int = 0, late: int = 0, open_: int = 0) -> dict:
    return {
        "cases": on_time + late + open_,
        "on_time": on_time,
        "late": late,
        "open": open_,
        "share": printed_share(on_time, on_time + late),
    }


def _active_cell(cases: int = 0, days: int = 0, active: int = 0) -> dict:
    return {
        "cases": cases,
        "days": days,
        "active_days": active,
        "share": printed_share(active, days),
    }


def empty_row() -> dict:
    """A group with nothing in the period."""
    return {
        **{measure: _deadline_cell() for measure in DEADLINE_MEASURES},
        ACTIVE_DAYS_KEY: _active_cell(),
    }


def goals_on(day: dt.date) -> dict[str, int]:
    """The goal (per cent) of each measure in the rule set in force on `day`."""
    rules = RuleSet.for_date(day)
    return {measure: getattr(rules, field) for measure, field in GOAL_FIELDS.items()}


def timeliness(
    *,
    first: dt.date,
    last: dt.date,
    area_ids: list[int] | None,
    today: dt.date | None = None,
    breakdown: bool = False,
) -> dict:
    """The figures of the days `first`..`last` (module docstring) for the areas (None: the
    nation): `total`, `areas` (by area id) and, with `breakdown`, `teams` and `officers` (by
    id). Plain JSON (string keys), as the snapshots store it."""
    if first > last:
        raise ValueError("the period ends before it begins")
    as_of = today or timezone.localdate()
    cases = in_areas(Case.objects.filter(may_count_between(first, last)), area_ids)
    scoped = scoped_sql(cases, counted_on=min(last, as_of))
    deadlines = _rows(
        *deadline_figures_sql(scoped, first=first, last=last, as_of=as_of, breakdown=breakdown)
    )
    cap = min(as_of, last + dt.timedelta(days=1))
    active = _rows(*active_days_sql(scoped, first=first, cap=cap, breakdown=breakdown))

    result: dict = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "measures": MEASURES,
        "goals": goals_on(last),
        "total": empty_row(),
        "areas": {str(area_id): empty_row() for area_id in sorted(area_ids or [])},
    }
    if breakdown:
        result["teams"] = {}
        result["officers"] = {}

    def row_of(group: dict) -> dict:
        if group["dim"] == "total":
            return result["total"]
        return result[BLOCKS[group["dim"]]].setdefault(str(group["key"]), empty_row())

    for group in deadlines:
        row_of(group)[group["measure"]] = _deadline_cell(
            group["on_time"], group["late"], group["open"]
        )
    for group in active:
        row_of(group)[ACTIVE_DAYS_KEY] = _active_cell(
            group["cases"], group["days"] or 0, group["active_days"] or 0
        )
    for block in BLOCKS.values():
        if block in result:
            result[block] = dict(sorted(result[block].items(), key=lambda item: int(item[0])))
    return result


def may_count_between(first: dt.date, last: dt.date) -> Q:
    """The cases that can have a deadline falling due, or an enrolled day, in `first`..`last`;
    the others cannot count, so the figures need not read them (at national scale, ten years of
    closed cases). Every deadline falls due on or after the referral, else the start (nothing
    happens in a case before it), so a case referred or started after `last` has none; and
    none later than the end plus the longest delay a rule set allows after an end (closing
    documentation) or after the referral (the start: a case can end before its start was due),
    so a case that ended that long before `first` has none either."""
    delays = ("closing_doc_days", "prep_to_start_days")
    longest = max(
        [RuleSet._meta.get_field(name).get_default() for name in delays]
        + [value or 0 for row in RuleSet.objects.values_list(*delays) for value in row]
    )
    began = Q(referral_date__lte=last) | Q(referral_date__isnull=True, start_date__lte=last)
    ended = Q(end_date__isnull=True) | Q(end_date__gte=first - dt.timedelta(days=longest))
    return began & ended


def timeliness_months(
    *, months: list[dt.date], area_ids: list[int] | None, breakdown: bool = False
) -> dict:
    """`timeliness` over whole months (first days; the period runs from the first month to the
    end of the last), as the report API and the monthly snapshot ask for it."""
    month_ranges(months)  # validates the months
    if not months:
        raise ValueError("a period needs at least one month")
    return timeliness(
        first=min(months), last=last_day(months), area_ids=area_ids, breakdown=breakdown
    )


def due_items(*, cases: QuerySet[Case], first: dt.date, last: dt.date, today: dt.date):
    """Every deadline of `cases` falling due in `first`..`last`, nearest first: dicts of
    case_id, measure, due, done and state on `today` (timeliness_sql.STATES); a day done later
    than `today` (a meeting booked ahead) is not done yet. One query."""
    items = _rows(*due_items_sql(scoped_sql(cases), first=first, last=last, as_of=today))
    for item in items:
        if item["done"] is not None and item["done"] > today:
            item["done"] = None
    return items
