"""Small-cell suppression (SPEC §5, §7): aggregates shown to roles without case access hide every
count of 1 to SMALL_CELL − 1 people (primary suppression), and enough other cells that no hidden
count can be worked out from what is shown (secondary suppression).

How it works. A report is a set of counts tied together by sums: a row total is the sum of its
categories, the levels of a dimension add up to the total row, women and men add up to all, the
months add up to the period. Each tie is a linear equation. Once some counts are hidden, a reader
knows every shown count and every equation; a hidden count can be worked out exactly when it is
fixed by those equations, i.e. when its unit vector lies in the row space of the equations'
matrix restricted to the hidden counts (a count is free only if some solution of the homogeneous
system moves it). The algorithm:

1. hide every count of 1–4 (a 0 is shown: nobody is not somebody);
2. while some equation has exactly one hidden count, hide the smallest other count in it (a
   member before the total), the classic "never one alone" rule; likewise when the hidden
   counts of a sum with a shown total add up to exactly as many as there are of them (each
   would be 1). A 0 is never hidden, so every hidden count is at least 1 and a reader's bound
   "no count is negative" never pins one;
3. check exactly, by Gaussian elimination modulo a large prime, that no hidden count is fixed by
   the equations together (two equations can pin a count that neither pins alone); for each one
   that is, hide the smallest shown count of the equations nearest to it, and go back to 2.
   Then the bounds of step 2 once more, with the hidden counts the equations fix taken as
   known (a reader works them out first: a row of 1 + 11 + 1 with the 11 hidden but fixed by
   its column shows that both others are 1); for each sum so pinned, hide one more of its
   counts, and go back to 2.

4. show again every count hidden in 2–3 that the others make unnecessary, the largest first,
   each checked as in 3: the rules add counts one at a time, and an early one (often a large
   row total) is made unnecessary by those added after it. The answer is a subset of the rules'.

5. for a small table (at most EXACT_CANDIDATES counts that could be hidden), search the sets of
   counts in order of the persons they hide and take the first that protects, as checked in 3,
   if it hides fewer than 1–4 did: the cheapest protection there is. Larger tables keep the
   answer of 1–4 (reporting/tests/test_suppression_exact.py compares both with brute force).

It ends because every round hides one more count. What is hidden goes with the figures computed
from it: a share, a mean, a sum of days. Counts are never perturbed or rounded; a shown figure
is always the exact figure. Remainders a reader gets by subtraction (all who ended minus those
in work or education; new participants minus the young) are checked as counts too.

Not covered (noted for the steering group): differencing between separately requested tables,
e.g. an area's period minus the same period one month shorter, or the nation minus every other
area. The reports are by whole months and whole areas, which keeps such differences large, but
nothing here compares one request with another.

Who sees suppressed figures is decided in one place, `hides_small_cells(user)`: every page, API
endpoint and CSV of aggregates asks it, and `shown(kind, data, hide=...)` gives the figures as
that reader may see them.

The package: `equations` holds the algorithm (the counts, the sums, the exact check), `reports`
each report kind's equations and what goes with a hidden count, and this module the public
names. `suppress_report` is looked up here when called, so every caller goes through the one
function (and a test can stand in for it)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from accounts.scoping import scope_for

from .equations import SMALL_CELL, Table, hidden_counts, is_small
from .reports import BY_KIND
from .rolling import WINDOWS as ROLLING_WINDOWS
from .rolling import rolling_share_counts

KINDS = (
    "outcomes",
    "average_days",
    "mappings",
    "inflow",
    "status",
    "caseload",
    "referrals",
    "timeliness",
)


def hides_small_cells(user) -> bool:
    """Whether `user` sees aggregates with small cells suppressed (SPEC §5, §7, ADR 0011): every
    role without case access (the local management group, the national analyst, an API client
    without a case scope). Staff with case access see the exact figures: they may open the cases
    behind them anyway. Without a known reader the figures are hidden: the safe side."""
    return user is None or not scope_for(user).case_access


def suppress_report(kind: str, data: dict) -> dict:
    """A copy of a metrics result (reporting.metrics) of `kind` with every hidden count, and the
    share, mean or sum of days computed from it, replaced by None. The input is not changed."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    return BY_KIND[kind](_copied(data))


def _copied(value):
    """A copy of a metrics result deep enough to change: every dict and list new, the leaves
    (numbers, texts, dates, None) shared, which nobody can change. copy.deepcopy did the same
    through its memo and dispatch for each of a report's thousand values, a millisecond of
    every suppressed answer; anything else is still copied by it."""
    kind = type(value)
    if kind is dict:
        return {key: _copied(item) for key, item in value.items()}
    if kind is list:
        return [_copied(item) for item in value]
    if kind in _SHARED:
        return value
    return copy.deepcopy(value)


_SHARED = frozenset({int, str, float, bool, type(None), dt.date, Decimal})


def shown(kind: str, data: dict | None, *, hide: bool) -> dict | None:
    """A metrics result of `kind` as a reader sees it: suppressed when `hide`
    (hides_small_cells), as computed otherwise; None (no such figures) stays None."""
    if data is None or not hide:
        return data
    return suppress_report(kind, data)


def shown_count(value: int | None, *, hide: bool) -> int | None:
    """One count that no sum ties to another (each area's open cases on the statistics page):
    primary suppression alone is exact for it."""
    return None if hide and is_small(value) else value


def shown_share_counts(in_work: int, measured: int, *, hide: bool) -> tuple[int | None, int | None]:
    """(in work or education, measured) of one day-365 cohort as a reader sees them: the two
    counts and the others (measured − in work), which anybody can subtract, checked together."""
    if not hide:
        return in_work, measured
    table = Table()
    table.count(("measured",), measured)
    table.count(("in_work",), in_work)
    table.derive(("others",), ("measured",), ("in_work",))
    hidden = hidden_counts(table)
    return (
        None if ("in_work",) in hidden else in_work,
        None if ("measured",) in hidden else measured,
    )


__all__ = [
    "KINDS",
    "ROLLING_WINDOWS",
    "SMALL_CELL",
    "Table",
    "hidden_counts",
    "hides_small_cells",
    "is_small",
    "rolling_share_counts",
    "shown",
    "shown_count",
    "shown_share_counts",
    "suppress_report",
]
