"""How a hidden count is marked (ADR 0011, docs/SUPPRESSION.md): "<5" for a count of 1–4 that
may be called so, "dolt" for every other hidden count (one hidden to protect a small one, of any
size) and for a share or a mean of a hidden count.

A "<5" tells a reader more than that a count is hidden: it is at most 4. With that bound the sums
can pin a count they leave free when every hidden count is only "at least 1" (the suppression's
own guarantee): two "<5" under a shown total of 8 are 4 and 4. So the marks are audited: for
every small count, the greatest and the least value it can take under the sums, the shown
counts and the bounds the marks give ("<5": 1 … 4, "dolt": at least 1; a linear program each
way, HiGHS through SciPy) must reach a whole number other than its own. Where a small count is
pinned, it is marked "dolt" instead (and if still pinned, the "<5" counts it shares a sum with),
and the audit runs again, until nothing is pinned. Where most small counts are pinned at once,
or a table has more than AUDITED_AT_MOST of them, all its hidden counts read "dolt".
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from .equations import SMALL_CELL, Key, Table
from .kept import remembered

SMALL = "small"  # a count of 1 to SMALL_CELL − 1, marked so: "<5"
HIDDEN = "hidden"  # any other hidden count, or a small one a "<5" would give away: "dolt"

# Tables with more small counts than this mark them all "dolt" without an audit (each audited
# count costs a linear program or two; in so dense a table most would be pinned anyway).
AUDITED_AT_MOST = 60

MARKS_KEY = "hidden_as"  # where a row says how its hidden figures are marked


def note(row: dict, field: str, mark: str) -> None:
    """Say in `row` how its hidden `field` is marked: the pages read row["hidden_as"][field]."""
    row.setdefault(MARKS_KEY, {})[field] = mark


_kept: dict = {}


def hidden_marks(table: Table, hidden: set[Key], small_cell: int = SMALL_CELL) -> dict[Key, str]:
    """{hidden key: SMALL or HIDDEN} (see the module). Kept as the hidden counts are
    (kept.remembered)."""
    key = (
        tuple(table.values.items()),
        tuple((total, tuple(members)) for total, members in table.sums),
        frozenset(table.derived),
        frozenset(hidden),
        small_cell,
    )
    return dict(remembered(_kept, "marks", key, lambda: _marks(table, hidden, small_cell)))


def _marks(table: Table, hidden: set[Key], small_cell: int) -> dict[Key, str]:
    values = table.values
    small = {k for k in hidden if 0 < values[k] < small_cell}
    # A count hidden elsewhere is unknown here whatever its size: no mark can say which it is.
    if table.hidden_elsewhere & hidden or table.protected_elsewhere:
        return dict.fromkeys(hidden, HIDDEN)
    if len(small) > AUDITED_AT_MOST:
        # So many small counts that "<5" on them would mostly be pinned: not worth the audit.
        return dict.fromkeys(hidden, HIDDEN)
    called_small = set(small)
    first = True
    while called_small:
        pinned = _pinned(table, hidden, small, called_small, small_cell)
        if not pinned:
            break
        if first and 2 * len(pinned) > len(small):
            called_small = set()  # most of them pinned: the table says only "hidden"
            break
        first = False
        # First the pinned counts themselves; a count still pinned without its own "<5" is
        # pinned by its neighbours' (the "<5" counts it shares a sum with): those go next.
        dropped = set(pinned) & called_small
        if not dropped:
            for total, members in table.sums:
                in_sum = {total, *members}
                if in_sum & set(pinned):
                    dropped |= in_sum
        if not dropped & called_small:
            # Pinned whatever the marks say: not the marks' doing (the suppression's check
            # rules it out); say nothing more than "hidden".
            called_small = set()
            break
        called_small -= dropped
    return {k: SMALL if k in called_small else HIDDEN for k in hidden}


def _pinned(
    table: Table, hidden: set[Key], small: set[Key], called_small: set[Key], small_cell: int
) -> list[Key]:
    """The small counts a reader can work out when the counts of `called_small` read "<5"
    (1 … small_cell − 1) and the other hidden ones "dolt" (at least 1), derived ones not
    negative: those whose every value under the sums and bounds lies less than 1 from their
    own."""
    values = table.values
    unknown = sorted(hidden | {k for k in table.derived if values[k] > 0}, key=repr)
    index = {k: i for i, k in enumerate(unknown)}
    rows, rhs = [], []
    for total, members in table.sums:
        row = np.zeros(len(unknown))
        constant = 0.0
        for key, sign in ((total, 1.0), *((m, -1.0) for m in members)):
            if key in index:
                row[index[key]] += sign
            else:
                constant += sign * values[key]
        if row.any():
            rows.append(row)
            rhs.append(-constant)
    if not rows:
        return []
    bounds = []
    for key in unknown:
        if key in called_small:
            bounds.append((1, small_cell - 1))
        elif key in hidden:
            bounds.append((1, None))
        else:
            bounds.append((0, None))
    a_eq, b_eq = np.array(rows), np.array(rhs)

    def extreme(key: Key, sign: float) -> float | None:
        """The greatest (sign −1) or least (sign 1) value of `key`; None when unbounded."""
        objective = np.zeros(len(unknown))
        objective[index[key]] = sign
        found = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if found.status == 3:  # unbounded
            return None
        if found.status != 0:
            raise ValueError(found.message)
        return sign * found.fun

    pinned = []
    for key in sorted(small, key=repr):
        try:
            # The true values are one solution, so the count is free as soon as one side lies
            # 1 away from its true value: mostly one program, not two.
            top = extreme(key, -1.0)
            if top is None or top >= values[key] + 1 - 1e-9:
                continue
            if extreme(key, 1.0) > values[key] - 1 + 1e-9:
                pinned.append(key)
        except ValueError:
            pinned.append(key)
    return pinned
