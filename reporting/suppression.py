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

It ends because every round hides one more count. What is hidden goes with the figures computed
from it: a share, a mean, a sum of days. Counts are never perturbed or rounded; a shown figure
is always the exact figure. Remainders a reader gets by subtraction (all who ended minus those
in work or education; new participants minus the young) are checked as counts too.

Not covered (noted for the steering group): differencing between separately requested tables,
e.g. an area's period minus the same period one month shorter, or the nation minus every other
area. The reports are by whole months and whole areas, which keeps such differences large, but
nothing here compares one request with another."""

from __future__ import annotations

import copy
from collections.abc import Iterable

SMALL_CELL = 5

KINDS = ("outcomes", "average_days", "mappings", "inflow", "status", "caseload")

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
    keys = [k for k in keys if table.values[k] > 0 and k not in table.derived]
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


def _determined(hidden: set[Key], table: Table) -> list[Key]:
    """The hidden counts the equations fix, found exactly (see the module docstring)."""
    columns = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(columns)}
    rows = []
    for total, members in table.sums:
        row = {}
        if total in index:
            row[index[total]] = 1
        for member in members:
            if member in index:
                row[index[member]] = (row.get(index[member], 0) - 1) % _PRIME
        if row:
            rows.append([row.get(i, 0) for i in range(len(columns))])
    # Reduced row echelon form modulo the prime.
    pivots: list[int] = []
    rank = 0
    for column in range(len(columns)):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        inverse = pow(rows[rank][column], _PRIME - 2, _PRIME)
        rows[rank] = [(v * inverse) % _PRIME for v in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [
                    (a - factor * b) % _PRIME for a, b in zip(rows[r], rows[rank], strict=True)
                ]
        pivots.append(column)
        rank += 1
    free = [c for c in range(len(columns)) if c not in set(pivots)]
    # A pivot column is fixed when its row has nothing in the free columns: no null-space vector
    # can move it. A free column is never fixed.
    return [columns[column] for r, column in enumerate(pivots) if not any(rows[r][f] for f in free)]


def hidden_counts(table: Table, small_cell: int = SMALL_CELL) -> set[Key]:
    """The keys of the printed counts to hide: primary and secondary suppression (module
    docstring).

    `unknown` is what a reader does not see: the hidden counts and the derived ones above 0
    (a derived count is known only when what it is derived from is shown, which the equations
    tell). `protect` is every count of 1 to small_cell − 1, printed or derived: none of them
    may be fixed. Every unknown is at least 1."""
    values = table.values
    protect = {key for key, value in values.items() if 0 < value < small_cell}
    if not protect:
        return set()
    unknown = protect | {key for key in table.derived if values[key] > 0}
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
        # Step 3: exactly, over all equations together.
        fixed = [key for key in _determined(unknown, table) if key in protect]
        if not fixed:
            return unknown - table.derived
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


# --- the reports ----------------------------------------------------------------------------------


def _category_rows(table: Table, data: dict, rows_key: str = "rows") -> None:
    """Outcome and inflow tables: rows[dimension][level] = {total, counts{category}}; each row's
    total is the sum of its categories, the levels of a dimension add up to the total row."""
    rows = data.get(rows_key, {})
    for dimension, levels in rows.items():
        for level, row in levels.items():
            base = (rows_key, dimension, level)
            table.count((*base, "total"), row["total"])
            for category, n in row["counts"].items():
                table.count((*base, "counts", category), n)
    grand = rows.get("total", {}).get("total")
    if grand is None:
        return
    keys = list(grand["counts"])
    for dimension, levels in rows.items():
        for level, row in levels.items():
            base = (rows_key, dimension, level)
            table.add_sum((*base, "total"), [(*base, "counts", c) for c in _fine(row)])
            if "work_or_education" in row["counts"]:
                table.add_sum(
                    (*base, "counts", "work_or_education"),
                    [(*base, "counts", c) for c in _work_or_education_parts()],
                )
        if dimension == "total":
            continue
        for column in ["total", *(("counts", c) for c in keys)]:
            column = (column,) if isinstance(column, str) else column
            table.add_sum(
                (rows_key, "total", "total", *column),
                [(rows_key, dimension, level, *column) for level in levels],
            )


def _work_or_education_parts() -> list[str]:
    from .metrics.base import WORK_OR_EDUCATION_CATEGORIES

    return list(WORK_OR_EDUCATION_CATEGORIES)


def _fine(row: dict) -> list[str]:
    """The categories that add up to the row total: all but the work-or-education sum."""
    return [c for c in row["counts"] if c != "work_or_education"]


def _hide_category_rows(data: dict, hidden: set[Key], rows_key: str = "rows") -> None:
    for dimension, levels in data.get(rows_key, {}).items():
        for level, row in levels.items():
            base = (rows_key, dimension, level)
            if (*base, "total") in hidden:
                row["total"] = None
                row["total_share"] = None
            for category in row["counts"]:
                if (*base, "counts", category) in hidden:
                    row["counts"][category] = None
                    row["shares"][category] = None
            if row["total"] is None:
                # A share of a hidden total would give the total away with any shown count.
                row["shares"] = {c: None for c in row["shares"]}


def _outcomes(data: dict) -> dict:
    table = Table()
    _category_rows(table, data)
    hidden = hidden_counts(table)
    _hide_category_rows(data, hidden)
    return data


def _inflow(data: dict) -> dict:
    table = Table()
    _category_rows(table, data)
    sides = {"period": data.get("period", {}), **{m: v for m, v in data.get("months", {}).items()}}
    for name, side in sides.items():
        base = ("period",) if name == "period" else ("months", name)
        for sex, row in side.items():
            table.count((*base, sex, "count"), row["count"])
            table.count((*base, sex, "young"), row["young"])
            table.derive((*base, sex, "older"), (*base, sex, "count"), (*base, sex, "young"))
        for measure in ("count", "young"):
            table.add_sum(
                (*base, "all", measure), [(*base, sex, measure) for sex in side if sex != "all"]
            )
    for sex in data.get("period", {}):
        for measure in ("count", "young"):
            table.add_sum(
                ("period", sex, measure),
                [("months", m, sex, measure) for m in data.get("months", {})],
            )
    # The period's counts are the table's totals again: equal counts are tied by an equation too.
    rows = data.get("rows", {})
    if "total" in rows:
        table.add_sum(("period", "all", "count"), [("rows", "total", "total", "total")])
        for sex in ("K", "M"):
            if sex in rows.get("sex", {}):
                table.add_sum(("period", sex, "count"), [("rows", "sex", sex, "total")])
    hidden = hidden_counts(table)
    _hide_category_rows(data, hidden)
    for name, side in sides.items():
        base = ("period",) if name == "period" else ("months", name)
        for sex, row in side.items():
            for measure in ("count", "young"):
                if (*base, sex, measure) in hidden:
                    row[measure] = None
            if row["count"] is None or row["young"] is None:
                row["young_share"] = None
    return data


def _mappings(data: dict) -> dict:
    table = Table()
    rows = data.get("rows", {})
    for dimension, levels in rows.items():
        for level, row in levels.items():
            table.count(("rows", dimension, level), row["count"])
    for dimension, levels in rows.items():
        if dimension != "total":
            table.add_sum(("rows", "total", "total"), [("rows", dimension, lv) for lv in levels])
    hidden = hidden_counts(table)
    for dimension, levels in rows.items():
        for level, row in levels.items():
            if ("rows", dimension, level) in hidden:
                row["count"] = None
                row["share"] = None
    return data


def _average_days(data: dict) -> dict:
    """Counts of people ended, all and in work or education; a hidden count hides its sum of
    days and its mean. The sums of days obey the same equations as the counts, so the same
    hidden pattern protects them."""
    table = Table()
    rows = data.get("rows", {})
    parts = ("all", "work_or_education")
    for dimension, levels in rows.items():
        for level, row in levels.items():
            for part in parts:
                table.count(("rows", dimension, level, part), row[part]["count"])
            # The others, who ended in neither work nor education: all minus the shown part.
            table.derive(
                ("rows", dimension, level, "others"),
                ("rows", dimension, level, "all"),
                ("rows", dimension, level, "work_or_education"),
            )
    for dimension, levels in rows.items():
        if dimension == "total":
            continue
        for part in parts:
            table.add_sum(
                ("rows", "total", "total", part), [("rows", dimension, lv, part) for lv in levels]
            )
    hidden = hidden_counts(table)
    for dimension, levels in rows.items():
        for level, row in levels.items():
            for part in parts:
                if ("rows", dimension, level, part) in hidden:
                    row[part] = {"count": None, "days_total": None, "mean_days": None}
    return data


def _status(data: dict) -> dict:
    from .metrics.status import STATES

    table = Table()
    blocks = {("total",): data.get("total", {})}
    for area, block in data.get("areas", {}).items():
        blocks[("areas", area)] = block
    occupations: list[str] = []
    for base, block in blocks.items():
        for sex, row in block.items():
            for state in STATES:
                table.count((*base, sex, state), row[state])
            for occupation, n in row["ended_occupation"].items():
                table.count((*base, sex, "ended_occupation", occupation), n)
                if occupation not in occupations:
                    occupations.append(occupation)
    columns = [(state,) for state in STATES] + [("ended_occupation", o) for o in occupations]
    woe_parts = _work_or_education_parts()
    for base, block in blocks.items():
        for sex in block:
            row = (*base, sex)
            table.add_sum(
                (*row, "waiting"),
                [(*row, "waiting_for_mapping"), (*row, "waiting_for_intervention")],
            )
            table.add_sum(
                (*row, "ended"),
                [(*row, "ended_occupation", o) for o in occupations if o != "work_or_education"],
            )
            table.add_sum(
                (*row, "ended_occupation", "work_or_education"),
                [(*row, "ended_occupation", o) for o in woe_parts],
            )
        for column in columns:
            table.add_sum(
                (*base, "all", *column), [(*base, s, *column) for s in block if s != "all"]
            )
    for sex in data.get("total", {}):
        for column in columns:
            table.add_sum(
                ("total", sex, *column),
                [("areas", area, sex, *column) for area in data.get("areas", {})],
            )
    hidden = hidden_counts(table)
    for base, block in blocks.items():
        for sex, row in block.items():
            for state in STATES:
                if (*base, sex, state) in hidden:
                    row[state] = None
            for occupation in row["ended_occupation"]:
                if (*base, sex, "ended_occupation", occupation) in hidden:
                    row["ended_occupation"][occupation] = None
    return data


def _caseload(data: dict) -> dict:
    table = Table()
    table.count(("open_cases",), data.get("open_cases"))
    for agency in ("fk", "af"):
        for officer, n in data.get(agency, {}).items():
            table.count((agency, officer), n)
        table.count((f"without_{agency}_officer",), data.get(f"without_{agency}_officer"))
        table.add_sum(
            ("open_cases",),
            [(agency, officer) for officer in data.get(agency, {})]
            + [(f"without_{agency}_officer",)],
        )
    hidden = hidden_counts(table)
    for key in hidden:
        if len(key) == 1:
            data[key[0]] = None
        else:
            data[key[0]][key[1]] = None
    return data


_BY_KIND = {
    "outcomes": _outcomes,
    "average_days": _average_days,
    "mappings": _mappings,
    "inflow": _inflow,
    "status": _status,
    "caseload": _caseload,
}


def suppress_report(kind: str, data: dict) -> dict:
    """A copy of a metrics result (reporting.metrics) of `kind` with every hidden count, and the
    share, mean or sum of days computed from it, replaced by None. The input is not changed."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    return _BY_KIND[kind](copy.deepcopy(data))


__all__ = ["KINDS", "SMALL_CELL", "Table", "hidden_counts", "suppress_report"]
