"""One pass for every dimension (ADR 0025): a metric's selection read once and grouped by every
dimension at once with GROUPING SETS, for every area and the nation side by side; the query
compiled once per shape and period length and reused for later months
(`grouping_sets_of_period`). The expressions the selections are built from are
reporting.metrics.base's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
from django.db.models import F, IntegerField, QuerySet, Value

from samverkan.dates import add_months, months_apart
from samverkan.dbrouter import read_connection

from .base import month_ranges

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
    length = months_apart(first, end)
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
    moved = months_apart(template_first, first)
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
