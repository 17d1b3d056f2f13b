"""Secondary suppression hides as few persons as it must (reporting.suppression.equations):
on small tables the engine's answer is compared with the cheapest protecting set found by
brute force over every set of counts, and with the rules' own answer (the engine before the
exact search), which it must never be worse than."""

import itertools
import random

import pytest

from reporting.suppression import equations
from reporting.suppression.equations import SMALL_CELL, Table, hidden_counts


def table_of(rows: int, columns: int, rng: random.Random) -> Table:
    """A two-way table with its row, column and grand totals; about a quarter of the cells are
    small (1–4), the rest 0 or 5–39."""
    table = Table()
    for r, c in itertools.product(range(rows), range(columns)):
        small = rng.random() < 0.25
        table.count(("cell", r, c), rng.randint(1, 4) if small else rng.choice([0, *range(5, 40)]))
    for r in range(rows):
        table.count(("row", r), sum(table.values[("cell", r, c)] for c in range(columns)))
        table.add_sum(("row", r), [("cell", r, c) for c in range(columns)])
    for c in range(columns):
        table.count(("column", c), sum(table.values[("cell", r, c)] for r in range(rows)))
        table.add_sum(("column", c), [("cell", r, c) for r in range(rows)])
    table.count(("all",), sum(table.values[("row", r)] for r in range(rows)))
    table.add_sum(("all",), [("row", r) for r in range(rows)])
    table.add_sum(("all",), [("column", c) for c in range(columns)])
    return table


def persons(table: Table, hidden) -> int:
    return sum(table.values[key] for key in hidden)


def brute_force(table: Table) -> int:
    """The fewest persons any protecting set hides: every set of shown counts but the grand
    total (which the engine never hides), by size."""
    protect = {key for key, value in table.values.items() if 0 < value < SMALL_CELL}
    others = [
        key
        for key, value in table.values.items()
        if value > 0 and key not in protect and key != ("all",)
    ]
    best = None
    for n in range(len(others) + 1):
        for chosen in itertools.combinations(others, n):
            cost = persons(table, chosen)
            if best is not None and cost >= best:
                continue
            if equations._protected(protect | set(chosen), table, protect):
                best = cost
    return persons(table, protect) + best


def test_the_engine_hides_no_more_than_the_cheapest_protection_and_never_more_than_the_rules():
    rng = random.Random(2026)
    improved = 0
    for _ in range(60):
        table = table_of(*rng.choice([(2, 2), (2, 3), (3, 3)]), rng)
        hidden = hidden_counts(table)
        protect = {key for key, value in table.values.items() if 0 < value < SMALL_CELL}
        rules = equations._unneeded_shown(equations._rule_based(table), table, SMALL_CELL)

        assert protect <= hidden
        assert equations._protected(hidden, table, protect)
        assert persons(table, hidden) == brute_force(table)
        assert persons(table, hidden) <= persons(table, rules)
        improved += persons(table, hidden) < persons(table, rules)
    # The exact search is what makes the difference in some of them.
    assert improved == 16  # of the 60 (seeded)


def test_a_table_too_large_to_search_keeps_the_rules_answer():
    rng = random.Random(7)
    table = table_of(5, 6, rng)  # 42 counts: more candidates than EXACT_CANDIDATES
    assert len(table.values) > equations.EXACT_CANDIDATES
    rules = equations._unneeded_shown(equations._rule_based(table), table, SMALL_CELL)
    assert equations._cheapest(table, SMALL_CELL, rules) is None
    assert hidden_counts(table) == rules


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_search_stops_at_the_rules_cost(seed):
    # Where the rules already found the cheapest, the search finds nothing cheaper.
    rng = random.Random(seed)
    table = table_of(2, 2, rng)
    best = brute_force(table)
    rules = equations._unneeded_shown(equations._rule_based(table), table, SMALL_CELL)
    found = equations._cheapest(table, SMALL_CELL, rules)
    if persons(table, rules) == best:
        assert found is None
    else:
        assert persons(table, found) == best
