"""How a hidden count is marked (ADR 0011, docs/SUPPRESSION.md): "<5" for a count of 1–4, and
"dolt" for a count hidden to protect one (and for a share or a mean of a hidden count).

Marks tell a reader more than that a count is hidden: a "<5" is at most 4, and since a 0 is
never hidden and every 1–4 is a "<5", a "dolt" is at least 5. With those bounds a reader can pin
a count the sums alone leave free (a shown total of 6 over a "<5" and a "dolt": 1 and 5), and
even "<5" alone can (a shown 8 over two of them: 4 and 4). So the marks are audited: for every
small count, the least and the greatest value it can take under the sums, the shown counts and
the bounds the marks give (a linear program each way, HiGHS through SciPy) must lie at least 1
apart. When they do not, every hidden count of the table is marked "dolt", which says no more
than "hidden" (what the suppression itself protects against: each hidden count is at least 1).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from .equations import SMALL_CELL, Key, Table
from .kept import remembered

SMALL = "small"  # a count of 1 to SMALL_CELL − 1: "<5"
PROTECTING = "protecting"  # hidden to protect a small count: "dolt"
HIDDEN = "hidden"  # hidden, and no more said: "dolt"

MARKS_KEY = "hidden_as"  # where a row says how its hidden figures are marked


def note(row: dict, field: str, mark: str) -> None:
    """Say in `row` how its hidden `field` is marked: the pages read row["hidden_as"][field]."""
    row.setdefault(MARKS_KEY, {})[field] = mark


_kept: dict = {}


def hidden_marks(table: Table, hidden: set[Key], small_cell: int = SMALL_CELL) -> dict[Key, str]:
    """{hidden key: SMALL or PROTECTING} when the marks give nothing away, else every hidden
    key HIDDEN. Kept as the hidden counts are (kept.remembered)."""
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
    marked = {k: SMALL if k in small else PROTECTING for k in hidden}
    if small and not _bounds_hold(table, hidden, small, small_cell):
        return dict.fromkeys(hidden, HIDDEN)
    return marked


def _bounds_hold(table: Table, hidden: set[Key], small: set[Key], small_cell: int) -> bool:
    """Whether every small count can still take values at least 1 apart when the reader knows
    the shown counts, the sums, that each "<5" is 1 … small_cell − 1 and each "dolt" at least
    small_cell (derived counts: not negative)."""
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
        return True
    bounds = []
    for key in unknown:
        if key in small:
            bounds.append((1, small_cell - 1))
        elif key in hidden:
            bounds.append((small_cell, None))
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

    try:
        for key in sorted(small, key=repr):
            # The true values are one solution, so the range is at least 1 wide as soon as
            # one side lies 1 away from the true value: mostly one program, not two.
            top = extreme(key, -1.0)
            if top is None or top >= values[key] + 1 - 1e-9:
                continue
            if extreme(key, 1.0) > values[key] - 1 + 1e-9:
                return False
    except ValueError:
        return False
    return True
