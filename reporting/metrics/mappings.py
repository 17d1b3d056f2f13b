"""Joint mapping statistics (SPEC §5; the 2012 report's Tabell 1)."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, Concat

from cases.models import Benefit
from mapping.models import AgencyCode, JointMapping, SickLeaveBand

from .base import (
    AGE_BAND_LEVELS,
    SEX_LEVELS,
    UNKNOWN,
    AgeOn,
    age_band,
    blank_as_unknown,
    in_areas,
    in_months,
)
from .grouping import WHOLE, grouping_sets, part_of, parts_of, split_selection
from .printing import printed_share


def mapping_stats(*, months: list[dt.date], area_ids: list[int] | None) -> dict:
    """Joint mappings held in the period (SPEC §5 "Joint mapping statistics", as Tabell 1), as
    the monthly snapshots store them.

    Definition:
    - population: every joint mapping whose first meeting (first_meeting_on, the day it was held)
      lies in a month of the period, in the given areas (the mapping's area; None: the nation).
      Mappings requested but not held are not counted; anonymous participants are counted (a
      count, not a rate);
    - rows: total; sex; age_band on the first meeting's day (ages as samverkan.dates.age_on);
      sick_leave_band on that day (JointMapping.objects.with_sick_leave_band(): under_90, 90_180,
      180_365, over_365; unknown when the sick-leave start is not recorded or lies after the
      meeting); benefit at the mapping (unknown for blank); initiated_by (FK/AF);
    - each row: its count and its printed share of all mappings held in the period (Tabell 1's
      "Andel");
    - a mapping whose sick-leave band is unknown is counted in every row but the known bands:
      in the total, and as "unknown" among the bands.

    One query, one pass for every dimension."""
    return _held_by(months=months, area_ids=area_ids, split=False)[WHOLE]


def mapping_report(
    *, months: list[dt.date], area_ids: list[int] | None, benefit: str | None = None
) -> dict:
    """`mapping_stats` as the report (page and API) shows them, from one pass:
    - `benefit` (a Benefit value, or "unknown" for none recorded) restricts the population to
      mappings of people with that benefit: the published Tabell 1 counts those on sjukpenning
      only, its shares of their total. The answer says which (`benefit`, None for all);
    - `crossed`: the counts by benefit (rows) and initiating agency (columns)."""
    result = _held_by(months=months, area_ids=area_ids, split=False, benefit=benefit, crossed=True)[
        WHOLE
    ]
    return {"benefit": benefit, **result}


def mapping_stats_by_area(
    *, months: list[dt.date], area_ids: list[int], nation: bool = False
) -> dict[int | None, dict]:
    """`mapping_stats` of each of the areas (and the nation, key None) from one pass."""
    return _held_by(months=months, area_ids=area_ids, split=True, nation=nation)


CROSSED = "benefit_initiated_by"


def _held_by(
    *, months, area_ids, split: bool, nation: bool = False, benefit=None, crossed=False
) -> dict:
    held = in_areas(
        JointMapping.objects.filter(in_months("first_meeting_on", months)),
        split_selection(area_ids, nation) if split else area_ids,
    ).with_sick_leave_band()
    if benefit is not None:
        held = held.filter(benefit="" if benefit == UNKNOWN else benefit)
    dimensions = _dimensions()
    if crossed:
        dimensions[CROSSED] = (
            Concat(
                blank_as_unknown("benefit"),
                Value(":"),
                F("initiated_by"),
                output_field=CharField(),
            ),
            [f"{b}:{a}" for b in [*Benefit.values, UNKNOWN] for a in AgencyCode.values],
        )
    groups = grouping_sets(
        held,
        {name: expression for name, (expression, _levels) in dimensions.items()},
        keys={"part": part_of(split)},
        aggregates={"n": "COUNT(*)"},
        whole_of="part" if nation else None,
    )
    found: dict = {part: {} for part in parts_of(split, area_ids, nation)}
    for name, rows in groups.items():
        for group in rows:
            if group["part"] in found:
                found[group["part"]].setdefault(name, {})[group["level"]] = group["n"]
    result = {}
    for part, tables in found.items():
        counts: dict[str, dict[str, int]] = {}
        for name, (_expression, known_levels) in dimensions.items():
            levels = dict(tables.get(name, {}))
            counts[name] = {level: levels.pop(level, 0) for level in known_levels} | levels
        total = counts["total"]["total"]
        cross = counts.pop(CROSSED, None)
        result[part] = {
            "levels": {name: list(levels) for name, levels in counts.items()},
            "rows": {
                name: {
                    level: {"count": n, "share": printed_share(n, total)}
                    for level, n in levels.items()
                }
                for name, levels in counts.items()
            },
        }
        if cross is not None:
            table: dict[str, dict[str, int]] = {}
            for level, n in cross.items():
                benefit_level, agency = level.split(":", 1)
                table.setdefault(benefit_level, {})[agency] = n
            result[part]["crossed"] = table
    return result


def _dimensions() -> dict:
    return {
        "total": (Value("total"), ["total"]),
        "sex": (F("person__sex"), SEX_LEVELS),
        "age_band": (
            age_band(AgeOn(F("person__birth_date"), F("first_meeting_on"))),
            AGE_BAND_LEVELS,
        ),
        "sick_leave_band": (
            Coalesce(F("sick_leave_band"), Value(UNKNOWN)),
            [*SickLeaveBand.values, UNKNOWN],
        ),
        "benefit": (blank_as_unknown("benefit"), [*Benefit.values, UNKNOWN]),
        "initiated_by": (F("initiated_by"), list(AgencyCode.values)),
    }
