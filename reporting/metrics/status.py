"""The status report (SPEC §5 "Status report", as SUS's standard report)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Q

from accounts.models import OfficeUnit
from cases.models import Case
from mapping.models import JointMapping
from mapping.selectors import (
    ACTIVE,
    IN_MAPPING,
    WAITING,
    cases_with_support_state,
    mappings_with_support_state,
)

from .base import (
    CATEGORY_KEYS,
    SEX_LEVELS,
    UNKNOWN,
    WORK_OR_EDUCATION_CATEGORIES,
    WORK_OR_EDUCATION_KEY,
    in_areas,
    in_months,
    last_day,
    month_ranges,
    status_category_on,
)

STATES = [
    "in_mapping",
    "waiting_for_mapping",
    "active",
    "waiting_for_intervention",
    "waiting",
    "ended",
]


def empty_status_row() -> dict:
    return {
        **{state: 0 for state in STATES},
        "ended_occupation": {key: 0 for key in CATEGORY_KEYS},
    }


def _sex_rows() -> dict[str, dict]:
    return {"all": empty_status_row(), **{sex: empty_status_row() for sex in SEX_LEVELS}}


# The office fields of a case and a mapping by the kind of office they hold (accounts.offices).
OFFICE_KINDS = {
    OfficeUnit.Kind.LFC.value: "fk_office_id",
    OfficeUnit.Kind.AMO.value: "af_office_id",
}


def _office_codes(seen: set[int]) -> dict[int, str]:
    if not seen:
        return {}
    return dict(OfficeUnit.objects.filter(pk__in=seen).values_list("pk", "code"))


def _report(*, day: dt.date, area_ids: list[int] | None, ended: Q) -> dict:
    """The states on `day` and the cases matched by `ended`, by area, office and sex, in three
    grouped queries (mappings by state, open cases by state, ended cases by occupation)."""
    cases = in_areas(Case.objects.all(), area_ids)
    mappings = in_areas(JointMapping.objects.all(), area_ids)
    by = ("area_id", "fk_office_id", "af_office_id", "person__sex")

    tallies: list[tuple[dict, str]] = []
    mapping_states = {IN_MAPPING: "in_mapping", WAITING: "waiting_for_mapping"}
    for group in (
        mappings_with_support_state(mappings, day)
        .values(*by, "support_state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tallies.append((group, mapping_states[group["support_state"]]))
    case_states = {ACTIVE: "active", WAITING: "waiting_for_intervention"}
    for group in (
        cases_with_support_state(cases, day)
        .values(*by, "support_state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tallies.append((group, case_states[group["support_state"]]))
    for group in (
        cases.filter(ended)
        .annotate(occupation=status_category_on(OuterRef("end_date")))
        .values(*by, "occupation")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tallies.append((group, "ended"))

    # Adding up the grouped rows (at most areas × offices × sexes × states of them) into the
    # area, office, sex and total rows; no person or case reaches Python.
    seen = {group[f] for group, _state in tallies for f in OFFICE_KINDS.values() if group[f]}
    codes = _office_codes(seen)
    offices: dict[str, dict[str, dict]] = {kind: {} for kind in OFFICE_KINDS}
    total = _sex_rows()
    areas: dict[str, dict[str, dict]] = {
        str(area_id): _sex_rows() for area_id in sorted(area_ids or [])
    }
    for group, state in tallies:
        area_key = str(group["area_id"])
        blocks = [total, areas.setdefault(area_key, _sex_rows())]
        for kind, field in OFFICE_KINDS.items():
            office = codes[group[field]] if group[field] else UNKNOWN
            blocks.append(offices[kind].setdefault(area_key, {}).setdefault(office, _sex_rows()))
        for rows in blocks:
            for key in ("all", group["person__sex"]):
                row = rows.setdefault(key, empty_status_row())
                row[state] += group["n"]
                if state in ("waiting_for_mapping", "waiting_for_intervention"):
                    row["waiting"] += group["n"]
                if state == "ended":
                    row["ended_occupation"][group["occupation"]] += group["n"]
                    if group["occupation"] in WORK_OR_EDUCATION_CATEGORIES:
                        row["ended_occupation"][WORK_OR_EDUCATION_KEY] += group["n"]
    for by_area in offices.values():
        for area_key, block in by_area.items():
            # the area's offices by code, the records without an office last
            by_area[area_key] = dict(
                sorted(block.items(), key=lambda kv: (kv[0] == UNKNOWN, kv[0]))
            )
    return {"total": total, "areas": areas, "offices": offices}


def status_report(*, day: dt.date, area_ids: list[int] | None) -> dict:
    """How many are where on `day`, by area and sex (SPEC §5 "Status report").

    Definition (mapping.selectors' support states on `day`):
    - in_mapping: joint mappings requested on or before `day`, not ended by it (ended_on after
      the day or none), whose first meeting is on or before `day`;
    - waiting_for_mapping: such mappings whose first meeting has not been held (SUS's "waiting
      for the first mapping meeting");
    - active / waiting_for_intervention: cases open on `day` (start_date on or before it, no end
      or an end after it), waiting when no intervention runs that day but one is planned and not
      started, active otherwise (cases referred but not yet started are not counted);
    - waiting: waiting_for_mapping + waiting_for_intervention;
    - ended: cases whose end_date is `day`, with the occupation after: the outcome category of
      the person's latest status entry on or before the end date (none: other), per fine category
      and work_or_education.
    Records, not distinct people, are counted: a person with an open mapping and an open case
    appears in both. Areas are the records' current areas (None: the nation, every area with
    something to count). Anonymous participants are counted (counts, not rates).

    The result: `total` and `areas[<area id>]`, each {"all", "K", "M"} rows; and `offices`, two
    breakdowns of each area by office unit (SPEC §2), one per agency, since a case or a mapping
    is run from an FK office and an AF office at once and so counts once in each:
    `offices["LFC"][<area id>][<office code>]` by FK's lokalt försäkringscenter (the record's
    `fk_office`) and `offices["AMO"][<area id>][<office code>]` by AF's arbetsmarknadsområde
    (`af_office`), each an {"all", "K", "M"} block like an area's. Records without an office of
    that kind are under the key "unknown". Within one kind, an area's office blocks (with
    "unknown") add up to the area's block. An office (and "unknown") is present when something
    is counted under it, so an area's offices read the same asked for alone or with others."""
    return {"day": day.isoformat(), **_report(day=day, area_ids=area_ids, ended=Q(end_date=day))}


def status_report_period(*, months: list[dt.date], area_ids: list[int] | None) -> dict:
    """The status report for a period (SPEC §5 "Status report").

    Definition: in_mapping, waiting_for_mapping, active, waiting_for_intervention and waiting
    are the states on the period's last day (as `status_report` for that day: a state is a
    stock, and a day is the only moment when the states exclude each other); ended counts every
    case whose end_date lies in a month of the period, with the occupation after read on each
    case's own end date. By area, office (both breakdowns) and sex as `status_report`."""
    ranges = month_ranges(months)
    if not ranges:
        raise ValueError("a period needs at least one month")
    day = last_day(months)
    return {
        "day": day.isoformat(),
        "months": [f"{m:%Y-%m}" for m in sorted(set(months))],
        **_report(day=day, area_ids=area_ids, ended=in_months("end_date", months)),
    }
