"""The day-365 share over rolling windows of start cohorts (3 or 12 report months added up), as
a reader may see it (SPEC §5 "Dashboards": a small area sees a line instead of suppressed dots).

A window's counts are sums of the months' counts, so beside the months a reader could subtract
one window from the next and find a month's count that the month's own table hides. The windows
are therefore suppressed together with the months, in one table of equations:
- every month's counts for women and men (in work or education, and measured), and every
  window's, each window the sum of its months;
- a month's count shown in the monthly view is `seen` (the reader has it: never a reason to hide
  it here, never chosen); one hidden there is `hidden_elsewhere` (unknown from the start).
What is hidden is then chosen among the windows' counts, and a window whose share cannot be
shown without pinning a small count is hidden whole."""

from __future__ import annotations

import datetime as dt

from .equations import SMALL_CELL, Table, determined, hidden_counts

GROUPS = ("K", "M")
WINDOWS = (3, 12)

Counts = dict[str, tuple[int | None, int | None]]  # group -> (in work or education, measured)


def _add(table: Table, base: tuple, counts: tuple[int, int]) -> None:
    # The others (measured − in work) are not counts of their own here: in the monthly view they
    # are the sum of the other categories, each protected there, and the same holds for a
    # window's.
    in_work, measured = counts
    table.count((*base, "in_work"), in_work)
    table.count((*base, "measured"), measured)


def rolling_share_counts(
    *,
    months: list[dt.date],
    exact: dict[dt.date, Counts | None],
    shown: dict[dt.date, Counts | None],
    size: int,
    hide: bool,
) -> dict[dt.date, Counts | None]:
    """For each report month (oldest first) with `size` months of figures up to it, the sums
    over those months for women and men, as the reader may see them (None: hidden); a month
    without a full window maps to None. `exact`: each month's counts (None for a month without
    a snapshot); `shown`: the same as the monthly view shows them (None where hidden)."""
    windows: dict[dt.date, Counts] = {}
    for i, month in enumerate(months):
        span = months[max(0, i - size + 1) : i + 1]
        if len(span) < size or any(exact.get(m) is None for m in span):
            continue
        windows[month] = {
            group: (
                sum(exact[m][group][0] for m in span),
                sum(exact[m][group][1] for m in span),
            )
            for group in GROUPS
        }
    result: dict[dt.date, Counts | None] = {month: windows.get(month) for month in months}
    if not hide or not windows:
        return result

    table = Table()
    for month in months:
        if exact.get(month) is None:
            continue
        for group in GROUPS:
            base = ("month", month, group)
            _add(table, base, exact[month][group])
            seen = (shown.get(month) or {}).get(group, (None, None))
            for key, value in zip(("in_work", "measured"), seen, strict=True):
                if value is None:
                    table.hidden_elsewhere.add((*base, key))
                else:
                    table.seen.add((*base, key))
    for month, counts in windows.items():
        span = months[months.index(month) - size + 1 : months.index(month) + 1]
        for group in GROUPS:
            base = ("window", month, group)
            _add(table, base, counts[group])
            for key in ("in_work", "measured"):
                table.add_sum((*base, key), [("month", m, group, key) for m in span])
    hidden = hidden_counts(table)
    protect = {key for key, value in table.values.items() if 0 < value < SMALL_CELL}
    unknown = hidden | {key for key in table.derived if table.values[key] > 0}
    if set(determined(unknown, table)) & protect:
        # Only the months' own counts could protect what is pinned, and the reader has them
        # from the monthly view: the windows are not shown at all.
        return {month: None for month in months}
    for month, counts in windows.items():
        result[month] = {
            group: tuple(
                None if ("window", month, group, key) in hidden else value
                for key, value in zip(("in_work", "measured"), counts[group], strict=True)
            )
            for group in GROUPS
        }
    return result
