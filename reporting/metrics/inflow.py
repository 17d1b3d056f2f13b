"""Inflow of new participants (SPEC §5 "Inflow"; the 2012 report's Tabell 2)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Func, Q, Value
from django.db.models.functions import Coalesce, Concat

from cases.models import Case

from .base import (
    SEX_LEVELS,
    TARGET_GROUP_LEVELS,
    AgeOn,
    blank_as_unknown,
    in_areas,
    in_months,
    month_ranges,
    person_dimensions,
    young_max_age_of_case,
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

MONTH_SEX = "month_sex"  # the months by sex, grouped in the same pass as the background


class ToChar(Func):
    function = "TO_CHAR"
    output_field = CharField()


def new_cases(*, months: list[dt.date], area_ids: list[int] | None):
    """Cases that started (start_date, the registration day) in a month of the period, annotated
    with `age` at start and `young_max` (the young_max_age of the rule set the case follows)."""
    month_ranges(months)
    cases = in_areas(Case.objects.filter(in_months("start_date", months)), area_ids)
    return (
        cases.annotate(
            rules_day=Coalesce(F("referral_date"), F("start_date")),
            age=AgeOn(F("person__birth_date"), F("start_date")),
        )
        .annotate(young_max=young_max_age_of_case())
        .order_by()
    )


def _young_row(count: int, young: int) -> dict:
    return {"count": count, "young": young, "young_share": printed_share(young, count)}


def inflow(*, months: list[dt.date], area_ids: list[int] | None) -> dict:
    """New participants (SPEC §5 "Inflow"), anonymous participants included (SPEC §3).

    Definition:
    - population: every case whose start_date (registration in samverkan) lies in a month of
      the period, in the given areas (the case's current area; None: the nation). A person with
      two cases starting in the period counts twice (two participation periods);
    - young: age at start_date (samverkan.dates.age_on) at most the rule set's young_max_age,
      from the set the case follows (cases.flags.rules_for: the set in force on the referral
      date, else the start date, chosen as RuleSet.for_date chooses it), so the figure agrees
      with the young flag on the worklist;
    - `months`: per month of the period and `period` for the whole of it, each as all / K / M
      side by side: the count, the young count and the young share (printed, of that count);
    - `rows` (as Tabell 2): per background variable (total, sex, age_band at start,
      born_abroad, disability, education_level) and level, the count per target group (unknown for
      blank), the row total, and each cell's printed share of the row total.

    One query: one pass over the new cases for the months by sex and every background variable."""
    return _inflow(months=months, area_ids=area_ids, split=False)[WHOLE]


def inflow_by_area(
    *, months: list[dt.date], area_ids: list[int], nation: bool = False
) -> dict[int | None, dict]:
    """`inflow` of each of the areas (and the nation, key None), from the same one query."""
    return _inflow(months=months, area_ids=area_ids, split=True, nation=nation)


def _inflow(*, months, area_ids, split: bool, nation: bool = False) -> dict:
    selection = split_selection(area_ids, nation) if split else area_ids
    young = Q(age__lte=F("young_max"))
    month_keys = [f"{month:%Y-%m}" for month in sorted(set(months))]
    parts = parts_of(split, area_ids, nation)

    dimensions = {"total": (Value("total"), ["total"])}
    dimensions.update(person_dimensions("person__", F("start_date")))

    # Per background variable and target group, and per month and sex (with the young): one
    # pass over the new cases for all of them.
    def build(months: list[dt.date]) -> dict:
        return {
            "queryset": new_cases(months=months, area_ids=selection).annotate(part=part_of(split)),
            "dimensions": {
                **{name: expression for name, (expression, _levels) in dimensions.items()},
                MONTH_SEX: Concat(
                    ToChar(F("start_date"), Value("YYYY-MM")),
                    Value(":"),
                    F("person__sex"),
                    output_field=CharField(),
                ),
            },
            "keys": {"part": F("part"), "target": blank_as_unknown("target_group")},
            "inputs": {"young": ExpressionWrapper(young, output_field=BooleanField())},
            "aggregates": {"n": "COUNT(*)", "young": "COUNT(*) FILTER (WHERE young)"},
            "whole_of": "part" if nation else None,
        }

    shape = selection_shape("inflow", selection, split, nation)
    groups = grouping_sets_of_period(shape, months, build)
    # (count, young) per part, month and sex, summed over the target groups.
    cells: dict = {part: {} for part in parts}
    for part, _target, level, count, young_count in groups.pop(MONTH_SEX):
        if part in cells:
            month, sex = level.split(":", 1)
            n, y = cells[part].get((month, sex), (0, 0))
            cells[part][(month, sex)] = (n + count, y + young_count)

    def side_by_side(part: int, keys: list[str]) -> dict:
        """all, K and M over the months `keys`."""
        rows = {}
        for sex in SEX_LEVELS:
            found = [cells[part].get((key, sex), (0, 0)) for key in keys]
            rows[sex] = _young_row(sum(n for n, _ in found), sum(y for _, y in found))
        rows["all"] = _young_row(
            sum(row["count"] for row in rows.values()), sum(row["young"] for row in rows.values())
        )
        return rows

    counts: dict = {
        part: {
            name: {level: _no_cells() for level in known}
            for name, (_e, known) in dimensions.items()
        }
        for part in parts
    }
    for name, rows in groups.items():
        for part, target, level, n, _young in rows:
            tables = counts.get(part)
            if tables is None:  # an area not asked for counts in the nation only
                continue
            table = tables[name]
            row = table.get(level)
            if row is None:  # a level the code does not know: after the known ones
                row = table[level] = _no_cells()
            at = _TARGET_AT.get(target)
            if at is None:  # a target group the code does not know: after the known ones
                row[-1] = {**(row[-1] or {}), target: n}
            else:
                row[at] += n
    return {
        part: {
            "months": {key: side_by_side(part, [key]) for key in month_keys},
            "period": side_by_side(part, month_keys),
            "target_groups": TARGET_GROUP_LEVELS,
            "levels": {name: list(table) for name, table in tables.items()},
            "rows": {
                name: {level: _target_group_row(c) for level, c in table.items()}
                for name, table in tables.items()
            },
        }
        for part, tables in counts.items()
    }


# A row's counts as a list: one cell per target group (TARGET_GROUP_LEVELS' order), and last the
# counts of target groups the code does not know ({group: count}, None when there are none).
_TARGET_AT = {group: i for i, group in enumerate(TARGET_GROUP_LEVELS)}


def _no_cells() -> list:
    return [*(0 for _ in TARGET_GROUP_LEVELS), None]


def _target_group_row(cells: list) -> dict:
    counts, others = tuple(cells[:-1]), cells[-1]
    keys = TARGET_GROUP_LEVELS
    if others:
        keys = [*keys, *others]
        counts = (*counts, *others.values())
    total = sum(counts)
    return {
        "total": total,
        "total_share": printed_share(total, total),
        "counts": dict(zip(keys, counts, strict=True)),
        "shares": dict(zip(keys, _shares(counts, total), strict=True)),
    }


@lru_cache(maxsize=1 << 14)
def _shares(counts: tuple[int, ...], total: int) -> tuple[str, ...]:
    """The printed shares of `counts` of `total`, once for every row with the same counts."""
    return tuple(printed_share(n, total) for n in counts)
