"""The day-365 outcome and the average days in samverkan (SPEC §5, Tabell 3–6 and 9.1.3)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Value

from cases.models import Case
from cases.secrecy import not_anonymous_on
from samverkan.dates import add_months

from .base import (
    CATEGORY_KEYS,
    COARSE_CATEGORIES,
    FINE_CATEGORIES,
    OUTCOME_DAY,
    SEX_LEVELS,
    TARGET_GROUP_LEVELS,
    WORK_OR_EDUCATION_CATEGORIES,
    WORK_OR_EDUCATION_KEY,
    DaysBetween,
    PlusDays,
    blank_as_unknown,
    half_up_mean,
    in_areas,
    in_months,
    month_ranges,
    person_dimensions,
    status_category_on,
)
from .grouping import (
    WHOLE,
    grouping_sets_of_period,
    part_of,
    parts_of,
    selection_shape,
    split_selection,
)
from .printing import printed_share


def outcome_row(fine_counts: dict[str, int]) -> dict:
    """One table row from counts per fine category: the count of every fine category and of
    work_or_education, the row total, and every cell's printed share of the row total (the
    work-or-education sub-split too: shares of the whole row, as Tabell 4 and 6)."""
    cells = _no_cells()
    for category, n in fine_counts.items():
        cells[_FINE_AT.get(category, _ELSE)] += int(n)
    return _outcome_row(cells)


# A row's counts as a list: one cell per fine category (FINE_CATEGORIES' order), and a last one
# for a category the code does not know, which counts in the row total only.
_FINE_AT = {category: i for i, category in enumerate(FINE_CATEGORIES)}
_ELSE = len(FINE_CATEGORIES)


def _no_cells() -> list[int]:
    return [0] * (_ELSE + 1)


def _outcome_row(cells: list[int]) -> dict:
    total, total_share, counts, shares = _outcome_cells(tuple(cells))
    return {
        "total": total,
        "total_share": total_share,
        "counts": dict(zip(CATEGORY_KEYS, counts, strict=True)),
        "shares": dict(zip(CATEGORY_KEYS, shares, strict=True)),
    }


# Where each of CATEGORY_KEYS is found among the cells (None: work_or_education, the sum).
_CATEGORY_AT = [None if key == WORK_OR_EDUCATION_KEY else _FINE_AT[key] for key in CATEGORY_KEYS]
_WORK_OR_EDUCATION_AT = [_FINE_AT[category] for category in WORK_OR_EDUCATION_CATEGORIES]


@lru_cache(maxsize=1 << 14)
def _outcome_cells(cells: tuple[int, ...]) -> tuple[int, str, tuple, tuple]:
    """(the total, its printed share, the counts of CATEGORY_KEYS, their printed shares) of a
    row with `cells`. Ints, strs and tuples only, so one answer serves every row with the same
    counts (in a month's sixty areas many rows are alike, most of all the empty ones)."""
    total = sum(cells)
    work_or_education = sum(cells[i] for i in _WORK_OR_EDUCATION_AT)
    counts = tuple(work_or_education if i is None else cells[i] for i in _CATEGORY_AT)
    return (
        total,
        printed_share(total, total),
        counts,
        tuple(printed_share(n, total) for n in counts),
    )


# --- one case's day-365 outcome, for every caller (the metrics here, the exports) ----------------


def day_365_of(start: str = "start_date") -> PlusDays:
    """Day 365 of a case: its start + 365 days (start is day 0, samverkan.dates). After a 29
    February it is the last day of the month before the anniversary."""
    return PlusDays(F(start), OUTCOME_DAY)


def outcome_on_day_365(day_365: str = "day_365"):
    """The case's outcome category (SPEC §5): the category of the person's latest status entry
    on or before the annotation `day_365`; later entries never count; no entry is `other`."""
    return status_category_on(OuterRef(day_365))


def counted_on_day_365(day_365: str = "day_365") -> Q:
    """The case counts in the outcome: its person is no anonymous participant on the annotation
    `day_365` (no protected identity, a consent to follow-up registration in force that day)."""
    return not_anonymous_on(OuterRef(day_365))


def outcome_cohort(*, months: list[dt.date], area_ids: list[int] | None):
    """The measured cases of the report months, each annotated with `day_365` and `outcome`.

    Population: every case whose start_date lies in month M−12 of a report month M, in the given
    areas (the case's current area), except anonymous participants on day 365 (protected identity,
    or no consent covering follow-up registration in force on start + 365)."""
    month_ranges(months)  # validates the report months
    cohort_months = [add_months(month, -12) for month in months]
    cases = in_areas(Case.objects.filter(in_months("start_date", cohort_months)), area_ids)
    return (
        cases.annotate(day_365=day_365_of())
        .filter(counted_on_day_365())
        .annotate(outcome=outcome_on_day_365())
        .order_by()
    )


def outcome_dimensions() -> dict:
    dimensions = {"total": (Value("total"), ["total"])}
    dimensions.update(person_dimensions("person__", F("start_date")))
    dimensions["target_group"] = (blank_as_unknown("target_group"), TARGET_GROUP_LEVELS)
    return dimensions


def outcomes(*, months: list[dt.date], area_ids: list[int] | None) -> dict:
    """Status at day 365 (SPEC §5 "Outcome at day 365"; Tabell 3–6).

    Definition:
    - report months `months` (first days); the period is the union of its months. For report
      month M the population is every case with start_date in month M−12, so a period of report
      months covers the start cohorts twelve months earlier;
    - areas: the case's current area (a moved case counts where it is now); None is the nation;
    - left out: anonymous participants, i.e. protected identity, or no consent covering follow-up
      registration in force on day 365 (given_on <= day 365 < withdrawn_on);
    - day 365 is start_date + 365 days (start is day 0): after a 29 February it falls on the last
      day of the month before the anniversary; the case stays in its start month's cohort;
    - the outcome is the outcome category of the person's latest status entry dated on or before
      day 365; later entries never count; no entry at all is `other`;
    - fine categories: work_unsubsidised, work_subsidised, education, self_employed,
      labour_market_programme, openly_unemployed, other; coarse: work_or_education (the sum of
      the first four), labour_market_programme, openly_unemployed, other.

    Rows by dimension: total, sex (K/M), age_band at start (under_18, 18_24 … 55_64, 65_plus,
    ages as samverkan.dates.age_on), born_abroad (sweden/abroad/unknown), disability
    (yes/no/unknown), education_level, target_group (unknown for blank). Each row holds the count
    of every category, the row total and the printed share of every cell of the row total (the
    work-or-education sub-split included, as Tabell 4 and 6).

    One query, one pass over the cohort for every dimension (grouping.grouping_sets): the number of
    queries does not depend on the population."""
    return _outcomes(months=months, area_ids=area_ids, split=False)[WHOLE]


def outcomes_by_area(
    *, months: list[dt.date], area_ids: list[int], nation: bool = False
) -> dict[int | None, dict]:
    """`outcomes` of each of the areas, from one pass over their cohorts: {area id: figures},
    each exactly what `outcomes(months=months, area_ids=[area id])` returns; with `nation`, the
    nation's too (key None), from the same pass."""
    return _outcomes(months=months, area_ids=area_ids, split=True, nation=nation)


def _outcomes(*, months, area_ids, split: bool, nation: bool = False) -> dict:
    selection = split_selection(area_ids, nation) if split else area_ids
    dimensions = outcome_dimensions()

    def build(months: list[dt.date]) -> dict:
        return {
            "queryset": outcome_cohort(months=months, area_ids=selection),
            "dimensions": {name: expression for name, (expression, _l) in dimensions.items()},
            "keys": {"part": part_of(split), "category": F("outcome")},
            "aggregates": {"n": "COUNT(*)"},
            "whole_of": "part" if nation else None,
        }

    shape = selection_shape("outcomes", selection, split, nation)
    groups = grouping_sets_of_period(shape, months, build)

    counts = {
        part: {
            name: {level: _no_cells() for level in levels}
            for name, (_e, levels) in dimensions.items()
        }
        for part in parts_of(split, area_ids, nation)
    }
    for name, rows in groups.items():
        for part, category, level, n in rows:
            tables = counts.get(part)
            if tables is None:  # an area not asked for counts in the nation only
                continue
            table = tables[name]
            cells = table.get(level)
            if cells is None:  # a level the code does not know: after the known ones
                cells = table[level] = _no_cells()
            cells[_FINE_AT.get(category, _ELSE)] += n
    cohort_months = [f"{add_months(m, -12):%Y-%m}" for m in sorted(set(months))]
    return {
        part: {
            "cohort_months": cohort_months,
            "categories": {"fine": FINE_CATEGORIES, "coarse": COARSE_CATEGORIES},
            "levels": {name: list(levels) for name, levels in tables.items()},
            "rows": {
                name: {level: _outcome_row(cells) for level, cells in levels.items()}
                for name, levels in tables.items()
            },
        }
        for part, tables in counts.items()
    }


def average_days(*, months: list[dt.date], area_ids: list[int] | None) -> dict:
    """Average days in samverkan (SPEC §5; the 2012 report's 9.1.3).

    Definition:
    - population: every case whose end_date lies in a month of the period and that has a
      start_date (a case closed before registration never was in samverkan), in the given areas
      (current area); anonymous participants are included (a mean of days, not a rate);
    - days = end_date − start_date in calendar days (start is day 0, samverkan.dates);
    - "ended in work or education": the outcome category of the person's latest status entry
      dated on or before the end date is one of work_unsubsidised, work_subsidised, education,
      self_employed (no entry: not work or education);
    - per row, for all and for those in work or education: the count, the sum of days (so areas
      and months can be added up exactly) and the mean printed as whole days, halves rounded up
      (266.5 → 267); None when nobody ended.

    Rows: total, sex, target_group."""
    return _average_days(months=months, area_ids=area_ids, split=False)[WHOLE]


def average_days_by_area(
    *, months: list[dt.date], area_ids: list[int], nation: bool = False
) -> dict[int | None, dict]:
    """`average_days` of each of the areas (and the nation, key None) from one pass."""
    return _average_days(months=months, area_ids=area_ids, split=True, nation=nation)


def _average_days(*, months, area_ids, split: bool, nation: bool = False) -> dict:
    month_ranges(months)
    selection = split_selection(area_ids, nation) if split else area_ids
    dimensions = {
        "total": (Value("total"), ["total"]),
        "sex": (F("person__sex"), SEX_LEVELS),
        "target_group": (blank_as_unknown("target_group"), TARGET_GROUP_LEVELS),
    }

    def build(months: list[dt.date]) -> dict:
        ended = in_areas(
            Case.objects.filter(in_months("end_date", months), start_date__isnull=False),
            selection,
        ).annotate(occupation=status_category_on(OuterRef("end_date")))
        return {
            "queryset": ended,
            "dimensions": {name: expression for name, (expression, _l) in dimensions.items()},
            "keys": {"part": part_of(split)},
            "inputs": {
                "days": DaysBetween(F("start_date"), F("end_date")),
                "woe": ExpressionWrapper(
                    Q(occupation__in=WORK_OR_EDUCATION_CATEGORIES), output_field=BooleanField()
                ),
            },
            "aggregates": {
                "count": "COUNT(*)",
                "days": "SUM(days)",
                "woe_count": "COUNT(*) FILTER (WHERE woe)",
                "woe_days": "SUM(days) FILTER (WHERE woe)",
            },
            "whole_of": "part" if nation else None,
        }

    shape = selection_shape("average_days", selection, split, nation)
    groups = grouping_sets_of_period(shape, months, build)
    found: dict = {part: {} for part in parts_of(split, area_ids, nation)}
    for name, rows in groups.items():
        for part, level, *sums in rows:
            if part in found:
                found[part].setdefault(name, {})[level] = sums
    result = {}
    for part, tables in found.items():
        rows = {}
        for name, (_expression, known_levels) in dimensions.items():
            levels = tables.get(name, {})
            rows[name] = {
                level: _days_row(levels.get(level, _NO_DAYS))
                for level in [*known_levels, *(k for k in levels if k not in known_levels)]
            }
        result[part] = {"rows": rows}
    return result


_NO_DAYS = (None, None, None, None)


def _days_row(sums) -> dict:
    """A row from the grouped sums (count, days, woe_count, woe_days); none: nobody ended."""
    count, days, woe_count, woe_days = sums

    def part(count, days):
        count, days = int(count or 0), int(days or 0)
        return {"count": count, "days_total": days, "mean_days": half_up_mean(days, count)}

    return {
        "all": part(count, days),
        WORK_OR_EDUCATION_KEY: part(woe_count, woe_days),
    }
