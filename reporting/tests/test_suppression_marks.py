"""How hidden counts are marked (reporting.suppression.marks): "<5" for a small count and
"dolt" for one hidden to protect it, and "dolt" for a small count too where "<5" and the sums
together would pin one."""

from reporting.suppression import Table, hidden_counts
from reporting.suppression.marks import HIDDEN, SMALL, hidden_marks


def row(total: int, **members: int) -> Table:
    table = Table()
    table.count(("total",), total)
    for key, value in members.items():
        table.count((key,), value)
    table.add_sum(("total",), [(key,) for key in members])
    return table


def test_a_small_count_and_the_one_protecting_it_are_marked_apart():
    # 3 + 10 = 13: "<5" and "dolt" (at least 1) leave the 3 anywhere in 1…4.
    table = row(13, women=3, men=10)
    hidden = hidden_counts(table)
    assert hidden == {("women",), ("men",)}
    assert hidden_marks(table, hidden) == {("women",): SMALL, ("men",): HIDDEN}


def test_dolt_says_no_size_so_it_pins_nothing():
    # 1 + 5 = 6: were "dolt" "at least 5", 1 and 5 would follow; it says only "hidden".
    table = row(6, women=1, men=5)
    hidden = hidden_counts(table)
    assert hidden == {("women",), ("men",)}
    assert hidden_marks(table, hidden) == {("women",): SMALL, ("men",): HIDDEN}


def test_two_small_counts_whose_total_only_four_and_four_make():
    # 4 + 4 = 8 with both "<5": at most 4 each, so 4 and 4. The sums alone leave them free (the
    # suppression's own check), the marks would not.
    table = row(8, women=4, men=4)
    hidden = hidden_counts(table)
    assert hidden == {("women",), ("men",)}
    assert hidden_marks(table, hidden) == {("women",): HIDDEN, ("men",): HIDDEN}


def test_small_counts_with_room_keep_their_mark():
    # 2 + 3 + 9 = 14 hidden as two "<5" and a "dolt": the 2 and the 3 can each still move.
    table = row(14, a=2, b=3, c=9)
    hidden = hidden_counts(table)
    marks = hidden_marks(table, hidden)
    assert marks[("a",)] == SMALL and marks[("b",)] == SMALL
    assert all(marks[key] == HIDDEN for key in hidden - {("a",), ("b",)})


def test_a_new_snapshot_is_suppressed_once_for_every_reader(
    area, django_capture_on_commit_callbacks, monkeypatch
):
    import datetime as dt

    from reporting.metrics import month_figures
    from reporting.models import MonthlySnapshot
    from reporting.snapshots import _store
    from reporting.suppression import equations, marks, suppress_report
    from reporting.tests.test_metrics_given import case, person

    # a month with three new women: small counts to hide
    for _ in range(3):
        case(person=person(area=area, sex="K"), start=dt.date(2025, 3, 10))
    figures = month_figures(month=dt.date(2025, 3, 1), area_ids=[area.pk])
    # the worker that warms the new snapshot: nothing in its memory either (an earlier test in
    # this process may have worked out the same tables, and then the warm would only have read
    # them from there)
    monkeypatch.setattr(equations, "_answers", {})
    monkeypatch.setattr(marks, "_kept", {})
    with django_capture_on_commit_callbacks(execute=True):
        snapshot, created = _store(
            area_id=area.pk, month=dt.date(2025, 3, 1), figures=figures, task_id=""
        )
    assert created
    stored = MonthlySnapshot.objects.get(pk=snapshot.pk).figures

    # another process: nothing kept in its memory, and it must not work anything out again
    monkeypatch.setattr(equations, "_answers", {})
    monkeypatch.setattr(marks, "_kept", {})

    def no_work(*args, **kwargs):
        raise AssertionError("worked out again")

    monkeypatch.setattr(equations, "_rule_based", no_work)
    monkeypatch.setattr(marks, "_marks", no_work)
    shown = suppress_report("inflow", stored["inflow"])
    assert shown["period"]["K"]["count"] is None
    assert shown["period"]["K"]["hidden_as"]["count"] == SMALL


def test_the_caseload_and_the_crossed_mappings_say_how_they_are_marked():
    from reporting.suppression import suppress_report

    caseload = suppress_report(
        "caseload",
        {
            "open_cases": 15,
            "fk": {"11": 3, "12": 12},
            "af": {"21": 15},
            "without_fk_officer": 0,
            "without_af_officer": 0,
        },
    )
    assert caseload["fk"] == {"11": None, "12": None}
    assert caseload["hidden_as"] == {"fk:11": SMALL, "fk:12": HIDDEN}

    crossed = suppress_report(
        "mappings",
        {
            "levels": {},
            "rows": {
                "total": {"total": {"count": 20, "share": "100%"}},
                "benefit": {"sjukpenning": {"count": 20, "share": "100%"}},
                "initiated_by": {
                    "FK": {"count": 17, "share": "85%"},
                    "AF": {"count": 3, "share": "15%"},
                },
            },
            "crossed": {"sjukpenning": {"FK": 17, "AF": 3}},
        },
    )
    assert crossed["crossed"]["sjukpenning"] == {"FK": None, "AF": None}
    assert crossed["hidden_as"]["crossed:sjukpenning:AF"] == SMALL
