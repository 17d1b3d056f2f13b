"""The day-365 share over rolling windows of report months (reporting.suppression.rolling): the
windows' sums as a reader may see them, suppressed together with the months so that subtracting
one window from the next never gives away a count the monthly view hides. Checked against a
reader who tries every possible value, not against the engine's own algebra."""

import datetime as dt
import itertools

import pytest

from reporting.suppression.rolling import rolling_share_counts

MONTHS = [dt.date(2026, m, 1) for m in range(1, 7)]


def counts(k_in, k_measured, m_in=20, m_measured=40):
    return {"K": (k_in, k_measured), "M": (m_in, m_measured)}


def test_without_suppression_the_windows_are_the_exact_sums():
    exact = {m: counts(i + 5, 20) for i, m in enumerate(MONTHS)}

    windows = rolling_share_counts(months=MONTHS, exact=exact, shown=exact, size=3, hide=False)

    assert windows[MONTHS[0]] is None and windows[MONTHS[1]] is None  # no full window yet
    assert windows[MONTHS[2]]["K"] == (5 + 6 + 7, 60)
    assert windows[MONTHS[5]]["M"] == (60, 120)


def test_a_month_without_figures_leaves_its_windows_out():
    exact = {m: counts(10, 20) for m in MONTHS}
    exact[MONTHS[3]] = None

    windows = rolling_share_counts(months=MONTHS, exact=exact, shown=exact, size=3, hide=False)

    assert [windows[m] is None for m in MONTHS] == [True, True, False, True, True, True]


def _reader_values(exact, shown, windows, month, group, months=MONTHS, most=30):
    """Every value of the hidden count (month, group, in work) that agrees with everything the
    reader sees: the monthly view's shown counts and the windows' shown sums, every hidden
    count being 1 or more. Hidden counts are tried from 1 to `most`."""
    hidden = [
        (m, g)
        for m in months
        for g in ("K", "M")
        if exact[m] is not None and shown[m][g][0] is None
    ]
    possible = set()
    for guess in itertools.product(range(1, most + 1), repeat=len(hidden)):
        values = {m: {g: exact[m][g][0] for g in ("K", "M")} for m in months}
        for (m, g), value in zip(hidden, guess, strict=True):
            values[m][g] = value
        consistent = all(
            window is None
            or window[g][0] is None
            or window[g][0] == sum(values[x][g] for x in months[i - 2 : i + 1])
            for i, (m, window) in enumerate(windows.items())
            for g in ("K", "M")
        )
        if consistent:
            possible.add(values[month][group])
    return possible


@pytest.mark.parametrize("hidden_month", [3, 4, 5])
def test_subtracting_windows_never_gives_away_a_hidden_month(hidden_month):
    # Women in work: shown every month but one, where the monthly view hides a count of 2.
    exact = {m: counts(10 + i, 30) for i, m in enumerate(MONTHS)}
    exact[MONTHS[hidden_month]] = counts(2, 30)
    shown = {m: {"K": exact[m]["K"], "M": exact[m]["M"]} for m in MONTHS}
    shown[MONTHS[hidden_month]] = {"K": (None, 30), "M": exact[MONTHS[hidden_month]]["M"]}

    windows = rolling_share_counts(months=MONTHS, exact=exact, shown=shown, size=3, hide=True)

    # Without suppression the windows ending in months 2 and 3 differ by month 3 − month 0.
    possible = _reader_values(exact, shown, windows, MONTHS[hidden_month], "K")
    assert 2 in possible and len(possible) > 1
    # The men's sums, which hide nothing, are shown.
    assert all(windows[m]["M"] == (60, 120) for m in MONTHS[2:] if windows[m] is not None)


def test_windows_of_hidden_months_are_shown_when_that_pins_nothing():
    # Every month's count of women in work hidden (the small area): the windows are what the
    # reader gets instead.
    months = MONTHS[:4]
    exact = {m: counts(3, 12) for m in months}
    shown = {m: {"K": (None, 12), "M": exact[m]["M"]} for m in months}

    windows = rolling_share_counts(months=months, exact=exact, shown=shown, size=3, hide=True)

    shown_sums = [windows[m]["K"][0] for m in months[2:] if windows[m] is not None]
    assert 9 in shown_sums  # a line instead of dots
    for month in months:
        assert len(_reader_values(exact, shown, windows, month, "K", months, most=9)) > 1
