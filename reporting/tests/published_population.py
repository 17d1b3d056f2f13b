"""A population built to match Tabell 1–6 of the 2012 follow-up report (seed 004), written as the
import files of SPEC §6 (persons, cases, status, mappings). No tests live here.

Each published table gives, per background variable, how many people of each column there are
(target group in Tabell 2, outcome in Tabell 3–6). A population with exactly those margins: for
every column, make as many people as the column's total and hand out each variable's levels in
order, as many of each as the table says. Every variable then adds up per column exactly as
published, whatever the (unpublished) joint distribution. Three separate groups of people:

- the day-365 cohort (Tabell 3–6): 3,740 cases starting January–April 2023, measured in report
  months January–April 2024; each person's status entry 200 days after the start names their
  outcome category;
- the inflow (Tabell 2): 2,910 cases starting January–April 2025;
- the joint mappings (Tabell 1): 3,625 mappings held January–April 2025 of people on
  sjukpenning, and the 858 + 373 of others the report's text names (4,856 in all).

Everyone lives in the area AREA_CODE. Ages: a birth date that puts the person in the published
band on the day that counts (the case's start, the mapping's meeting)."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum import luhn

from .test_metrics_printing import TABELL_1, TABELL_2, TABELL_3, TABELL_4, TABELL_5, TABELL_6

AREA_CODE = "tabell"

OUTCOME_REPORT = ("2024-01", "2024-04")
INFLOW_REPORT = ("2025-01", "2025-04")
MAPPING_REPORT = ("2025-01", "2025-04")
# Besides Tabell 1's 3,625 (sjukpenning): 858 on time-limited sickness compensation, 373 initiated
# by AF without a benefit; 4,856 mappings in all (the report's text).
OTHER_MAPPINGS = [(858, "FK", "tidsbegransad_sjukersattning"), (373, "AF", "ingen")]
ALL_MAPPINGS = 4856

# Published row labels → (dimension, level) of reporting.metrics.
LEVEL_OF = {
    "Totalt": ("total", "total"),
    "Kvinnor": ("sex", "K"),
    "Män": ("sex", "M"),
    "18-24": ("age_band", "18_24"),
    "25-34": ("age_band", "25_34"),
    "35-44": ("age_band", "35_44"),
    "45-54": ("age_band", "45_54"),
    "55-64": ("age_band", "55_64"),
    ">64": ("age_band", "65_plus"),
    "18-24 år": ("age_band", "18_24"),
    "25-34 år": ("age_band", "25_34"),
    "35-44 år": ("age_band", "35_44"),
    "45-54 år": ("age_band", "45_54"),
    "55-64 år": ("age_band", "55_64"),
    "Inrikes födda": ("born_abroad", "sweden"),
    "Utrikes födda": ("born_abroad", "abroad"),
    "Funktionsneds. Ja": ("disability", "yes"),
    "Funktionsneds. Nej": ("disability", "no"),
    "Förgymnasial utb.": ("education_level", "forgymnasial"),
    "Gymnasial utb.": ("education_level", "gymnasial"),
    "Eftergymnasial utb.": ("education_level", "eftergymnasial"),
    "under 90 dgr": ("sick_leave_band", "under_90"),
    "90-180 dgr": ("sick_leave_band", "90_180"),
    "180 dgr- 1 år": ("sick_leave_band", "180_365"),
    "över 1 år": ("sick_leave_band", "over_365"),
    "Anställd sjukskriven/se": ("target_group", "employed_cannot_return"),
    "Arbetslös med sjukersättning": ("target_group", "unemployed_sickness_comp"),
    "Sjukskriven arbetslös": ("target_group", "sick_unemployed"),
    "Ung arb.lös med aktivitetsersättning": ("target_group", "young_activity_comp"),
}

TABELL_2_COLUMNS = [
    "employed_cannot_return",
    "unemployed_sickness_comp",
    "sick_unemployed",
    "young_activity_comp",
]
TABELL_3_COLUMNS = ["work_or_education", "labour_market_programme", "openly_unemployed", "other"]
TABELL_4_COLUMNS = ["work_unsubsidised", "work_subsidised", "education", "self_employed"]
FINE = [*TABELL_4_COLUMNS, *TABELL_3_COLUMNS[1:]]

# An age inside each band on the day that counts, a little over the whole years.
AGE_IN_BAND = {"18_24": 21, "25_34": 30, "35_44": 40, "45_54": 50, "55_64": 60, "65_plus": 66}
# Days since the sick leave began on the meeting's day, inside each band (day 1 is the first).
SICK_DAYS_IN_BAND = {"under_90": 30, "90_180": 120, "180_365": 250, "over_365": 500}

MONTHS_2023 = [dt.date(2023, m, 1) for m in (1, 2, 3, 4)]
MONTHS_2025 = [dt.date(2025, m, 1) for m in (1, 2, 3, 4)]


def _levels_per_column(table, columns, dimension_of=LEVEL_OF):
    """{column: {dimension: [(level, count), ...]}} from a published table's rows."""
    per_column: dict[str, dict[str, list[tuple[str, int]]]] = {c: {} for c in columns}
    for label, cells in table:
        dimension, level = dimension_of[label]
        if dimension == "total":
            continue
        for column, (count, _printed) in zip(columns, cells, strict=False):
            per_column[column].setdefault(dimension, []).append((level, count))
    return per_column


def _people(column_sizes: dict[str, int], per_column: dict) -> list[dict]:
    """One dict per person: the column, and a level of every variable, handed out in order."""
    people = []
    for column, size in column_sizes.items():
        streams = {}
        for dimension, levels in per_column[column].items():
            expanded = [level for level, count in levels for _ in range(count)]
            assert len(expanded) == size, (column, dimension, len(expanded), size)
            streams[dimension] = expanded
        for i in range(size):
            people.append({"column": column, **{d: s[i] for d, s in streams.items()}})
    return people


class _Numbers:
    """Unique, valid personnummer for a birth date near the one asked for."""

    def __init__(self):
        self.used: set[str] = set()
        self.counter = itertools.count()

    def __call__(self, birth: dt.date, sex: str) -> tuple[str, dt.date]:
        while True:
            n = next(self.counter)
            day = birth - dt.timedelta(days=n % 200)
            serial = 2 * ((n // 200) % 500) + (1 if sex == "M" else 0)
            ten = f"{day:%y%m%d}{serial:03d}"
            number = f"{day:%Y%m%d}{serial:03d}{luhn.calc_check_digit(ten)}"
            if number not in self.used:
                self.used.add(number)
                return number, day


def _birth_for(age: int, on: dt.date) -> dt.date:
    """A birth date 30 days more than `age` whole years before `on`; the caller may move it up
    to 199 days further back, which keeps the age in the same whole year."""
    return dt.date(on.year - age, on.month, 1) - dt.timedelta(days=30)


def _flag(value: str | None) -> str:
    return {"yes": "1", "no": "0", "sweden": "0", "abroad": "1"}.get(value or "", "")


def outcome_people() -> list[dict]:
    """Tabell 3–6: per fine outcome category, the levels of every variable (Tabell 4 for the
    four work-or-education categories, Tabell 3 for the other three; Tabell 6 and 5 for the
    target group). Tabell 5 has one person fewer in "Öppet arbetslösa" (footnote 3: one person
    in another target group, left out there): that person's target group is left unknown."""
    fine_sizes = {}
    for column, (count, _p) in zip(TABELL_4_COLUMNS, TABELL_4[0][1], strict=False):
        fine_sizes[column] = count
    for column, (count, _p) in zip(TABELL_3_COLUMNS[1:], TABELL_3[0][1][1:], strict=False):
        fine_sizes[column] = count
    per_column = _levels_per_column(TABELL_4, TABELL_4_COLUMNS)
    coarse = _levels_per_column(TABELL_3, TABELL_3_COLUMNS)
    for column in TABELL_3_COLUMNS[1:]:
        per_column[column] = coarse[column]
    by_target = _levels_per_column(TABELL_6, TABELL_4_COLUMNS)
    by_target_coarse = _levels_per_column(TABELL_5, TABELL_3_COLUMNS)
    for column in TABELL_4_COLUMNS:
        per_column[column]["target_group"] = by_target[column]["target_group"]
    for column in TABELL_3_COLUMNS[1:]:
        levels = list(by_target_coarse[column]["target_group"])
        missing = fine_sizes[column] - sum(n for _, n in levels)
        if missing:
            levels.append(("", missing))
        per_column[column]["target_group"] = levels
    return _people(fine_sizes, per_column)


def inflow_people() -> list[dict]:
    sizes = {c: n for c, (n, _p) in zip(TABELL_2_COLUMNS, TABELL_2[0][1], strict=False)}
    return _people(sizes, _levels_per_column(TABELL_2, TABELL_2_COLUMNS))


def mapping_people() -> list[dict]:
    """Tabell 1 has one column (all mappings)."""
    per_column = {"all": {}}
    for label, count, _printed in TABELL_1:
        dimension, level = LEVEL_OF[label]
        if dimension != "total":
            per_column["all"].setdefault(dimension, []).append((level, count))
    return _people({"all": TABELL_1[0][1]}, per_column)


def import_files() -> dict[str, str]:
    """The four import files (SPEC §6) as text, in the order they must be imported."""
    number = _Numbers()
    persons = ["personnummer;first_name;last_name;born_abroad;education_level;disability"]
    cases = [
        "personnummer;area_code;target_group;benefit;benefit_end_date;sick_leave_start;"
        "referral_date;start_date;end_date;exit_reason"
    ]
    statuses = ["personnummer;date;status_code"]
    mappings = ["personnummer;area_code;initiated_by;date;benefit;sick_leave_start;decision"]

    def person_row(pnr, someone):
        persons.append(
            f"{pnr};Test;Tabellsson;{_flag(someone.get('born_abroad'))};"
            f"{someone.get('education_level', '')};{_flag(someone.get('disability'))}"
        )

    for i, someone in enumerate(outcome_people()):
        start = MONTHS_2023[i % 4] + dt.timedelta(days=i % 28)
        pnr, _ = number(_birth_for(AGE_IN_BAND[someone["age_band"]], start), someone["sex"])
        person_row(pnr, someone)
        cases.append(
            f"{pnr};{AREA_CODE};{someone['target_group']};;;;{start:%Y-%m-%d};{start:%Y-%m-%d};;"
        )
        statuses.append(f"{pnr};{start + dt.timedelta(days=200):%Y-%m-%d};{someone['column']}")

    for i, someone in enumerate(inflow_people()):
        start = MONTHS_2025[i % 4] + dt.timedelta(days=i % 28)
        pnr, _ = number(_birth_for(AGE_IN_BAND[someone["age_band"]], start), someone["sex"])
        person_row(pnr, someone)
        cases.append(
            f"{pnr};{AREA_CODE};{someone['column']};;;;{start:%Y-%m-%d};{start:%Y-%m-%d};;"
        )

    for i, someone in enumerate(mapping_people()):
        held = MONTHS_2025[i % 4] + dt.timedelta(days=i % 28)
        pnr, _ = number(_birth_for(AGE_IN_BAND[someone["age_band"]], held), someone["sex"])
        person_row(pnr, someone)
        sick_since = held - dt.timedelta(days=SICK_DAYS_IN_BAND[someone["sick_leave_band"]] - 1)
        mappings.append(f"{pnr};{AREA_CODE};FK;{held:%Y-%m-%d};sjukpenning;{sick_since:%Y-%m-%d};")

    # The mappings Tabell 1 leaves out (the report's text under it): people on time-limited
    # sickness compensation, and people AF initiated without any benefit; no sick-leave case.
    for i, (count, agency, benefit) in enumerate(OTHER_MAPPINGS):
        for j in range(count):
            held = MONTHS_2025[j % 4] + dt.timedelta(days=j % 28)
            sex = "K" if (i + j) % 2 else "M"
            pnr, _ = number(_birth_for(AGE_IN_BAND["35_44"], held), sex)
            person_row(pnr, {})
            mappings.append(f"{pnr};{AREA_CODE};{agency};{held:%Y-%m-%d};{benefit};;")

    return {
        "persons": "\n".join(persons) + "\n",
        "cases": "\n".join(cases) + "\n",
        "status": "\n".join(statuses) + "\n",
        "mappings": "\n".join(mappings) + "\n",
    }
