"""The follow-up dashboard's figures (SPEC §5 "Dashboards"): the newest snapshot version of each
of the last 24 report months of one area (or the nation), each month's plan and goals, the open
deviation reports and the officers behind the caseload.

Read from the stored snapshots only, never recomputed, so the dashboard shows the figures the
monthly job published and says which version (ADR 0009). A fixed number of queries whatever the
number of months: the snapshots in one query (the JSON parts the dashboard uses, not the whole
figures), the plans, rule sets, deviations and officers in one each.

Each month is held against reporting.targets (the inflow against the plan of the month's year,
the day-365 share against the goal of the cohort's start year).

Small cells: for roles without case access (reporting.suppression.hides_small_cells) each
month's figures go through reporting.suppression before anything reads them (SPEC §5, §7), so
no table, chart, alt text or CSV can show a hidden count or a figure computed from one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from accounts.models import Area
from cases.registration import mix_note, models_in_period
from samverkan.dates import add_months

from .. import suppression
from ..models import DeviationReport, MonthlySnapshot
from ..selectors import figures_shown_to
from ..targets import Target, targets_for

WINDOW_MONTHS = 24
NATION = "riket"  # ?omrade=riket; area codes are slugs of real areas, never this word

# The parts of a snapshot the dashboard reads, with the suppression kind of each.
PARTS = {
    "inflow": "inflow",
    "outcomes": "outcomes",
    "average_days": "average_days",
    "timeliness": "timeliness",
}


@dataclass
class Month:
    day: dt.date
    version: int | None = None  # None: no snapshot for the month (a gap)
    computed_at: dt.datetime | None = None
    inflow: dict | None = None  # suppressed metrics results, as reporting.metrics returns them
    outcomes: dict | None = None
    average_days: dict | None = None
    timeliness: dict | None = None  # None too in snapshots made before it was measured
    target: Target = field(default_factory=Target)

    @property
    def label(self) -> str:
        return f"{self.day:%Y-%m}"

    @property
    def gap(self) -> bool:
        return self.version is None


@dataclass
class Dashboard:
    area: Area | None  # None: the nation
    hide_small_cells: bool
    months: list[Month]  # oldest first, gaps included
    caseload: dict | None  # the newest month's, suppressed
    deviations: list[DeviationReport]
    officers: dict[str, object]  # user id (as in the snapshot) -> user, with staff_profile
    national_plan_areas: int = 0  # active areas (the national plan needs all of their plans)
    # The day-365 counts of women and men over rolling windows of `window` report months
    # (reporting.suppression.rolling), when asked for: {month: {group: (in work, measured)}}.
    window: int = 1
    rolling: dict = field(default_factory=dict)
    # The notice when the months shown mix the two registration models (cases.registration).
    registration_mix: str = ""

    @property
    def code(self) -> str:
        return self.area.code if self.area else NATION

    @property
    def newest(self) -> Month | None:
        return self.months[-1] if self.months else None

    @property
    def gaps(self) -> list[Month]:
        return [month for month in self.months if month.gap]


def _stored(area: Area | None):
    return MonthlySnapshot.objects.filter(**({"area": area} if area else {"area__isnull": True}))


def _snapshots(area: Area | None, until: MonthlySnapshot | None = None) -> list[dict]:
    """The newest version of each month in the 24 months up to the newest month stored; with
    `until`, up to that snapshot's month, which is shown at that snapshot's version (the
    printed monthly report, reporting.monthly_report: the version it was ordered from)."""
    stored = _stored(area)
    if until is not None:
        stored = stored.filter(month__lte=until.month).exclude(
            Q(month=until.month) & ~Q(version=until.version)
        )
    newest = stored.aggregate(newest=Max("month"))["newest"]
    if newest is None:
        return []
    parts = {f"part_{name}": KeyTransform(name, "figures") for name in PARTS}
    parts["part_caseload"] = KeyTransform("caseload", "figures")
    return list(
        stored.filter(month__gte=add_months(newest, -(WINDOW_MONTHS - 1)))
        .latest_versions()
        .values("month", "version", "computed_at", **parts)
    )


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, day = [], first
    while day <= last:
        months.append(day)
        day = add_months(day, 1)
    return months


def _open_deviations(user, area: Area | None) -> list[DeviationReport]:
    today = timezone.localdate()
    reports = DeviationReport.objects.visible_to(user).open()
    if area is not None:
        reports = reports.filter(area=area)
    return list(
        reports.select_related("area")
        .annotate(
            overdue_count=Count(
                "actions", filter=Q(actions__done_on__isnull=True, actions__due_on__lt=today)
            )
        )
        .order_by("-opened_for", "area__name", "kind")
    )


def _officers(caseload: dict | None) -> dict[str, object]:
    if not caseload:
        return {}
    ids = {key for agency in ("fk", "af") for key in (caseload.get(agency) or {})}
    ids = [int(key) for key in ids if str(key).isdigit()]
    users = get_user_model().objects.filter(pk__in=ids).select_related("staff_profile")
    return {str(user.pk): user for user in users}


def _goal_counts(outcomes: dict | None) -> dict | None:
    """(in work or education, measured) of women and men in a month's day-365 figures."""
    if not outcomes:
        return None
    rows = outcomes.get("rows", {}).get("sex", {})
    return {
        group: (
            rows.get(group, {}).get("counts", {}).get("work_or_education"),
            rows.get(group, {}).get("total"),
        )
        for group in ("K", "M")
    }


def dashboard_load(
    *, user, area: Area | None, window: int = 1, until: MonthlySnapshot | None = None
) -> Dashboard:
    """Everything the dashboard of `area` (None: the nation) shows to `user`, who the caller
    has already checked may see it; with `window` 3 or 12 also the day-365 counts over rolling
    windows of that many report months; with `until` (a snapshot of `area`) the dashboard as
    it stands for that snapshot's month and version, later months left out."""

    def shown(kind: str, data):
        return figures_shown_to(user=user, kind=kind, data=data)

    stored = {row["month"]: row for row in _snapshots(area, until)}
    days = _months_between(min(stored), max(stored)) if stored else []
    targets = targets_for(area=area, months=days) if days else None
    months = []
    for day in days:
        row = stored.get(day)
        month = Month(day=day, target=targets[day])
        if row is not None:
            month.version = row["version"]
            month.computed_at = row["computed_at"]
            for name, kind in PARTS.items():
                setattr(month, name, shown(kind, row[f"part_{name}"]))
        months.append(month)
    rolling = {}
    if window in suppression.ROLLING_WINDOWS and days:
        rolling = suppression.rolling_share_counts(
            months=days,
            exact={
                d: _goal_counts(stored[d]["part_outcomes"]) if d in stored else None for d in days
            },
            shown={m.day: _goal_counts(m.outcomes) for m in months},
            size=window,
            hide=suppression.hides_small_cells(user),
        )
    newest = stored[max(stored)] if stored else None
    caseload = shown("caseload", newest["part_caseload"]) if newest else None
    return Dashboard(
        window=window if rolling else 1,
        rolling=rolling,
        area=area,
        hide_small_cells=suppression.hides_small_cells(user),
        months=months,
        caseload=caseload,
        deviations=_open_deviations(user, area),
        officers=_officers(caseload),
        national_plan_areas=targets.active_areas if targets else 0,
        registration_mix=(
            mix_note(
                models_in_period(
                    first=days[0], last=days[-1], area_ids=None if area is None else [area.pk]
                )
            )
            if days
            else ""
        ),
    )
