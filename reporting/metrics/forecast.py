"""A forecast of the day-365 share (SPEC §5 "Outcome at day 365"): where the start cohorts that
have not yet reached day 365 will land, for women and men, from where their participants stand
now and from what became of earlier participants who stood in the same place.

The method, in four steps, each one grouped SQL query (no person reaches Python):

1. **Checkpoints.** Day 0, 30, 60 … 330 of a case (start is day 0). A case's *state* at a
   checkpoint is the coarse outcome category of the person's latest status entry on or before
   that day (the day-365 rule, `status_category_on`, applied to an earlier day): in work or
   education, in a labour-market programme, openly unemployed, or other (no entry is other).
2. **Earlier cohorts.** Every case whose day 365 fell in the 24 months up to the forecast day
   (`as_of`) and that counts in the outcome: for each checkpoint and state, how many stood
   there and how many of them were in work or education on day 365. The rate of a checkpoint
   and state is the area's, drawn towards the nation's by `PRIOR` cases (an area with few
   earlier cases borrows from the nation, one with many keeps its own): (in work in the area +
   PRIOR × the nation's rate) / (stood there in the area + PRIOR). The nation's rate counts one
   more in work and one more not (so that no finite history makes an outcome certain); a state
   nobody in the nation stood in at a checkpoint takes the checkpoint's rate over all states.
3. **The open cohorts.** The report months `as_of`'s month and the eleven after it, i.e. the
   start cohorts of the twelve whole months before it. A case already past day 365 counts with
   its outcome; one not yet there counts with the rate of its latest checkpoint reached by
   `as_of` and its state on that checkpoint. Anonymous participants are left out as in the
   outcome (on day 365 for those past it; on `as_of` for the others, whose day 365 is ahead).
4. **The share and its interval.** The expected number in work or education is the known
   ones plus the sum of the rates; its variance is, per case not yet at day 365, p(1 − p)
   (where the case lands), plus, per checkpoint and state, (cases there)² × p(1 − p) / (earlier
   cases there + PRIOR) (how well the rate is known). The interval is the expected share ±
   1.96 standard deviations, never outside what is still possible (everyone pending lands
   out of work … everyone lands in work).

`forecast_backtest.backtest` makes the forecast each cohort would have had when its last
participant reached day 180 and sets it beside the outcome that followed (docs/FORECAST.md).

The rates of step 2 are the same for every page on a day: they are read for every area at once
and kept in the cache for the day (RATES_KEPT_SECONDS), by a task early each morning
(`rates_read`) or else by the day's first page."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Least, TruncMonth

from cases.models import Case
from cases.secrecy import not_anonymous_on
from samverkan.dates import add_months
from samverkan.dbrouter import read_connection

from .base import (
    OUTCOME_DAY,
    SEX_LEVELS,
    WORK_OR_EDUCATION_CATEGORIES,
    WORK_OR_EDUCATION_KEY,
    DaysBetween,
    PlusDays,
    in_areas,
    last_day,
    status_category_on,
)
from .outcomes import counted_on_day_365, day_365_of, outcome_on_day_365

STEP = 30  # days between checkpoints
CHECKPOINTS = tuple(range(0, OUTCOME_DAY, STEP))  # 0, 30 … 330
HISTORY_MONTHS = 24  # earlier cohorts: day 365 in the 24 months up to the forecast day
PRIOR = 20  # how many of the nation's cases an area's rate is drawn towards
RATES_KEPT_SECONDS = 24 * 3600  # the earlier cohorts' rates of a day, kept in the cache
Z = 1.96  # a 95 % interval
AHEAD = 12  # report months forecast: as_of's month and the eleven after it
GROUPS = (*SEX_LEVELS, "all")


class DatePlusDays(Func):
    """`date + n` for an integer column n (PlusDays writes a constant into the SQL)."""

    template = "(%(expressions)s)"
    arg_joiner = " + "
    output_field = DateField()


def _coarse(category: str | None) -> str:
    if category in WORK_OR_EDUCATION_CATEGORIES:
        return WORK_OR_EDUCATION_KEY
    return category or "other"


def _woe(field_name: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        Q(**{f"{field_name}__in": WORK_OR_EDUCATION_CATEGORIES}), output_field=BooleanField()
    )


# --- step 2: the rates of earlier cohorts ---------------------------------------------------------


@dataclass
class Rates:
    """{(checkpoint, state): (earlier cases there, of whom in work on day 365)} of the area(s)
    and of the nation."""

    area: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    nation: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)

    @property
    def earlier_cases(self) -> int:
        """Earlier cases of the area(s) (each stands at every checkpoint once)."""
        return sum(n for (k, _s), (n, _w) in self.area.items() if k == 0)

    @property
    def national_cases(self) -> int:
        return sum(n for (k, _s), (n, _w) in self.nation.items() if k == 0)

    def _national(self, key) -> float:
        """The nation's rate, as if one more had reached work and one more had not, so that no
        finite history makes an outcome certain (Laplace's rule of succession)."""
        n, woe = self.nation.get(key, (0, 0))
        if not n:
            # A state nobody in the nation stood in at that checkpoint: the checkpoint's rate.
            total = [(n_, w_) for (k, _s), (n_, w_) in self.nation.items() if k == key[0]]
            n, woe = sum(n_ for n_, _w in total), sum(w_ for _n, w_ in total)
        return (woe + 1) / (n + 2)

    def rate(self, key) -> tuple[float, float]:
        """(the rate, the variance of its estimate) of a checkpoint and state."""
        n, woe = self.area.get(key, (0, 0))
        p = (woe + PRIOR * self._national(key)) / (n + PRIOR)
        return p, p * (1 - p) / (n + PRIOR)


def _history(as_of: dt.date, area_ids: list[int] | None) -> Rates:
    """Step 2's rates of the area(s) (None: the nation) and the nation, from the rates of every
    area on `as_of` (`_every_areas_history`), kept for the day in the cache: they are the same
    for every page that day, and reading them is the forecast's one pass over the nation's
    earlier cases."""
    every = cache.get_or_set(
        _rates_key(as_of), lambda: _every_areas_history(as_of), timeout=RATES_KEPT_SECONDS
    )
    rates = Rates(nation=every["nation"])
    if area_ids is None:
        rates.area = dict(every["nation"])
        return rates
    for area_id in area_ids:
        for key, (n, woe) in every["areas"].get(area_id, {}).items():
            before = rates.area.get(key, (0, 0))
            rates.area[key] = (before[0] + n, before[1] + woe)
    return rates


def _rates_key(as_of: dt.date) -> str:
    return f"forecast-rates:{as_of.isoformat()}"


def rates_read(as_of: dt.date) -> None:
    """Read the rates of `as_of` into the cache (the early-morning task, reporting.tasks), so
    that the day's first page does not wait for them."""
    cache.set(_rates_key(as_of), _every_areas_history(as_of), timeout=RATES_KEPT_SECONDS)


def _every_areas_history(as_of: dt.date) -> dict:
    """Step 2 in one pass over the nation's earlier cases: each case unfolded into its twelve
    checkpoints (a LATERAL VALUES list), grouped by checkpoint and state, per area and for the
    nation (GROUPING SETS): {"areas": {area id: {(checkpoint, state): (n, in work)}},
    "nation": {...}}."""
    states = {f"s{k}": status_category_on(PlusDays(OuterRef("start_date"), k)) for k in CHECKPOINTS}
    earlier = (
        Case.objects.filter(start_date__isnull=False)
        .annotate(day_365=day_365_of())
        .filter(day_365__lte=as_of, day_365__gt=add_months(as_of, -HISTORY_MONTHS))
        .filter(counted_on_day_365())
        .annotate(outcome=outcome_on_day_365())
        .annotate(woe=_woe("outcome"), **states)
        .order_by()
        .values("woe", "area_id", *states)
    )
    sql, params = earlier.query.sql_with_params()
    unfold = ", ".join(f"({k}, h.s{k})" for k in CHECKPOINTS)
    woe_list = ", ".join(f"'{c}'" for c in WORK_OR_EDUCATION_CATEGORIES)
    query = (
        "SELECT h.area_id, v.k,"  # noqa: S608 (only constants are written into it)
        f" CASE WHEN v.cat IN ({woe_list}) THEN '{WORK_OR_EDUCATION_KEY}' ELSE v.cat END AS state,"
        " COUNT(*), COUNT(*) FILTER (WHERE h.woe), GROUPING(h.area_id)"
        f" FROM ({sql}) AS h CROSS JOIN LATERAL (VALUES {unfold}) AS v(k, cat)"
        " GROUP BY GROUPING SETS ((h.area_id, v.k, state), (v.k, state))"
    )
    every: dict = {"areas": {}, "nation": {}}
    with read_connection(Case).cursor() as cursor:
        cursor.execute(query, params)
        for area_id, k, state, n, woe, nation in cursor.fetchall():
            if nation:
                every["nation"][(k, state)] = (n, woe)
            else:
                every["areas"].setdefault(area_id, {})[(k, state)] = (n, woe)
    return every


# --- step 3: the open cohorts ---------------------------------------------------------------------


def report_months(as_of: dt.date) -> list[dt.date]:
    """The report months forecast on `as_of`: its month and the eleven after it."""
    first = as_of.replace(day=1)
    return [add_months(first, i) for i in range(AHEAD)]


def _cohort_cases(as_of: dt.date, area_ids: list[int] | None, months: list[dt.date]):
    cohorts = [add_months(m, -12) for m in months]
    return (
        in_areas(Case.objects.all(), area_ids)
        .filter(start_date__gte=min(cohorts), start_date__lte=last_day(cohorts))
        .annotate(day_365=day_365_of(), cohort=TruncMonth("start_date", output_field=DateField()))
        .order_by()
    )


def _known(cases, as_of: dt.date) -> list[dict]:
    """Cases past day 365: (cohort, sex) → measured, in work or education."""
    return list(
        cases.filter(day_365__lte=as_of)
        .filter(counted_on_day_365())
        .annotate(outcome=outcome_on_day_365())
        .values("cohort", "person__sex")
        .annotate(
            n=Count("pk"), woe=Count("pk", filter=Q(outcome__in=WORK_OR_EDUCATION_CATEGORIES))
        )
    )


def _pending(cases, as_of: dt.date) -> list[dict]:
    """Cases not yet at day 365: (cohort, sex, checkpoint, state) → how many."""
    elapsed = DaysBetween(F("start_date"), Value(as_of, output_field=DateField()))
    return list(
        cases.filter(day_365__gt=as_of)
        .filter(not_anonymous_on(Value(as_of, output_field=DateField())))
        .annotate(
            checkpoint=Least(
                Value(CHECKPOINTS[-1]),
                ExpressionWrapper(elapsed / STEP * STEP, output_field=IntegerField()),
                output_field=IntegerField(),
            )
        )
        .annotate(checkpoint_day=DatePlusDays(F("start_date"), F("checkpoint")))
        .annotate(category=status_category_on(OuterRef("checkpoint_day")))
        .values("cohort", "person__sex", "checkpoint", "category")
        .annotate(n=Count("pk"))
    )


# --- step 4: shares and intervals -----------------------------------------------------------------


@dataclass
class Projection:
    """One group's forecast: measured (known + pending), known and in work among them, and the
    expected number in work with its variance."""

    known: int = 0
    known_woe: int = 0
    pending: int = 0
    expected: float = 0.0
    variance: float = 0.0
    # (checkpoint, state) → pending cases there: the rate's uncertainty is shared by them all.
    cells: dict = field(default_factory=dict)

    def add(self, other: Projection) -> None:
        self.known += other.known
        self.known_woe += other.known_woe
        self.pending += other.pending
        self.expected += other.expected
        self.variance += other.variance
        for key, n in other.cells.items():
            self.cells[key] = self.cells.get(key, 0) + n

    @property
    def measured(self) -> int:
        return self.known + self.pending

    def summary(self, rates: Rates) -> dict:
        """Counts, the expected share and its 95 % interval in per cent: None when nobody is
        measured, or when some are pending and no earlier case in the nation has reached day
        365 (nothing to learn a rate from)."""
        n = self.measured
        figures = {
            "measured": n,
            "known": self.known,
            "known_woe": self.known_woe,
            "pending": self.pending,
            "share": None,
            "low": None,
            "high": None,
        }
        if not n or (self.pending and not rates.national_cases):
            return figures  # nobody, or nothing earlier to learn from
        shared = sum(count * count * rates.rate(key)[1] for key, count in self.cells.items())
        sd = math.sqrt(self.variance + shared)
        expected = self.known_woe + self.expected
        low = max(self.known_woe, expected - Z * sd)
        high = min(self.known_woe + self.pending, expected + Z * sd)
        figures["share"] = round(100 * expected / n, 1)
        figures["low"] = round(100 * low / n, 1)
        figures["high"] = round(100 * high / n, 1)
        return figures


def _project(known, pending, rates: Rates) -> dict[tuple[dt.date, str], Projection]:
    groups: dict[tuple[dt.date, str], Projection] = {}
    for row in known:
        one = groups.setdefault((row["cohort"], row["person__sex"]), Projection())
        one.known += row["n"]
        one.known_woe += row["woe"]
    for row in pending:
        key = (row["checkpoint"], _coarse(row["category"]))
        p, _var = rates.rate(key)
        one = groups.setdefault((row["cohort"], row["person__sex"]), Projection())
        one.pending += row["n"]
        one.expected += row["n"] * p
        one.variance += row["n"] * p * (1 - p)
        one.cells[key] = one.cells.get(key, 0) + row["n"]
    return groups


def forecast(*, as_of: dt.date, area_ids: list[int] | None) -> dict:
    """The day-365 share of the report months `as_of`'s month … eleven months later, forecast on
    `as_of`, for women (K), men (M) and all, per report month, for the report months of
    `as_of`'s calendar year (the year: known months and forecast ones together) and for the
    twelve months ahead. Shares and intervals in per cent with one decimal; None where nobody
    is measured. `earlier_cases` says how many earlier cases of the area(s) the rates rest on
    (the nation's fill in where they are few). See the module's docstring for the method."""
    months = report_months(as_of)
    year = [dt.date(as_of.year, m, 1) for m in range(1, 13)]
    every = sorted(set(months) | set(year))
    cases = _cohort_cases(as_of, area_ids, every)
    rates = _history(as_of, area_ids)
    groups = _project(_known(cases, as_of), _pending(cases, as_of), rates)

    def total(report_months_: list[dt.date]) -> dict[str, dict]:
        sums = {group: Projection() for group in GROUPS}
        for month in report_months_:
            for sex in SEX_LEVELS:
                one = groups.get((add_months(month, -12), sex))
                if one is not None:
                    sums[sex].add(one)
                    sums["all"].add(one)
        return {group: sums[group].summary(rates) for group in GROUPS}

    return {
        "as_of": as_of.isoformat(),
        "earlier_cases": rates.earlier_cases,
        "national_cases": rates.national_cases,
        "months": [
            {"month": f"{m:%Y-%m}", "cohort": f"{add_months(m, -12):%Y-%m}", **total([m])}
            for m in months
        ],
        "year": {"year": as_of.year, **total(year)},
        "ahead": total(months),
    }


FORECAST_KEPT_SECONDS = 3600


def forecast_kept(*, as_of: dt.date, area_ids: list[int] | None) -> dict:
    """`forecast`, kept in the cache for an hour per day and area(s): a page shown again and
    again reads the open cohorts once an hour (the nation's are the costly ones), and a status
    entered today shows within the hour."""
    areas = "riket" if area_ids is None else ",".join(str(a) for a in sorted(area_ids))
    return cache.get_or_set(
        f"forecast:{as_of.isoformat()}:{areas}",
        lambda: forecast(as_of=as_of, area_ids=area_ids),
        timeout=FORECAST_KEPT_SECONDS,
    )
