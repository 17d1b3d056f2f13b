"""The suppression algorithm itself (ADR 0011): a report's counts and the sums that tie them,
and which counts to hide so that no count of 1 to SMALL_CELL − 1 can be worked out. The
algorithm is described in the package's docstring (reporting.suppression); the reports' own
equations are in reporting.suppression.reports."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from .kept import remembered

SMALL_CELL = 5

# A prime far above any coefficient sum the equations can reach (coefficients are 0, 1 and −1):
# ranks modulo this prime are the ranks over the rationals for these matrices.
_PRIME = (1 << 61) - 1

Key = tuple


class Table:
    """Counts keyed by their path in the report and the sums that tie them together.

    A *derived* count is one the report does not print but a reader gets by subtraction (all
    who ended minus those who ended in work: the others). It is checked like any count, but
    hiding it hides nothing, so it is never chosen as a secondary cell."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.sums: list[tuple[Key, list[Key]]] = []
        self.derived: set[Key] = set()
        # Counts the reader sees elsewhere whatever this table does (another view of the same
        # figures): never chosen to hide. And counts hidden there: unknown from the start.
        self.seen: set[Key] = set()
        self.hidden_elsewhere: set[Key] = set()
        # Counts hidden elsewhere that this table must not give away either (whatever their
        # size): protected like a count of 1 to SMALL_CELL − 1.
        self.protected_elsewhere: set[Key] = set()

    def count(self, key: Key, value) -> None:
        if value is not None:
            self.values[key] = int(value)

    def derive(self, key: Key, total: Key, part: Key) -> None:
        """`key` is `total` − `part`, a count nobody prints but anybody can work out."""
        if total in self.values and part in self.values:
            self.values[key] = self.values[total] - self.values[part]
            self.derived.add(key)
            self.add_sum(total, [part, key])

    def add_sum(self, total: Key, members: Iterable[Key]) -> None:
        """`total` equals the sum of `members` (only keys holding a count take part)."""
        members = [m for m in members if m in self.values and m != total]
        if total in self.values and members:
            self.sums.append((total, members))


def _smallest(keys: Iterable[Key], table: Table) -> Key | None:
    """The count to hide next: the smallest printed count above 0 (ties by key). A 0 is never
    hidden: every hidden count is then at least 1, which the checks below rely on."""
    keys = [
        k for k in keys if table.values[k] > 0 and k not in table.derived and k not in table.seen
    ]
    if not keys:
        return None
    return min(keys, key=lambda k: (table.values[k], repr(k)))


def _pick_in(equation: tuple[Key, list[Key]], hidden: set[Key], table: Table) -> Key | None:
    total, members = equation
    choice = _smallest([m for m in members if m not in hidden], table)
    if choice is None and total not in hidden:
        choice = _smallest([total], table)
    return choice


def _pinned_by_bounds(equation: tuple[Key, list[Key]], hidden: set[Key], values) -> bool:
    """A shown total whose hidden members add up to exactly as many as there are of them: a
    reader who knows that a hidden count is never 0 finds every one of them is 1."""
    total, members = equation
    if total in hidden:
        return False
    in_it = [m for m in members if m in hidden]
    rest = values[total] - sum(values[m] for m in members if m not in hidden)
    return len(in_it) >= 2 and rest == len(in_it)


def determined(hidden: set[Key], table: Table) -> list[Key]:
    """The hidden counts the equations fix, found exactly (see the module docstring).

    Gauss–Jordan elimination modulo a prime on sparse rows ({column: coefficient}): the
    equations are many but each names a handful of counts, so only the entries present are
    touched."""
    columns = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(columns)}
    rows: list[dict[int, int]] = []
    for total, members in table.sums:
        row: dict[int, int] = {}
        if total in index:
            row[index[total]] = 1
        for member in members:
            if member in index:
                column = index[member]
                row[column] = (row.get(column, 0) - 1) % _PRIME
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    pivot_rows: dict[int, dict[int, int]] = {}  # pivot column → its reduced row
    remaining = rows
    for column in range(len(columns)):
        pivot = next((r for r in remaining if column in r), None)
        if pivot is None:
            continue
        remaining = [r for r in remaining if r is not pivot]
        inverse = pow(pivot[column], _PRIME - 2, _PRIME)
        pivot = {c: (v * inverse) % _PRIME for c, v in pivot.items()}
        for others in (remaining, pivot_rows.values()):
            for r in others:
                factor = r.get(column)
                if factor:
                    for c, v in pivot.items():
                        value = (r.get(c, 0) - factor * v) % _PRIME
                        if value:
                            r[c] = value
                        else:
                            r.pop(c, None)
        pivot_rows[column] = pivot
    free = set(range(len(columns))) - set(pivot_rows)
    # A pivot column is fixed when its row has nothing in the free columns: no null-space vector
    # can move it. A free column is never fixed.
    return [
        columns[column]
        for column in sorted(pivot_rows)
        if not any(c in free for c in pivot_rows[column])
    ]


def hidden_counts(table: Table, small_cell: int = SMALL_CELL) -> set[Key]:
    """The keys of the printed counts to hide: primary and secondary suppression (module
    docstring), then every secondary count that turns out not to be needed shown again
    (`_unneeded_shown`), so the answer hides no more than the rules' own. The answer depends on
    the table only and is kept (`kept.remembered`: the same stored figures are shown again and
    again)."""
    key = (
        tuple(table.values.items()),
        tuple((total, tuple(members)) for total, members in table.sums),
        frozenset(table.derived),
        frozenset(table.seen),
        frozenset(table.hidden_elsewhere),
        frozenset(table.protected_elsewhere),
        small_cell,
    )

    def compute() -> frozenset:
        rules = _unneeded_shown(_rule_based(table, small_cell), table, small_cell)
        return frozenset(_cheapest(table, small_cell, rules) or rules)

    return set(remembered(_answers, "hidden", key, compute))


# Answers by table kept for the process (and in the shared cache: reporting.suppression.kept).
_answers: dict = {}


def _protected(unknown: set[Key], table: Table, protect: set[Key]) -> bool:
    """Whether, with `unknown` hidden (derived counts included), no count of `protect` can be
    worked out: not by the equations together, nor by a shown total whose hidden members could
    only all be 1."""
    fixed = set(determined(unknown, table))
    if fixed & protect:
        return False
    return not _pinned(unknown - fixed, table, protect)


def _pinned(unknown: set[Key], table: Table, protect: set[Key]) -> list[tuple[Key, list[Key]]]:
    """The sums whose hidden members (of `unknown`, the counts a reader cannot work out) could
    only all be 1, with a protected count among them."""
    return [
        equation
        for equation in table.sums
        if _pinned_by_bounds(equation, unknown, table.values)
        and protect & unknown & {equation[0], *equation[1]}
    ]


def _unneeded_shown(hidden: set[Key], table: Table, small_cell: int) -> set[Key]:
    """`hidden` less every secondary count not needed for the protection, the largest tried
    first: the rules add counts one by one and an early one (a large total) is often made
    unnecessary by later ones. Each one left out is checked exactly, so the protection is the
    same; what is hidden is a subset of the rules' answer."""
    values = table.values
    protect = {key for key, value in values.items() if 0 < value < small_cell}
    protect |= table.protected_elsewhere
    unknown = set(hidden) | {key for key in table.derived if values[key] > 0}
    secondary = [key for key in hidden if key not in protect and key not in table.hidden_elsewhere]
    for key in sorted(secondary, key=lambda k: (-values[k], repr(k))):
        trial = unknown - {key}
        if _protected(trial, table, protect):
            unknown = trial
    # A hidden count the equations fix tells the reader nothing new when shown: shown.
    while worked_out := [k for k in determined(unknown, table) if k in secondary]:
        unknown -= set(worked_out)
    return unknown - table.derived


# The exact search (`_cheapest`) for tables of at most EXACT_COUNTS counts, at most
# EXACT_CANDIDATES of which could be hidden to protect others, trying at most EXACT_TRIALS sets
# (each trial is one exact check, whose cost grows with the table).
EXACT_COUNTS = 60
EXACT_CANDIDATES = 24
EXACT_TRIALS = 500


def _cheapest(table: Table, small_cell: int, found: set[Key]) -> set[Key] | None:
    """The hidden counts that protect every small count and hide the fewest persons, when it
    is cheaper than `found` (the rules' answer) and the table is small enough to search
    exactly; None otherwise.

    The sets of candidate counts (printed, above 0, not derived, not seen elsewhere, not a grand
    total) are tried
    in order of the persons they hide, from none upwards (a heap over the counts sorted by size:
    each set leads to the set with the next count added, and to the set with its largest count
    swapped for the next one, so every set comes exactly once and never before a cheaper one).
    The first set that protects (`_protected`, the same exact check as the rules') is the
    cheapest there is. The search stops at the cost of `found` or after EXACT_TRIALS sets."""
    values = table.values
    protect = {key for key, value in values.items() if 0 < value < small_cell}
    protect |= table.protected_elsewhere
    if not protect:
        return None
    base = protect | {key for key in table.derived if values[key] > 0} | table.hidden_elsewhere
    # The table's grand totals (a total no sum has as a member) are never chosen: a page's
    # headline figure is worth more than the people it counts.
    members = {member for _total, in_sum in table.sums for member in in_sum}
    grand = {total for total, _members in table.sums if total not in members}
    candidates = sorted(
        (
            key
            for key, value in values.items()
            if value > 0
            and key not in base
            and key not in table.derived
            and key not in table.seen
            and key not in grand
        ),
        key=lambda k: (values[k], repr(k)),
    )
    if len(candidates) > EXACT_CANDIDATES or len(values) > EXACT_COUNTS:
        return None
    bound = sum(values[key] for key in found - base)
    if _protected(base, table, protect):
        return base - table.derived if bound > 0 else None
    sizes = [values[key] for key in candidates]
    heap = [(sizes[0], (0,))] if candidates else []
    for _trial in range(EXACT_TRIALS):
        if not heap:
            return None
        cost, chosen = heapq.heappop(heap)
        if cost >= bound:
            return None
        last = chosen[-1]
        if last + 1 < len(candidates):
            heapq.heappush(heap, (cost + sizes[last + 1], (*chosen, last + 1)))
            heapq.heappush(heap, (cost - sizes[last] + sizes[last + 1], (*chosen[:-1], last + 1)))
        unknown = base | {candidates[i] for i in chosen}
        if _protected(unknown, table, protect):
            return unknown - table.derived
    return None


def _rule_based(table: Table, small_cell: int = SMALL_CELL) -> set[Key]:
    """The rules (module docstring, steps 1–3).

    `unknown` is what a reader does not see: the hidden counts and the derived ones above 0
    (a derived count is known only when what it is derived from is shown, which the equations
    tell). `protect` is every count of 1 to small_cell − 1, printed or derived: none of them
    may be fixed. Every unknown is at least 1."""
    values = table.values
    protect = {key for key, value in values.items() if 0 < value < small_cell}
    protect |= table.protected_elsewhere
    if not protect:
        return set()
    unknown = protect | {key for key in table.derived if values[key] > 0} | table.hidden_elsewhere
    while True:
        # Step 2: never one hidden count alone in an equation, and never protected counts that
        # could only all be 1.
        changed = True
        while changed:
            changed = False
            for equation in table.sums:
                total, members = equation
                in_it = [k for k in (total, *members) if k in unknown]
                # A lone hidden count (a derived count above the limit may stand alone: it is
                # only a difference of shown counts).
                lone = len(in_it) == 1 and (in_it[0] in protect or in_it[0] not in table.derived)
                exposed = lone or (
                    _pinned_by_bounds(equation, unknown, values) and protect & set(in_it)
                )
                if exposed:
                    choice = _pick_in(equation, unknown, table)
                    if choice is not None:
                        unknown.add(choice)
                        changed = True
        # Step 3: exactly, over all equations together; then the bounds again with the hidden
        # counts the equations fix taken as known (a reader works them out first).
        worked_out = determined(unknown, table)
        fixed = [key for key in worked_out if key in protect]
        if not fixed:
            pinned = _pinned(unknown - set(worked_out), table, protect)
            choices = {_pick_in(equation, unknown, table) for equation in pinned}
            choices.discard(None)
            if not choices:
                return unknown - table.derived
            unknown.update(choices)
            continue
        # One more count for every fixed one at once (each elimination costs more than a count
        # hidden a little too eagerly).
        choices = {_nearest_shown(target, unknown, table) for target in sorted(fixed, key=repr)}
        choices.discard(None)
        if not choices:
            # No printed count above 0 is left to hide near the fixed ones: everything linked
            # to them is unknown already (then the real values, all at least 1, and any
            # multiple of them solve the unknown system, so nothing is fixed) or is a 0.
            return unknown - table.derived
        unknown.update(choices)


def _nearest_shown(target: Key, hidden: set[Key], table: Table) -> Key | None:
    """The count to hide so that `target` comes loose: the smallest shown count of the equations
    nearest to it (its own, else those linked to them by hidden counts)."""
    reached = {target}
    frontier = {target}
    seen_equations: set[int] = set()
    while frontier:
        equations = [
            (i, eq)
            for i, eq in enumerate(table.sums)
            if i not in seen_equations and (eq[0] in frontier or frontier & set(eq[1]))
        ]
        if not equations:
            return None
        seen_equations.update(i for i, _ in equations)
        choices = [c for _, eq in equations if (c := _pick_in(eq, hidden, table)) is not None]
        if choices:
            return _smallest(choices, table)
        frontier = {
            k for _, eq in equations for k in (eq[0], *eq[1]) if k in hidden and k not in reached
        }
        reached |= frontier
    return None


def is_small(value) -> bool:
    """Primary suppression's test: a count of 1 to SMALL_CELL − 1 people (a 0 is shown: nobody
    is not somebody)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_CELL
