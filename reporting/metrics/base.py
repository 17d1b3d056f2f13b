"""The SQL building blocks every metric shares, so all of them select periods, areas, ages, day
numbers, anonymity and the status on a day in exactly the same way (SPEC §5, CONVENTIONS 6).

Everything here is an expression or a filter for the ORM: the metrics aggregate in PostgreSQL and
only the grouped rows (a handful per dimension) reach Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
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
from samverkan.dbrouter import read_connection

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


# --- one pass for every dimension ---------------------------------------------------------------

# The part a grouped row belongs to: the case's area when figures are split by area, else one
# part for the whole selection. NATION is the part of the whole when split by area.
WHOLE = 0
NATION = None


def part_of(split: bool, field: str = "area_id"):
    """The grouping key of the parts: the area (`field`) when `split`, else WHOLE for all."""
    return F(field) if split else Value(WHOLE, output_field=IntegerField())


def parts_of(split: bool, area_ids: list[int] | None, nation: bool = False) -> list[int | None]:
    """The parts a result holds even when nothing was counted: each area (and with `nation` the
    nation) when split, else the whole."""
    if not split:
        return [WHOLE]
    return [*sorted(area_ids or []), *([NATION] if nation else [])]


def split_selection(area_ids: list[int] | None, nation: bool) -> list[int] | None:
    """The areas to read: every area when the nation is wanted too, else the areas asked for."""
    return None if nation else area_ids


def selection_shape(*parts) -> tuple:
    """A shape for grouping_sets_of_period from what a metric's query depends on besides the
    period: lists (the areas read) as tuples."""
    return tuple(tuple(part) if isinstance(part, list) else part for part in parts)


def grouping_sets(
    queryset: QuerySet,
    dimensions: dict[str, object],
    keys: dict[str, object],
    aggregates: dict[str, str],
    inputs: dict[str, object] | None = None,
    whole_of: str | None = None,
) -> dict[str, list[dict]]:
    """Every dimension's grouped rows in one pass over `queryset` (PostgreSQL GROUPING SETS):
    for each dimension (name: level expression), the rows grouped by the `keys` (name:
    expression) and the dimension's level ("level"), with the `aggregates` (name: an SQL
    aggregate over the key and `inputs` columns, e.g. "COUNT(*)" or "SUM(days) FILTER (WHERE
    woe)"). With `whole_of` (a key), each dimension is also grouped without that key, in the same
    pass: those rows carry None for it (the whole of the areas, say, next to each area).
    The selection is read once however many dimensions there are; only the grouped rows reach
    Python: {dimension: [row, ...]}."""
    return _grouped_rows(_grouping(queryset, dimensions, keys, aggregates, inputs, whole_of), None)


def grouping_sets_of_period(
    shape: tuple, months: list[dt.date], build: Callable[[list[dt.date]], dict]
) -> dict[str, list[tuple]]:
    """`grouping_sets(**build(months))`, with the SQL compiled once per process for each
    `shape` and length of a period of consecutive months. Each row is a tuple, as a row of
    grouping_sets without the names: its keys, its level and its aggregates, in that order.

    Building and compiling the ORM's query costs a few milliseconds each time (about as much as
    the database's work for a month at national scale), while only the period's dates change
    from one month to the next. `shape` must name everything else `build` depends on (the
    metric, the areas read, how the parts are split); `build` must not put values read from the
    data into the SQL (a rule set's number, say: use a subquery, as young_max_age_of_case
    does). A kept query is kept for the day only, so nothing of the clock outlives it.

    The first time, the query is compiled for `months` and for the same period one and twelve
    months later: the SQL must be the same text, and each parameter either the same in all
    three or a first day of a month moved by exactly those months; then the parameters that
    moved are the period's, and later periods of that length move them by their distance.
    Anything else (several separate ranges, a shape whose query changes in any other way) is
    compiled every time."""
    ranges = month_ranges(months)
    if len(ranges) != 1:
        return _grouped_rows(_grouping(**build(months)), None, named=False)
    first, end = ranges[0]
    length = _months_between(first, end)
    key = (shape, length, dt.date.today())
    kept = _PERIOD_SQL.get(key, _UNKNOWN)
    if kept is _UNKNOWN:
        grouping = _grouping(**build(months))
        kept = _period_template(grouping, months, build)
        _keep(key, kept)
        return _grouped_rows(grouping, grouping.params, named=False)
    if kept is None:
        return _grouped_rows(_grouping(**build(months)), None, named=False)
    grouping, dated, template_first = kept
    moved = _months_between(template_first, first)
    params = list(grouping.params)
    for at in dated:
        params[at] = add_months(params[at], moved)
    return _grouped_rows(grouping, params, named=False)


_UNKNOWN = object()
_PERIOD_SQL: dict = {}  # (shape, months) → (grouping, dated parameters, its first month) | None
_PERIOD_SQL_KEPT = 256


def _keep(key, value) -> None:
    if len(_PERIOD_SQL) >= _PERIOD_SQL_KEPT:  # a few shapes per area at most; never unbounded
        _PERIOD_SQL.clear()
    _PERIOD_SQL[key] = value


def _months_between(first: dt.date, later: dt.date) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


def _period_template(grouping: _Grouping, months: list[dt.date], build):
    """(grouping, positions of the period's dates, the period's first month), or None when the
    query does not change with the period in the one way that can be reused (see
    grouping_sets_of_period)."""
    if not grouping.sql:
        return None
    later = [_grouping(**build([add_months(m, by) for m in months])) for by in (1, 12)]
    if any(
        other.sql != grouping.sql or len(other.params) != len(grouping.params) for other in later
    ):
        return None
    dated = []
    for at, value in enumerate(grouping.params):
        moved = [later[0].params[at], later[1].params[at]]
        if moved == [value, value]:
            continue
        # the period's dates are the first days of its months (in_months), nothing else moves
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or value.day != 1:
            return None
        if moved != [add_months(value, 1), add_months(value, 12)]:
            return None
        dated.append(at)
    return grouping, dated, min(months)


@dataclass(frozen=True)
class _Grouping:
    """A GROUPING SETS query compiled: its SQL and parameters, and how to read its rows."""

    sql: str
    params: tuple
    model: type
    dimensions: tuple[str, ...]
    names_of_row: tuple[str, ...]
    picks: dict  # grouping id → (the dimension's position, itemgetter of the row's values)
    at_grouping: int


def _grouping(
    queryset: QuerySet,
    dimensions: dict[str, object],
    keys: dict[str, object],
    aggregates: dict[str, str],
    inputs: dict[str, object] | None = None,
    whole_of: str | None = None,
) -> _Grouping | None:
    """grouping_sets' query, compiled; None when it selects nothing (e.g. no areas at all)."""
    names = list(dimensions)
    levels = [f"level_{i}" for i in range(len(names))]
    selected = {**keys, **(inputs or {}), **dict(zip(levels, dimensions.values(), strict=True))}
    inner = queryset.order_by().annotate(**selected).values(*selected)
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # e.g. no areas at all: nothing to group
        return _Grouping("", (), queryset.model, tuple(names), (), {}, 0)
    flags = [*([whole_of] if whole_of else []), *levels]
    sets, dimension_of = [], {}
    every = (1 << len(flags)) - 1
    for index, level in enumerate(levels):
        variants = [list(keys)] + ([[k for k in keys if k != whole_of]] if whole_of else [])
        for grouped_keys in variants:
            sets.append("(" + ", ".join([*grouped_keys, level]) + ")")
            # GROUPING() sets the bit of each flag left out of the row's set, the first flag the
            # highest bit.
            present = [level, *([whole_of] if whole_of in grouped_keys else [])]
            mask = every
            for flag in present:
                mask ^= 1 << (len(flags) - 1 - flags.index(flag))
            dimension_of[mask] = index
    columns = ", ".join([*keys, *levels])
    sums = ", ".join(f"{sql_} AS {name}" for name, sql_ in aggregates.items())
    outer = (
        f"SELECT {columns}, GROUPING({', '.join(flags)}) AS grouping_id, {sums}"  # noqa: S608
        f" FROM ({sql}) AS selection GROUP BY GROUPING SETS ({', '.join(sets)})"
    )
    # Columns by position: keys, levels, grouping_id, aggregates. A key left out of a row's set
    # (`whole_of` in the rows of the whole) is NULL, so None. Each set's row names its key
    # columns, its own dimension's level and the aggregates.
    n_keys, at_grouping = len(keys), len(keys) + len(levels)
    sums_at = range(at_grouping + 1, at_grouping + 1 + len(aggregates))
    picks = {
        grouping_id: (index, itemgetter(*range(n_keys), n_keys + index, *sums_at))
        for grouping_id, index in dimension_of.items()
    }
    return _Grouping(
        outer,
        tuple(params),
        queryset.model,
        tuple(names),
        (*keys, "level", *aggregates),
        picks,
        at_grouping,
    )


def _grouped_rows(grouping: _Grouping, params, *, named: bool = True) -> dict[str, list]:
    """The rows of `grouping` run with `params` (None: its own), per dimension: dicts by
    name (`named`) or tuples of the keys, the level and the aggregates."""
    result: dict[str, list] = {name: [] for name in grouping.dimensions}
    if not grouping.sql:
        return result
    with read_connection(grouping.model).cursor() as cursor:
        cursor.execute(grouping.sql, grouping.params if params is None else params)
        rows = cursor.fetchall()
    into = [result[name] for name in grouping.dimensions]
    picks = {gid: (into[index], pick) for gid, (index, pick) in grouping.picks.items()}
    names_of_row, at_grouping = grouping.names_of_row, grouping.at_grouping
    if named:
        for values in rows:
            rows_of, pick = picks[values[at_grouping]]
            rows_of.append(dict(zip(names_of_row, pick(values), strict=True)))
    else:
        for values in rows:
            rows_of, pick = picks[values[at_grouping]]
            rows_of.append(pick(values))
    return result
