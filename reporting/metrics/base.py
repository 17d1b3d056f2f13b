"""The SQL building blocks every metric shares, so all of them select periods, areas, ages, day
numbers, anonymity and the status on a day in exactly the same way (SPEC §5, CONVENTIONS 6).

Everything here is an expression or a filter for the ORM: the metrics aggregate in PostgreSQL and
only the grouped rows (a handful per dimension) reach Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from cases.models import (
    WORK_OR_EDUCATION,
    EducationLevel,
    OutcomeCategory,
    RuleSet,
    StatusEntry,
    TargetGroup,
)
from samverkan.dates import add_months

UNKNOWN = "unknown"

# The day of the outcome measurement (SPEC §5 "Outcome at day 365"): start is day 0, so the status
# is read on start + 365 days (samverkan.dates). Fixed by the spec, not a rule parameter.
OUTCOME_DAY = 365

FINE_CATEGORIES = list(OutcomeCategory.values)
WORK_OR_EDUCATION_CATEGORIES = [c for c in FINE_CATEGORIES if c in WORK_OR_EDUCATION]
WORK_OR_EDUCATION_KEY = "work_or_education"
COARSE_CATEGORIES = [
    WORK_OR_EDUCATION_KEY,
    OutcomeCategory.LABOUR_MARKET_PROGRAMME.value,
    OutcomeCategory.OPENLY_UNEMPLOYED.value,
    OutcomeCategory.OTHER.value,
]
# Every key of an outcome row: the seven fine categories and the work-or-education sum.
CATEGORY_KEYS = [*WORK_OR_EDUCATION_CATEGORIES, *COARSE_CATEGORIES]

# Age bands at a date (SPEC §5). "under_18" and "65_plus" keep every person in exactly one band,
# so the bands of a table always add up to its total.
AGE_BANDS = [
    (18, "under_18"),
    (25, "18_24"),
    (35, "25_34"),
    (45, "35_44"),
    (55, "45_54"),
    (65, "55_64"),
]
AGE_BAND_OVER = "65_plus"
AGE_BAND_LEVELS = [band for _, band in AGE_BANDS] + [AGE_BAND_OVER]

SEX_LEVELS = ["K", "M"]
BORN_LEVELS = ["sweden", "abroad", UNKNOWN]
YES_NO_LEVELS = ["yes", "no", UNKNOWN]
EDUCATION_LEVELS = list(EducationLevel.values)
TARGET_GROUP_LEVELS = [*TargetGroup.values, UNKNOWN]


# --- periods and areas --------------------------------------------------------------------------


def month_ranges(months: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Half-open [first day, next month's first day) ranges of the given months, each month
    once, adjacent months merged (a tertial is one range)."""
    firsts = sorted(set(months))
    for month in firsts:
        if not isinstance(month, dt.date) or isinstance(month, dt.datetime) or month.day != 1:
            raise ValueError(f"months must be first days of months, got {month!r}")
    ranges: list[tuple[dt.date, dt.date]] = []
    for month in firsts:
        end = add_months(month, 1)
        if ranges and ranges[-1][1] == month:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((month, end))
    return ranges


def in_months(field: str, months: Iterable[dt.date]) -> Q:
    """`field` falls in one of the months. No months: nothing matches."""
    ranges = month_ranges(months)
    if not ranges:
        return Q(pk__in=[])
    condition = Q()
    for start, end in ranges:
        condition |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return condition


def last_day(months: Iterable[dt.date]) -> dt.date:
    """The last day of the latest month."""
    return add_months(max(months), 1) - dt.timedelta(days=1)


def in_areas(queryset: QuerySet, area_ids: list[int] | None, field: str = "area_id") -> QuerySet:
    """None is the nation (every area); a list keeps those areas only.

    A case counts in its *current* area (`Case.area`): when a case moves with its person
    (`CaseAreaMove`), its whole history goes with it, the old area's figures lose it."""
    if area_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": list(area_ids)})


# --- day and age arithmetic in SQL ---------------------------------------------------------------


class PlusDays(Func):
    """`date + n` in PostgreSQL: a date again (samverkan.dates.add_days). The whole number is
    written into the SQL, so PostgreSQL never has to guess the type of a parameter."""

    template = "(%(expressions)s + %(days)d)"
    output_field = DateField()

    def __init__(self, day, days: int, **extra):
        super().__init__(day, days=int(days), **extra)


class DaysBetween(Func):
    """`later - earlier` in whole days (samverkan.dates.days_between: the start is day 0).
    PostgreSQL's date minus date is an integer, so no interval is involved."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def __init__(self, earlier, later, **extra):
        super().__init__(later, earlier, **extra)


class AgeOn(Func):
    """Whole years from `birth` to `day`, as samverkan.dates.age_on counts them: the year
    difference, minus one while the day's month and day come before the birthday's. Someone born
    on 29 February is a year older on 1 March in common years (PostgreSQL's age() would differ at
    month ends, so it is not used)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        birth_sql, birth_params = compiler.compile(self.source_expressions[0])
        day_sql, day_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"(EXTRACT(YEAR FROM {day_sql}) - EXTRACT(YEAR FROM {birth_sql})"
            f" - CASE WHEN TO_CHAR({day_sql}, 'MMDD') < TO_CHAR({birth_sql}, 'MMDD')"
            " THEN 1 ELSE 0 END)::integer"
        )
        return sql, (*day_params, *birth_params, *day_params, *birth_params)


def age_band(age) -> Case:
    """The band of an age expression (see AGE_BANDS)."""
    return Case(
        *[When(LessThan(age, below), then=Value(band)) for below, band in AGE_BANDS],
        default=Value(AGE_BAND_OVER),
        output_field=CharField(),
    )


def yes_no(field: str, yes: str = "yes", no: str = "no") -> Case:
    """A nullable boolean as a level: yes, no or unknown."""
    return Case(
        When(**{field: True}, then=Value(yes)),
        When(**{field: False}, then=Value(no)),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def blank_as_unknown(field: str) -> Case:
    return Case(
        When(**{field: ""}, then=Value(UNKNOWN)),
        default=F(field),
        output_field=CharField(),
    )


def person_dimensions(prefix: str, day) -> dict[str, tuple[object, list[str]]]:
    """The background variables of SPEC §5 / Tabell 2–4 for the person at `prefix` (e.g.
    "person__"), with the age taken on the date expression `day`: {name: (expression, levels)}."""
    return {
        "sex": (F(f"{prefix}sex"), SEX_LEVELS),
        "age_band": (age_band(AgeOn(F(f"{prefix}birth_date"), day)), AGE_BAND_LEVELS),
        "born_abroad": (
            yes_no(f"{prefix}born_abroad", yes="abroad", no="sweden"),
            BORN_LEVELS,
        ),
        "disability": (yes_no(f"{prefix}disability"), YES_NO_LEVELS),
        "education_level": (F(f"{prefix}education_level"), EDUCATION_LEVELS),
    }


# --- the status timeline in SQL ----------------------------------------------------------------


def status_category_on(day, person: str = "person_id"):
    """The outcome category of the latest status entry of the outer row's person on or before
    `day` (an OuterRef to a date); entries after it never count; no entry is `other` (SPEC §5)."""
    latest = (
        StatusEntry.objects.filter(person_id=OuterRef(person), date__lte=day)
        .order_by("-date", "-id")
        .values("code__outcome_category")[:1]
    )
    return Coalesce(
        Subquery(latest, output_field=CharField()),
        Value(OutcomeCategory.OTHER.value),
        output_field=CharField(),
    )


def young_max_age_of_case():
    """The young_max_age of the rule set the case follows (cases.flags.rules_for): the set in
    force on its referral, else its start, found as RuleSet.for_date finds it (the latest
    valid_from on or before the day; before the first set, the first set; no set stored, the
    model's default). Needs the annotation `rules_day`."""
    in_force = (
        RuleSet.objects.filter(valid_from__lte=OuterRef("rules_day"))
        .order_by("-valid_from")
        .values("young_max_age")[:1]
    )
    first = RuleSet.objects.order_by("valid_from").values("young_max_age")[:1]
    default = RuleSet._meta.get_field("young_max_age").get_default()
    return Coalesce(
        Subquery(in_force, output_field=IntegerField()),
        Subquery(first, output_field=IntegerField()),
        Value(default),
        output_field=IntegerField(),
    )


# --- grouped rows to plain dicts ----------------------------------------------------------------


def grouped(queryset: QuerySet, level, *others: str, **aggregates) -> list[dict]:
    """`queryset` grouped by the expression `level` (as "level") and the fields `others`, with
    the aggregates: one database query, one dict per group."""
    return list(
        queryset.annotate(level=level)
        .values("level", *others)
        .annotate(**aggregates)
        .order_by("level", *others)
    )


def half_up_mean(total: int, count: int) -> int | None:
    """Whole-number mean of non-negative integers, halves rounded up (266.5 → 267)."""
    if not count:
        return None
    return (2 * total + count) // (2 * count)
