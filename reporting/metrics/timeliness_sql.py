"""The SQL of the timeliness figures and the weekly lists (reporting.metrics.timeliness): the
deadlines of SPEC §3 and §5 as one set of rows, one row per deadline ("item") of every case.

Read it top down: `scoped` is the cases asked about (built by the ORM, so the area filter, the
rule set a case follows and the anonymous-participant rule are the product's own expressions),
`items` is every deadline of those cases with the day it fell due and the day it was met, and a
caller aggregates or lists them. The deadlines themselves are cases.deadlines' declarations
(START, PLAN, CLOSING_DOC, FOLLOW_UP), the very ones the worklist's flags evaluate in Python.

Every statement here is one query; the parameters are passed, never written into the text,
except the table names (from the models' metadata) and the whole-number defaults of the rule
set's fields.
"""

from __future__ import annotations

from django.conf import settings

from accounts.models import StaffProfile, Team
from cases.deadlines import CLOSING_DOC, FOLLOW_UP, PLAN, START
from cases.models import PhaseTransition, RuleSet
from mapping.models import Intervention, Meeting, PlanVersion

# The measures, in the order every table shows them.
START_KEY = "start"
FOLLOW_UP_KEY = "follow_up"
CLOSING_DOC_KEY = "closing_doc"
PLAN_KEY = "plan"
ACTIVE_DAYS_KEY = "active_days"
DEADLINE_MEASURES = [START_KEY, FOLLOW_UP_KEY, CLOSING_DOC_KEY, PLAN_KEY]
MEASURES = [*DEADLINE_MEASURES, ACTIVE_DAYS_KEY]

# An item's state on the day asked about (`as_of`):
ON_TIME = "on_time"  # met on or before its deadline
LATE = "late"  # met, after its deadline
OVERDUE = "overdue"  # not met, and its deadline has passed
OPEN = "open"  # not met, and its deadline is today or later
STATES = [ON_TIME, LATE, OVERDUE, OPEN]


def _table(model) -> str:
    return model._meta.db_table


RULES = _table(RuleSet)
TEAMS_OF_PROFILE = _table(StaffProfile.teams.through)


def items_sql(scoped_sql: str) -> tuple[str, list]:
    """The CTEs `scoped` (the given SQL) and `items` (case_id, measure, due, done), and the
    parameters they add after scoped's own. Definitions, one per measure:

    - start (rule 1, START): every case with a referral date that has started or is still
      waiting to start; due the referral + prep_to_start_days, met on the start date. A case
      closed without ever starting (not admitted) owes no start.
    - plan (rule 4, PLAN): every case that moved to introduction and trial; due the day of the
      (first) move, met on the day its first individual plan existed: the earliest of the day a
      version was recorded (Stockholm time) and the day a version is dated from.
    - closing_doc (rule 5, CLOSING_DOC): every case that started and ended (cases.models.
      CLOSING_DOC_DUE's population); due the end + closing_doc_days, met on closing_doc_date.
    - follow_up (the cadence, FOLLOW_UP): the start and every later meeting recorded on the case
      (the worklist's "last follow-up", mapping.selectors.base.case_fact_annotations, counts
      every meeting of the case) form a chain; each link is due follow_up_days after it and met
      by the next link. A link is owed only while the case runs: a case ended on or before the
      day it fell due owes it no more (the flag is gone once the case is closed)."""
    plan_day = "LEAST((p.created_at AT TIME ZONE %s)::date, p.start_date)"
    sql = f"""
scoped AS ({scoped_sql}),
items AS (
    SELECT s.id AS case_id, '{START_KEY}' AS measure,
           {START.due_sql({"referral_date": "s.referral_date"}, "r")} AS due,
           s.start_date AS done
    FROM scoped s LEFT JOIN {RULES} r ON r.id = s.rule_set_pk
    WHERE s.referral_date IS NOT NULL AND (s.start_date IS NOT NULL OR s.end_date IS NULL)
  UNION ALL
    SELECT s.id, '{PLAN_KEY}',
           {PLAN.due_sql({"introduction_on": "t.day"}, "r")},
           (SELECT MIN({plan_day}) FROM {_table(PlanVersion)} p WHERE p.case_id = s.id)
    FROM scoped s
    JOIN (SELECT case_id, MIN(date) AS day FROM {_table(PhaseTransition)}
          WHERE to_phase = 'introduction_trial' GROUP BY case_id) t ON t.case_id = s.id
    LEFT JOIN {RULES} r ON r.id = s.rule_set_pk
  UNION ALL
    SELECT s.id, '{CLOSING_DOC_KEY}',
           {CLOSING_DOC.due_sql({"end_date": "s.end_date"}, "r")},
           s.closing_doc_date
    FROM scoped s LEFT JOIN {RULES} r ON r.id = s.rule_set_pk
    WHERE s.start_date IS NOT NULL AND s.end_date IS NOT NULL
  UNION ALL
    SELECT chain.case_id, '{FOLLOW_UP_KEY}', chain.due, chain.next_link
    FROM (
        SELECT link.case_id, link.end_date,
               {FOLLOW_UP.due_sql({"start_date": "link.start_date", "last_follow_up": "link.day"}, "r")}
                   AS due,
               LEAD(link.day) OVER (PARTITION BY link.case_id ORDER BY link.day) AS next_link
        FROM (
            SELECT s.id AS case_id, s.start_date, s.end_date, s.rule_set_pk, s.start_date AS day
            FROM scoped s WHERE s.start_date IS NOT NULL
          UNION
            SELECT s.id, s.start_date, s.end_date, s.rule_set_pk, m.date
            FROM scoped s JOIN {_table(Meeting)} m ON m.case_id = s.id
            WHERE s.start_date IS NOT NULL AND m.date > s.start_date
        ) link
        LEFT JOIN {RULES} r ON r.id = link.rule_set_pk
    ) chain
    WHERE chain.end_date IS NULL OR chain.end_date > chain.due
)"""  # noqa: E501, S608 - names from the models and constants; values are parameters
    return sql, [settings.TIME_ZONE]


def state_sql(item: str = "i") -> str:
    """SQL: the state of an item on the day given as the parameter `as_of` (twice)."""
    return f"""CASE
        WHEN {item}.done IS NOT NULL AND {item}.done <= {item}.due AND {item}.done <= %s
            THEN '{ON_TIME}'
        WHEN {item}.done IS NOT NULL AND {item}.done <= %s THEN '{LATE}'
        WHEN {item}.due < %s THEN '{OVERDUE}'
        ELSE '{OPEN}' END"""


def _groups(select: str, source: str, *, breakdown: bool) -> str:
    """`select` (the measure columns) grouped for the whole, per area and, with `breakdown`,
    per team and per officer, as one UNION ALL: (dim, key, ...). A case counts once for each
    of its officers and once for each team one of its officers is in (in the case's area)."""
    parts = [
        f"SELECT 'total' AS dim, 0 AS key, {select} FROM {source} GROUP BY measure",  # noqa: S608
        f"SELECT 'area', s.area_id, {select} FROM {source} GROUP BY s.area_id, measure",  # noqa: S608
    ]
    if breakdown:
        parts.append(
            f"""SELECT 'officer', o.officer_id, {select} FROM {source}
            CROSS JOIN LATERAL (SELECT DISTINCT officer_id FROM (VALUES (s.fk_officer_id),
                (s.af_officer_id)) AS v(officer_id) WHERE officer_id IS NOT NULL) o
            GROUP BY o.officer_id, measure"""  # noqa: S608 - names from the models and constants; values are parameters
        )
        parts.append(
            f"""SELECT 'team', t.team_id, {select} FROM {source}
            CROSS JOIN LATERAL (
                SELECT DISTINCT pt.team_id
                FROM {_table(StaffProfile)} sp
                JOIN {TEAMS_OF_PROFILE} pt ON pt.staffprofile_id = sp.id
                JOIN {_table(Team)} team ON team.id = pt.team_id AND team.area_id = s.area_id
                WHERE sp.user_id IN (s.fk_officer_id, s.af_officer_id)) t
            GROUP BY t.team_id, measure"""  # noqa: S608 - names from the models and constants; values are parameters
        )
    return "\nUNION ALL\n".join(parts)


def deadline_figures_sql(scoped: tuple[str, list], *, first, last, as_of, breakdown: bool):
    """One query: per group and measure the number of cases with a deadline in the period
    (`first`..`last`) whose deadlines there were all met on time, any met late or missed, or
    all still open on `as_of`. Returns (sql, params)."""
    items, params = items_sql(scoped[0])
    params = [*scoped[1], *params, as_of, as_of, as_of, first, last]
    per_case = f"""per_case AS (
        SELECT i.case_id, i.measure,
               CASE WHEN bool_or(i.state IN ('{LATE}', '{OVERDUE}')) THEN '{LATE}'
                    WHEN bool_or(i.state = '{ON_TIME}') THEN '{ON_TIME}'
                    ELSE '{OPEN}' END AS state
        FROM (SELECT items.*, {state_sql("items")} AS state FROM items
              WHERE items.due BETWEEN %s AND %s) i
        GROUP BY i.case_id, i.measure
    )"""  # noqa: S608 - names from the models and constants; values are parameters
    select = (
        f"measure, COUNT(*) FILTER (WHERE c.state = '{ON_TIME}') AS on_time, "
        f"COUNT(*) FILTER (WHERE c.state = '{LATE}') AS late, "
        f"COUNT(*) FILTER (WHERE c.state = '{OPEN}') AS open"
    )
    source = "per_case c JOIN scoped s ON s.id = c.case_id AND s.counted"
    sql = f"WITH {items},\n{per_case}\n{_groups(select, source, breakdown=breakdown)}"
    return sql, params


def active_days_sql(scoped: tuple[str, list], *, first, cap, breakdown: bool):
    """One query: per group the cases enrolled on some day of the period, their enrolled days
    and the days of those on which an intervention was active.

    Enrolled days of a case: from its start (day 0) up to, not including, its end, the first day
    after the period and the day asked about (`as_of`), whichever comes first: the product's day
    count (end − start, samverkan.dates). Active: an intervention started and not ended before
    the day (both its first and its last day count, as Intervention.active_on); overlapping
    interventions count a day once (range_agg merges them).

    `cap` is the earlier of the day after the period and as_of. Returns (sql, params)."""
    upper = "LEAST(COALESCE(s.end_date, %s), %s)"
    lower = "GREATEST(s.start_date, %s)"
    params = [*scoped[1], first, cap, cap, first, cap, cap]
    sql = f"""WITH scoped AS ({scoped[0]}),
    enrolled AS (
        SELECT s.*, daterange({lower}, {upper}) AS days
        FROM scoped s
        WHERE s.start_date IS NOT NULL AND s.counted AND {lower} < {upper}
    ),
    per_case AS (
        SELECT e.*, upper(e.days) - lower(e.days) AS enrolled_days,
               COALESCE((SELECT SUM(upper(r) - lower(r))
                         FROM unnest(iv.covered * datemultirange(e.days)) AS r), 0) AS active
        FROM enrolled e
        LEFT JOIN LATERAL (
            SELECT range_agg(daterange(i.start_date, i.end_date, '[]')) AS covered
            FROM {_table(Intervention)} i
            WHERE i.case_id = e.id AND i.start_date IS NOT NULL
        ) iv ON TRUE
    )
    """  # noqa: S608 - names from the models and constants; values are parameters
    select = (
        f"'{ACTIVE_DAYS_KEY}' AS measure, COUNT(*) AS cases, "
        "SUM(s.enrolled_days)::integer AS days, SUM(s.active)::integer AS active_days"
    )
    # `measure` is the constant's output name here: PostgreSQL groups by it.
    return sql + _groups(select, "per_case s", breakdown=breakdown), params


def due_items_sql(scoped: tuple[str, list], *, first, last, as_of):
    """One query: every item due in `first`..`last`, with its state on `as_of` (the weekly
    lists). Returns (sql, params)."""
    items, params = items_sql(scoped[0])
    params = [*scoped[1], *params, as_of, as_of, as_of, first, last]
    sql = f"""WITH {items}
    SELECT i.case_id, i.measure, i.due, i.done, {state_sql("i")} AS state
    FROM items i WHERE i.due BETWEEN %s AND %s
    ORDER BY i.due, i.case_id, i.measure"""  # noqa: S608 - names from the models and constants; values are parameters
    return sql, params
