"""Small-cell suppression (reporting.suppression): no count of 1–4 is shown, and no hidden count
can be worked out from the shown counts and the sums that tie them.

Two independent checks of "cannot be worked out": a brute-force search over every filling of the
hidden cells of small tables (the possible values a reader could find), and a rank test written
here in rational arithmetic on equations written here from the reports' meaning (not taken from
the module)."""

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.metrics.base import CATEGORY_KEYS, FINE_CATEGORIES, WORK_OR_EDUCATION_CATEGORIES
from reporting.metrics.inflow import _young_row
from reporting.metrics.outcomes import outcome_row
from reporting.metrics.status import empty_status_row as _empty_row
from reporting.suppression import Table, _copied, hidden_counts, suppress_report
from reporting.suppression.equations import determined


def grid_table(cells: list[list[int]]) -> Table:
    """A two-way table with its row, column and grand totals ("T")."""
    table = Table()
    rows, cols = len(cells), len(cells[0])
    for r, c in itertools.product(range(rows), range(cols)):
        table.count((r, c), cells[r][c])
    for r in range(rows):
        table.count((r, "T"), sum(cells[r]))
        table.add_sum((r, "T"), [(r, c) for c in range(cols)])
    for c in range(cols):
        table.count(("T", c), sum(cells[r][c] for r in range(rows)))
    table.count(("T", "T"), sum(map(sum, cells)))
    for c in [*range(cols), "T"]:
        table.add_sum(("T", c), [(r, c) for r in range(rows)])
    return table


def possible_values(cells: list[list[int]], hidden: set) -> dict:
    """Every value each hidden cell can take in some filling of the hidden cells (whole numbers,
    not negative) that agrees with every shown cell: what a reader can find out. A depth-first
    search cell by cell; in the last row a shown column total forces the cell."""
    rows, cols = len(cells), len(cells[0])
    grand = sum(map(sum, cells))
    row_total = {r: sum(cells[r]) for r in range(rows)}
    col_total = {c: sum(cells[r][c] for r in range(rows)) for c in range(cols)}
    order = list(itertools.product(range(rows), range(cols)))
    found = {k: set() for k in hidden}
    trial = [[0] * cols for _ in range(rows)]
    truth = grid_table(cells).values

    class Enough(Exception):
        """Every hidden count of people has two possible values: nothing more to learn."""

    def finish():
        values = {(r, c): trial[r][c] for r in range(rows) for c in range(cols)}
        values.update({(r, "T"): sum(trial[r]) for r in range(rows)})
        values.update({("T", c): sum(trial[r][c] for r in range(rows)) for c in range(cols)})
        values[("T", "T")] = sum(map(sum, trial))
        if values[("T", "T")] == grand or ("T", "T") in hidden:
            for k in hidden:
                found[k].add(values[k])
            if all(len(found[k]) > 1 for k in hidden if truth[k] > 0):
                raise Enough

    def place(i):
        if i == len(order):
            finish()
            return
        r, c = order[i]
        above = sum(trial[q][c] for q in range(r))
        if (r, c) not in hidden:
            options = [cells[r][c]]
        elif r == rows - 1 and ("T", c) not in hidden:
            options = [col_total[c] - above]
        else:
            # A hidden total does not bound its cells for the reader: a little beyond it.
            options = range((grand if ("T", "T") not in hidden else grand + 3) + 1)
        for v in options:
            if v < 0:
                continue
            trial[r][c] = v
            if ("T", c) not in hidden and above + v > col_total[c]:
                continue
            if r == rows - 1 and ("T", c) not in hidden and above + v != col_total[c]:
                continue
            if (r, "T") not in hidden and sum(trial[r][: c + 1]) > row_total[r]:
                continue
            if c == cols - 1 and (r, "T") not in hidden and sum(trial[r]) != row_total[r]:
                continue
            place(i + 1)
        trial[r][c] = 0

    try:
        place(0)
    except Enough:
        pass
    return found


def test_one_small_cell_in_a_two_by_two_table_hides_the_whole_inside():
    # 3 | 10 ; 7 | 12. Hiding the 3 alone: 13 − 10 gives it back. Hiding its row neighbour (10)
    # too: column y's 22 − 12 gives the 10, then 13 − 10 the 3. Only the four inner cells hidden
    # together leave the margins unable to tell them apart (3+k, 10−k, 7−k, 12+k all fit).
    hidden = hidden_counts(grid_table([[3, 10], [7, 12]]))
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_nothing_is_hidden_without_a_small_cell():
    assert hidden_counts(grid_table([[5, 10], [0, 12]])) == set()


def test_a_zero_is_shown():
    table = grid_table([[0, 9], [6, 12]])
    assert hidden_counts(table) == set()


def test_equations_that_pin_a_count_together_are_caught():
    # a + b = 8, a + c = 9, b + c = 13: each equation has two hidden counts, yet
    # a = (8 + 9 − 13) / 2 = 2. The "never one alone" rule is satisfied; the exact check is not.
    table = Table()
    for key, value in {"a": 2, "b": 6, "c": 7, "ab": 8, "ac": 9, "bc": 13}.items():
        table.count((key,), value)
    table.add_sum(("ab",), [("a",), ("b",)])
    table.add_sum(("ac",), [("a",), ("c",)])
    table.add_sum(("bc",), [("b",), ("c",)])
    hidden = hidden_counts(table)
    assert {("a",), ("b",), ("c",)} <= hidden
    assert not set(determined(hidden, table)) & {("a",)}
    # The sums are the table's grand totals (no sum contains them), which the exact search
    # never hides (a + ab + ac = 19 would be cheaper): one of them goes, as the rules choose.
    assert hidden & {("ab",), ("ac",), ("bc",)}, "one of the sums must go too"


small_tables = st.integers(min_value=2, max_value=3).flatmap(
    lambda cols: st.lists(
        st.lists(st.integers(min_value=0, max_value=7), min_size=cols, max_size=cols),
        min_size=2,
        max_size=2,
    )
)


@settings(max_examples=60, deadline=None)
@given(small_tables)
def test_no_hidden_cell_of_a_small_table_can_be_found_by_trying_every_filling(cells):
    hidden = hidden_counts(grid_table(cells))
    shown_small = [
        v
        for (r, row) in enumerate(cells)
        for (c, v) in enumerate(row)
        if (r, c) not in hidden and 0 < v < 5
    ]
    assert shown_small == []
    # Every small count (1-4, in a cell or a total) must have more than one possible value. A
    # secondary count may be pinned: it is then as good as shown, which is no harm.
    table = grid_table(cells)
    for key, values in possible_values(cells, hidden).items():
        if 0 < table.values[key] < 5:
            assert len(values) > 1, f"{key} can only be {values}"


# --- the reports ----------------------------------------------------------------------------------


def rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows]
    rank = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                f = rows[i][column] / rows[rank][column]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def pinned(equations: list[tuple[str, list[str]]], hidden: set[str]) -> list[str]:
    """Hidden counts fixed by the equations (total = sum of members): e_k in the row space of the
    equations restricted to the hidden counts, i.e. adding e_k does not raise the rank."""
    columns = sorted(hidden)
    matrix = []
    for total, members in equations:
        row = [Fraction(0)] * len(columns)
        for k, sign in [(total, 1), *((m, -1) for m in members)]:
            if k in hidden:
                row[columns.index(k)] += sign
        if any(row):
            matrix.append(row)
    if not matrix:
        return []
    base = rank(matrix)
    return [
        k
        for i, k in enumerate(columns)
        if rank([*matrix, [Fraction(int(j == i)) for j in range(len(columns))]]) == base
    ]


levels_of = {"sex": ["K", "M"], "born_abroad": ["sweden", "abroad", "unknown"]}


def outcome_report(fine: dict[str, dict[str, dict[str, int]]]) -> dict:
    """An outcome report as reporting.metrics.outcomes returns it, from fine counts per
    (dimension, level); the total row is the sum of the sex rows."""
    rows = {
        dim: {level: outcome_row(fine[dim][level]) for level in levels}
        for dim, levels in levels_of.items()
    }
    total = {c: sum(fine["sex"][s].get(c, 0) for s in levels_of["sex"]) for c in FINE_CATEGORIES}
    rows["total"] = {"total": outcome_row(total)}
    return {"rows": rows}


def outcome_equations(report: dict) -> tuple[dict[str, int], list[tuple[str, list[str]]]]:
    """Every count of the report by a flat name, and every sum a reader knows."""
    values, equations = {}, []
    for dim, levels in report["rows"].items():
        for level, row in levels.items():
            values[f"{dim}.{level}.total"] = row["total"]
            for c in CATEGORY_KEYS:
                values[f"{dim}.{level}.{c}"] = row["counts"][c]
            equations.append(
                (f"{dim}.{level}.total", [f"{dim}.{level}.{c}" for c in FINE_CATEGORIES])
            )
            equations.append(
                (
                    f"{dim}.{level}.work_or_education",
                    [f"{dim}.{level}.{c}" for c in WORK_OR_EDUCATION_CATEGORIES],
                )
            )
    for dim, levels in levels_of.items():
        for c in ["total", *CATEGORY_KEYS]:
            equations.append((f"total.total.{c}", [f"{dim}.{level}.{c}" for level in levels]))
    return values, equations


def fine_counts():
    return st.dictionaries(
        st.sampled_from(FINE_CATEGORIES), st.integers(min_value=0, max_value=12), max_size=4
    )


@st.composite
def outcome_populations(draw):
    by_sex = {s: draw(fine_counts()) for s in levels_of["sex"]}
    total = {c: sum(by_sex[s].get(c, 0) for s in by_sex) for c in FINE_CATEGORIES}
    # Split the same people by birth country: each category's total over three levels.
    born = {level: {} for level in levels_of["born_abroad"]}
    for c, n in total.items():
        a = draw(st.integers(min_value=0, max_value=n))
        b = draw(st.integers(min_value=0, max_value=n - a))
        for level, k in zip(levels_of["born_abroad"], (a, b, n - a - b), strict=True):
            if k:
                born[level][c] = k
    return {"sex": by_sex, "born_abroad": born}


@settings(max_examples=25, deadline=None)
@given(outcome_populations())
def test_an_outcome_report_shows_no_small_count_and_no_count_can_be_worked_out(fine):
    report = outcome_report(fine)
    shown = suppress_report("outcomes", report)
    values, equations = outcome_equations(report)
    flat_shown, _ = outcome_equations(shown)
    hidden = {k for k, v in flat_shown.items() if v is None}
    assert not [k for k, v in flat_shown.items() if v is not None and 0 < v < 5]
    assert all(flat_shown[k] == values[k] for k in values if k not in hidden)
    # Only the small counts must stay loose: a secondary count may be fixed (it is then as good
    # as shown, and the small ones are still loose with it).
    assert [k for k in pinned(equations, hidden) if 0 < values[k] < 5] == []
    # A hidden count takes its printed share with it; a hidden total takes every share.
    for levels in shown["rows"].values():
        for row in levels.values():
            for c in CATEGORY_KEYS:
                if row["counts"][c] is None or row["total"] is None:
                    assert row["shares"][c] is None


def test_the_input_report_is_left_as_it_was():
    report = outcome_report(
        {
            "sex": {"K": {"education": 3, "other": 9}, "M": {"other": 8}},
            "born_abroad": {"sweden": {"education": 3, "other": 17}, "abroad": {}, "unknown": {}},
        }
    )
    before = repr(report)
    suppress_report("outcomes", report)
    assert repr(report) == before


def test_the_copy_changed_by_suppression_shares_nothing_changeable_with_the_input():
    # the copy made before hiding (reporting.suppression._copied): dicts and lists new at any
    # depth, a tuple's contents too; only the values nobody can change are shared
    report = {
        "rows": {"total": {"total": [{"n": 4, "day": dt.date(2024, 2, 1)}]}},
        "months": ({"count": [1, 2]},),
        "mean": Decimal("2.5"),
    }
    before = repr(report)
    copied = _copied(report)
    assert copied == report
    copied["rows"]["total"]["total"][0]["n"] = None
    copied["months"][0]["count"].append(3)
    assert repr(report) == before


def mapping_report(counts: dict[str, dict[str, int]]) -> dict:
    total = sum(counts["sex"].values())
    rows = {"total": {"total": {"count": total, "share": "100%"}}}
    for dim, levels in counts.items():
        rows[dim] = {level: {"count": n, "share": "x"} for level, n in levels.items()}
    return {"levels": {d: list(v) for d, v in rows.items()}, "rows": rows}


def test_mappings_three_women_hide_the_men_too_but_not_the_total():
    # K 3, M 10, total 13: the 3 is hidden, and so is the 10 (13 − 10 = 3). Marked apart: the
    # 3 is small ("<5"), the 10 protects it ("dolt"); 13 = 1…4 + at least 1 leaves 1…4 open.
    shown = suppress_report("mappings", mapping_report({"sex": {"K": 3, "M": 10}}))
    assert shown["rows"]["sex"]["K"] == {
        "count": None,
        "share": None,
        "hidden_as": {"count": "small"},
    }
    assert shown["rows"]["sex"]["M"] == {
        "count": None,
        "share": None,
        "hidden_as": {"count": "hidden"},
    }
    assert shown["rows"]["total"]["total"]["count"] == 13


def test_mappings_the_second_hidden_cell_is_the_smallest_other_level():
    # FK 2, AF 40, unknown 6 of 48: hiding 2 and the 6 (the smaller neighbour) is enough.
    shown = suppress_report(
        "mappings",
        mapping_report({"sex": {"K": 20, "M": 28}, "initiated_by": {"FK": 2, "AF": 40, "x": 6}}),
    )
    counts = {k: v["count"] for k, v in shown["rows"]["initiated_by"].items()}
    assert counts == {"FK": None, "AF": 40, "x": None}
    assert shown["rows"]["sex"]["K"]["count"] == 20


def days_row(count, days, woe_count, woe_days):
    def part(n, d):
        return {"count": n, "days_total": d, "mean_days": round(d / n) if n else None}

    return {"all": part(count, days), "work_or_education": part(woe_count, woe_days)}


def test_average_days_of_few_people_hide_their_days_and_mean():
    # Women: 2 ended (days 300 and 340), men 12. Total 14. Women hidden, so men hidden too,
    # else 14 − 12 and the day sums give the two women away.
    report = {
        "rows": {
            "total": {"total": days_row(14, 4040, 6, 1500)},
            "sex": {"K": days_row(2, 640, 0, 0), "M": days_row(12, 3400, 6, 1500)},
        }
    }
    shown = suppress_report("average_days", report)
    hidden_part = {"count": None, "days_total": None, "mean_days": None}
    assert shown["rows"]["sex"]["K"]["all"] == {**hidden_part, "hidden_as": {"count": "small"}}
    assert shown["rows"]["sex"]["M"]["all"] == {
        **hidden_part,
        "hidden_as": {"count": "hidden"},
    }
    assert shown["rows"]["total"]["total"]["all"]["mean_days"] == 289  # 4040 / 14 = 288.6
    # In work or education: 0 women and 6 men, nothing small, all shown.
    assert shown["rows"]["sex"]["K"]["work_or_education"]["count"] == 0
    assert shown["rows"]["sex"]["M"]["work_or_education"]["mean_days"] == 250


def young(count, n_young):
    return {"count": count, "young": n_young, "young_share": f"{n_young}/{count}"}


def test_inflow_months_add_up_to_the_period_so_a_small_month_hides_another():
    # January: 4 women, 9 men. February: 8 women, 7 men. The period: 12 women, 16 men, 28.
    # January's 4 women are hidden; January's men (all 13 − 4) and February's women (12 − 4)
    # must go too, and then February's men (15 − 8) as well.
    report = {
        "months": {
            "2025-01": {"K": young(4, 0), "M": young(9, 5), "all": young(13, 5)},
            "2025-02": {"K": young(8, 6), "M": young(7, 5), "all": young(15, 11)},
        },
        "period": {"K": young(12, 6), "M": young(16, 10), "all": young(28, 16)},
        "rows": {},
    }
    shown = suppress_report("inflow", report)
    assert shown["months"]["2025-01"]["K"]["count"] is None
    assert shown["months"]["2025-01"]["K"]["young_share"] is None
    assert shown["months"]["2025-01"]["all"]["count"] == 13
    assert shown["period"]["all"] == young(28, 16)
    hidden = {
        (month, sex)
        for month, sides in shown["months"].items()
        for sex, row in sides.items()
        if row["count"] is None
    }
    assert hidden == {
        ("2025-01", "K"),
        ("2025-01", "M"),
        ("2025-02", "K"),
        ("2025-02", "M"),
    }


def status_row(**counts):
    row = {
        "in_mapping": 0,
        "waiting_for_mapping": 0,
        "active": 0,
        "waiting_for_intervention": 0,
        "waiting": 0,
        "ended": 0,
        "ended_occupation": {k: 0 for k in CATEGORY_KEYS},
    }
    row.update(counts)
    return row


def test_status_report_hides_a_small_state_and_its_partner():
    # Area 7: 30 active (14 women, 16 men), 2 women waiting for an intervention.
    report = {
        "day": "2025-03-31",
        "total": {
            "all": status_row(active=30, waiting_for_intervention=2, waiting=2),
            "K": status_row(active=14, waiting_for_intervention=2, waiting=2),
            "M": status_row(active=16),
        },
        "areas": {
            "7": {
                "all": status_row(active=30, waiting_for_intervention=2, waiting=2),
                "K": status_row(active=14, waiting_for_intervention=2, waiting=2),
                "M": status_row(active=16),
            }
        },
    }
    shown = suppress_report("status", report)
    for block in (shown["total"], shown["areas"]["7"]):
        assert block["K"]["waiting_for_intervention"] is None
        assert block["K"]["waiting"] is None
        assert block["all"]["waiting"] is None
        assert block["all"]["waiting_for_intervention"] is None
        assert block["all"]["active"] == 30
        assert block["K"]["active"] == 14


def test_caseload_hides_an_officer_with_few_cases_and_the_next_smallest():
    report = {
        "open_cases": 50,
        "norm_fk": 70,
        "norm_af": 40,
        "fk": {"11": 3, "12": 47},
        "af": {"21": 20, "22": 30},
        "without_fk_officer": 0,
        "without_af_officer": 0,
    }
    shown = suppress_report("caseload", report)
    assert shown["fk"]["11"] is None
    # 50 − 47 − 0 would give the 3 back: the smallest non-zero neighbour, 47, goes.
    assert shown["fk"]["12"] is None
    assert shown["af"] == {"21": 20, "22": 30}
    assert shown["open_cases"] == 50


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        suppress_report("salaries", {})


# --- what a reader could work out (found in review) ------------------------------------------
# A reader's arithmetic: a difference of shown counts; None when any of them is hidden.


def minus(first, *others):
    if first is None or None in others:
        return None
    return first - sum(others)


# A shown 0 in a total would pin hidden 0s (no count is negative), and the rest would follow.

WOMEN = {"work_unsubsidised": 7, "labour_market_programme": 2, "openly_unemployed": 4, "other": 5}
MEN = {
    "work_unsubsidised": 4,  # a primary small cell: 4 men
    "work_subsidised": 3,
    "self_employed": 2,
    "labour_market_programme": 5,
    "openly_unemployed": 2,
    "other": 5,
}
BOTH = {c: WOMEN.get(c, 0) + MEN.get(c, 0) for c in {*WOMEN, *MEN}}


def test_outcomes_a_hidden_count_is_pinned_by_a_shown_zero_total():
    data = {
        "rows": {
            "total": {"total": outcome_row(BOTH)},
            "sex": {"K": outcome_row(WOMEN), "M": outcome_row(MEN)},
        }
    }
    shown = suppress_report("outcomes", data)["rows"]
    total, women, men = shown["total"]["total"], shown["sex"]["K"], shown["sex"]["M"]
    assert men["counts"]["work_unsubsidised"] is None  # hidden as a small cell

    # The reader: education is 0 in the total row, so the hidden education cells of women and
    # men (both >= 0) are 0; women's work_or_education (shown) minus their shown parts is then
    # their work_unsubsidised; the total row's work_unsubsidised minus that is the men's.
    assert total["counts"]["education"] == 0
    assert women["counts"]["education"] == men["counts"]["education"] == 0  # never hidden
    women_parts = [
        women["counts"][c] for c in WORK_OR_EDUCATION_CATEGORIES if c != "work_unsubsidised"
    ]
    women_unsubsidised = minus(women["counts"]["work_or_education"], *women_parts)
    men_unsubsidised = minus(total["counts"]["work_unsubsidised"], women_unsubsidised or 0)
    assert women_unsubsidised is None or men_unsubsidised is None


def _status_row(occupations, active):
    row = _empty_row()
    row["active"] = active
    for category, n in occupations.items():
        row["ended"] += n
        row["ended_occupation"][category] += n
        if category in WORK_OR_EDUCATION_CATEGORIES:
            row["ended_occupation"]["work_or_education"] += n
    return row


def test_status_report_a_hidden_count_is_pinned_by_a_shown_zero_total():
    def block():
        return {
            "all": _status_row(BOTH, 40),
            "K": _status_row(WOMEN, 20),
            "M": _status_row(MEN, 20),
        }

    data = {"day": "2025-03-31", "total": block(), "areas": {"1": block()}}
    area = suppress_report("status", data)["areas"]["1"]
    assert area["M"]["ended_occupation"]["work_unsubsidised"] is None

    everyone, women = area["all"]["ended_occupation"], area["K"]["ended_occupation"]
    assert everyone["education"] == 0
    women_unsubsidised = minus(
        women["work_or_education"], women["work_subsidised"], women["self_employed"]
    )
    men_unsubsidised = minus(everyone["work_unsubsidised"], women_unsubsidised or 0)
    assert women_unsubsidised is None or men_unsubsidised is None


# --- 2. implicit complements: "all" minus a shown subset is a cell nobody checks ---------------


def _days(count, days):
    mean = (2 * days + count) // (2 * count) if count else None
    return {"count": count, "days_total": days, "mean_days": mean}


def test_average_days_all_minus_work_or_education_gives_one_persons_exact_days():
    row = {"all": _days(6, 1200), "work_or_education": _days(5, 950)}
    data = {
        "rows": {
            "total": {"total": row},
            "sex": {"K": row, "M": {"all": _days(0, 0), "work_or_education": _days(0, 0)}},
        }
    }
    shown = suppress_report("average_days", data)["rows"]["total"]["total"]

    # One person ended in neither work nor education: all − work or education must not give
    # their count, nor their days.
    assert minus(shown["all"]["count"], shown["work_or_education"]["count"]) is None
    assert minus(shown["all"]["days_total"], shown["work_or_education"]["days_total"]) is None


def test_inflow_count_minus_young_gives_a_small_cell():
    side = {"K": _young_row(6, 5), "M": _young_row(0, 0), "all": _young_row(6, 5)}
    data = {"months": {"2025-03": side}, "period": side, "rows": {}}
    shown = suppress_report("inflow", data)["period"]["K"]

    # One woman older than the young age limit started: count − young must not give her away.
    assert minus(shown["count"], shown["young"]) is None


@settings(max_examples=80, deadline=None)
@given(small_tables)
def test_the_answer_is_never_worse_than_the_rules_alone(cells):
    # The counts the rules choose, then every one not needed shown again
    # (equations._unneeded_shown), then for a small table the cheapest protection there is
    # (equations._cheapest): never more people hidden than the rules, and still protecting.
    from reporting.suppression.equations import _protected, _rule_based

    table = grid_table(cells)
    rules = _rule_based(table)
    answer = hidden_counts(table)
    assert sum(table.values[k] for k in answer) <= sum(table.values[k] for k in rules)
    small = {key for key, value in table.values.items() if 0 < value < 5}
    assert _protected(answer, table, small)


def test_the_cheapest_protection_replaces_what_the_rules_hid_on_the_way():
    # Two small counts in the middle row: the rules hide, on the way to protecting them, 12 and
    # 30 of the first row (83 people in all); hiding the middle and last rows whole protects
    # them too with 71 (the 15 between the two 1s must go: 17 − 15 would say both are 1).
    cells = [[12, 30, 15], [1, 15, 1], [12, 30, 12]]
    table = grid_table(cells)
    from reporting.suppression.equations import _rule_based

    rules, answer = _rule_based(table), hidden_counts(table)
    assert {(0, 0), (0, 1)} <= rules and not {(0, 0), (0, 1)} & answer
    assert sum(table.values[k] for k in rules) == 83
    assert answer == {(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)}
    for key, values in possible_values(cells, answer).items():
        if 0 < table.values[key] < 5:
            assert len(values) > 1, f"{key} can only be {values}"
