"""The demo history's average days in samverkan kept within the goal: never three report months
in a row with either sex above it (the deviation check's own test), as the story wants; a third
such month has its longest cases end earlier. A part of demo.history.plan.History."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from reporting.targets import SEXES, sexes_above_days_goal
from samverkan.dates import add_days

if TYPE_CHECKING:
    from accounts.models import Area

    from .plan import Participant


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


class DaysKept:
    """History's methods for the average days (it holds `enders`, `months_above`, `rng`,
    `report_months`, `goals` and `most_in_a_row`)."""

    def days_keep(self, area: Area, month: dt.date) -> None:
        """The average days in samverkan of the women and of the men who ended in `month`, now
        that all of them are known: never above the goal three report months in a row with
        either sex above it (the deviation check, like the share's). A third such month has the
        ends of its longest cases moved earlier until each sex is a little under the goal."""
        if month not in self.report_months:
            return
        goal = self.goals(month.year).goal_average_days
        above = self.months_above.get(area.code, 0)
        if above >= self.most_in_a_row(month):
            for sex in self.days_above(area, month, goal):
                self.days_cut(area, month, sex, goal - self.rng.randint(3, 25))
        off = bool(self.days_above(area, month, goal))
        self.months_above[area.code] = above + 1 if off else 0

    def days_above(self, area: Area, month: dt.date, goal: int) -> tuple[str, ...]:
        """The sexes whose average days of those ending in `month` are above the goal, by the
        deviation check's own test."""
        enders = self.enders.get((area.code, month), [])
        by_sex = {
            sex: (
                sum((p.end - p.start).days for p in enders if p.sex == sex),
                sum(1 for p in enders if p.sex == sex),
            )
            for sex in SEXES
        }
        return sexes_above_days_goal(by_sex, goal).off

    def days_cut(self, area: Area, month: dt.date, sex: str, most: int) -> None:
        """End the longest cases of `sex` ending in `month` earlier until their average days are
        at most `most`: first within the month, then, if that is not enough, in the second half
        of the previous month (a month that was off the goal already, so no new run begins).
        Cases ended when the benefit period ended keep their end unless nothing else is left
        (then they end as completed)."""
        ours = [p for p in self.enders.get((area.code, month), []) if p.sex == sex]

        def excess() -> int:
            return sum((p.end - p.start).days for p in ours) - most * len(ours)

        last = month - dt.timedelta(days=1)  # the previous month's last day
        for benefit in (False, True):
            ps = sorted(
                (p for p in ours if (p.exit_reason == "benefit_ended") == benefit),
                key=lambda p: ((p.end - p.start).days, p.start),
                reverse=True,
            )
            for p in ps:
                cut = min(excess(), (p.end - month).days, (p.end - p.start).days - most)
                if cut > 0:
                    self.end_move(area, p, add_days(p.end, -cut))
            for p in ps:
                if excess() > 0 and (p.end - p.start).days > most:
                    self.end_move(area, p, last.replace(day=self.rng.randint(15, last.day)))
                    ours.remove(p)
            if excess() <= 0:
                return

    def end_move(self, area: Area, p: Participant, end: dt.date) -> None:
        """Move a planned end earlier: the month it is counted in and the phases that no longer
        fit before it (introduction 10 days before the end, work-oriented 20, as planned)."""
        self.enders[(area.code, month_start(p.end))].remove(p)
        p.end = end
        self.enders.setdefault((area.code, month_start(end)), []).append(p)
        if p.exit_reason == "benefit_ended":
            p.exit_reason = "completed"
        if p.intro and p.intro >= add_days(end, -10):
            p.intro = p.oriented = None
        elif p.oriented and p.oriented >= add_days(end, -20):
            p.oriented = None
