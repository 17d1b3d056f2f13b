"""The floors: hand-written, set-based SQL producing the same figures as the product's metrics,
the fastest way we know to ask PostgreSQL for them. The bench checks that each floor's figures
agree with the product's before it compares their times, so a floor can never be a shortcut."""

from __future__ import annotations

import datetime as dt

from django.db import connection

# The status category of the person's latest entry on or before a day (none: other).
_STATUS_ON = """COALESCE((
    SELECT sc.outcome_category FROM cases_statusentry s
    JOIN cases_statuscode sc ON sc.id = s.code_id
    WHERE s.person_id = c.person_id AND s.date <= {day}
    ORDER BY s.date DESC, s.id DESC LIMIT 1), 'other')"""

_AGE = """(EXTRACT(YEAR FROM {day}) - EXTRACT(YEAR FROM p.birth_date)
    - CASE WHEN TO_CHAR({day}, 'MMDD') < TO_CHAR(p.birth_date, 'MMDD') THEN 1 ELSE 0 END)"""

_BAND = """CASE WHEN age < 18 THEN 'under_18' WHEN age < 25 THEN '18_24' WHEN age < 35 THEN '25_34'
    WHEN age < 45 THEN '35_44' WHEN age < 55 THEN '45_54' WHEN age < 65 THEN '55_64'
    ELSE '65_plus' END"""

_PERSON_LEVELS = f"""p.sex,
    {_BAND} AS age_band,
    CASE WHEN p.born_abroad THEN 'abroad' WHEN NOT p.born_abroad THEN 'sweden'
        ELSE 'unknown' END AS born_abroad,
    CASE WHEN p.disability THEN 'yes' WHEN NOT p.disability THEN 'no'
        ELSE 'unknown' END AS disability,
    p.education_level"""

_DIMENSIONS = ["sex", "age_band", "born_abroad", "disability", "education_level", "target"]


def _sets(keys: list[str], dimensions: list[str]) -> str:
    """Each dimension by area and for the nation, and the totals."""
    sets = []
    for by in (["area_id"], []):
        sets.append("(" + ", ".join([*by, *keys]) + ")")
        for dimension in dimensions:
            sets.append("(" + ", ".join([*by, *keys, dimension]) + ")")
    return ", ".join(sets)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def outcomes_floor(first: dt.date, end: dt.date, area_id: int | None = None) -> list[tuple]:
    """Day-365 outcomes of the cases started in [first, end): every dimension by area and for
    the nation, one pass (GROUPING SETS). Rows: (area_id, outcome, dimensions..., count)."""
    day = "(c.start_date + 365)"
    where = "AND c.area_id = %s" if area_id else ""
    sql = f"""
    WITH cohort AS (
        SELECT c.area_id, c.person_id, c.target_group,
               {_STATUS_ON.format(day=day)} AS outcome,
               {_AGE.format(day="c.start_date")} AS age
        FROM cases_case c JOIN cases_person p ON p.id = c.person_id
        WHERE c.start_date >= %s AND c.start_date < %s {where}
          AND NOT p.protected_identity
          AND EXISTS (SELECT 1 FROM cases_consent k WHERE k.person_id = c.person_id
                      AND k.covers_follow_up AND k.given_on <= {day}
                      AND (k.withdrawn_on IS NULL OR k.withdrawn_on > {day}))
    )
    SELECT area_id, outcome, sex, age_band, born_abroad, disability, education_level, target,
           COUNT(*)
    FROM (SELECT c.area_id, c.outcome, {_PERSON_LEVELS},
                 COALESCE(NULLIF(c.target_group, ''), 'unknown') AS target
          FROM cohort c JOIN cases_person p ON p.id = c.person_id) AS banded
    GROUP BY GROUPING SETS ({_sets(["outcome"], _DIMENSIONS)})"""
    return _fetch(sql, [first, end, *([area_id] if area_id else [])])


def average_days_floor(first: dt.date, end: dt.date, area_id: int | None = None) -> list[tuple]:
    """Average days of the cases ended in [first, end), all and those ending in work or
    education, by sex and target group, by area and for the nation."""
    where = "AND c.area_id = %s" if area_id else ""
    woe = "('work_unsubsidised', 'work_subsidised', 'education', 'self_employed')"
    sql = f"""
    SELECT area_id, sex, target, COUNT(*), SUM(days),
           COUNT(*) FILTER (WHERE occupation IN {woe}),
           SUM(days) FILTER (WHERE occupation IN {woe})
    FROM (SELECT c.area_id, p.sex, COALESCE(NULLIF(c.target_group, ''), 'unknown') AS target,
                 c.end_date - c.start_date AS days,
                 {_STATUS_ON.format(day="c.end_date")} AS occupation
          FROM cases_case c JOIN cases_person p ON p.id = c.person_id
          WHERE c.end_date >= %s AND c.end_date < %s AND c.start_date IS NOT NULL {where}) e
    GROUP BY GROUPING SETS ((area_id), (area_id, sex), (area_id, target), (), (sex), (target))"""
    return _fetch(sql, [first, end, *([area_id] if area_id else [])])


def inflow_floor(first: dt.date, end: dt.date, area_id: int | None = None) -> list[tuple]:
    """Cases started in [first, end): by month and sex with the young among them, and every
    background variable by target group; by area and for the nation."""
    where = "AND c.area_id = %s" if area_id else ""
    young_max = """COALESCE(
        (SELECT r.young_max_age FROM cases_ruleset r
         WHERE r.valid_from <= COALESCE(c.referral_date, c.start_date)
         ORDER BY r.valid_from DESC LIMIT 1),
        (SELECT r.young_max_age FROM cases_ruleset r ORDER BY r.valid_from LIMIT 1), 29)"""
    sql = f"""
    WITH started AS (
        SELECT c.area_id, date_trunc('month', c.start_date) AS month, {_PERSON_LEVELS},
               COALESCE(NULLIF(c.target_group, ''), 'unknown') AS target,
               age <= {young_max} AS young
        FROM (SELECT c.*, {_AGE.format(day="c.start_date")} AS age
              FROM cases_case c JOIN cases_person p ON p.id = c.person_id
              WHERE c.start_date >= %s AND c.start_date < %s {where}) c
        JOIN cases_person p ON p.id = c.person_id
    )
    SELECT 'month', area_id, month::text, sex, NULL, COUNT(*), COUNT(*) FILTER (WHERE young)
    FROM started GROUP BY GROUPING SETS ((area_id, month, sex), (month, sex))
    UNION ALL
    SELECT 'rows', area_id, target, sex, concat_ws('|', age_band, born_abroad, disability,
           education_level), COUNT(*), NULL
    FROM started
    GROUP BY GROUPING SETS ((area_id, target), (area_id, target, sex),
        (area_id, target, age_band, born_abroad, disability, education_level),
        (target), (target, sex), (target, age_band, born_abroad, disability, education_level))"""
    return _fetch(sql, [first, end, *([area_id] if area_id else [])])


def caseload_floor(day: dt.date) -> list[tuple]:
    """Open cases on `day` per area and pair of officers."""
    sql = """
    SELECT area_id, fk_officer_id, af_officer_id, COUNT(*) FROM cases_case
    WHERE COALESCE(start_date, referral_date) <= %s AND (end_date IS NULL OR end_date > %s)
    GROUP BY area_id, fk_officer_id, af_officer_id"""
    return _fetch(sql, [day, day])


def monthly_floor(month: dt.date, end: dt.date, cohort_first: dt.date, cohort_end: dt.date):
    """The floors of the monthly job's cohort metrics for one month, every area and the nation."""
    last = end - dt.timedelta(days=1)
    return {
        "outcomes": outcomes_floor(cohort_first, cohort_end),
        "average_days": average_days_floor(month, end),
        "inflow": inflow_floor(month, end),
        "caseload": caseload_floor(last),
    }
