"""Small-cell suppression of the timeliness figures (reporting.suppression, kind "timeliness"):
no count of 1–4 cases is shown, none can be worked out from the sums (on time + late + open is
the cases; the areas add up to the total), a share goes with its counts, and team and officer
rows never reach a reader of suppressed figures."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.metrics.timeliness import empty_row
from reporting.suppression import suppress_report


def deadline(on_time, late, open_=0):
    return {
        "cases": on_time + late + open_,
        "on_time": on_time,
        "late": late,
        "open": open_,
        "share": "x",
    }


def figures(*areas):
    """`areas`: rows; the total is their sum."""
    total = empty_row()
    for row in areas:
        for measure, cell in row.items():
            for key, value in cell.items():
                if key != "share":
                    total[measure][key] += value
    return {"total": total, "areas": {str(i + 1): row for i, row in enumerate(areas)}}


def test_one_late_case_hides_it_and_the_count_beside_it():
    row = empty_row()
    row["start"] = deadline(5, 1)
    data = figures(row)

    shown = suppress_report("timeliness", data)

    # 1 late is primary; with open at 0 (never hidden) the 5 on time would give it away
    start = shown["areas"]["1"]["start"]
    assert (start["cases"], start["on_time"], start["late"], start["share"]) == (
        6,
        None,
        None,
        None,
    )
    assert shown["total"]["start"]["late"] is None
    assert data["areas"]["1"]["start"]["late"] == 1  # the input is not changed


def test_active_days_over_fewer_than_five_cases_are_hidden():
    row = empty_row()
    row["active_days"] = {"cases": 3, "days": 90, "active_days": 60, "share": "67%"}

    shown = suppress_report("timeliness", figures(row))

    assert shown["areas"]["1"]["active_days"] == {
        "cases": None,
        "days": None,
        "active_days": None,
        "share": None,
    }


def test_team_and_officer_rows_are_dropped():
    data = {**figures(empty_row()), "teams": {"1": empty_row()}, "officers": {"2": empty_row()}}

    shown = suppress_report("timeliness", data)

    assert "teams" not in shown and "officers" not in shown


counts = st.integers(min_value=0, max_value=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=3))
def test_no_small_count_is_shown_and_no_share_without_its_counts(cells):
    rows = []
    for on_time, late, open_ in cells:
        row = empty_row()
        row["follow_up"] = deadline(on_time, late, open_)
        rows.append(row)
    data = figures(*rows)

    shown = suppress_report("timeliness", copy.deepcopy(data))

    blocks = [shown["total"], *shown["areas"].values()]
    for block in blocks:
        cell = block["follow_up"]
        for key in ("cases", "on_time", "late", "open"):
            assert cell[key] is None or not 0 < cell[key] < 5, (key, cell)
        if cell["on_time"] is None or cell["late"] is None:
            assert cell["share"] is None
        # cases = on time + late + open: never exactly one of them hidden
        parts = [cell[k] for k in ("cases", "on_time", "late", "open")]
        assert sum(p is None for p in parts) != 1
