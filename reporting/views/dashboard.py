"""The follow-up dashboard's figures (SPEC §5 "Dashboards"): the newest snapshot version of each
of the last 24 report months of one area (or the nation), each month's plan and goals, the open
deviation reports and the officers behind the caseload.

A region (issue 20 point 2: FK's verksamhetsområde, AF's marknadsområde), or a list of areas the
reader chooses (`ChosenAreas`), has no snapshots of its own: each of its months is the sum of its
active member areas' newest snapshots of that month (reporting.snapshot_sums; every part the
dashboard reads adds up across areas), held like the nation against the sum of the member areas'
plans (reporting.targets.targets_for_areas). A month in which some member area has no snapshot is
a gap, with the areas it lacks named, never the sum of fewer areas; the deviation reports are
the member areas' open ones.

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
from django.utils.translation import gettext as _

from accounts.models import Area, Region
from cases.registration import mix_note, models_in_period
from samverkan.dates import add_months, month_starts

from .. import suppression
from ..computed import region_areas
from ..models import DeviationReport, MonthlySnapshot
from ..selectors import figures_shown_to
from ..snapshot_sums import summed_parts
from ..targets import Target, Targets, targets_for, targets_for_areas

WINDOW_MONTHS = 24
NATION = "riket"  # ?omrade=riket; area codes are slugs of real areas, never this word

# The parts of a snapshot the dashboard reads, with the suppression kind of each.
PARTS = {
    "inflow": "inflow",
    "outcomes": "outcomes",
    "average_days": "average_days",
    "timeliness": "timeliness",
}


@dataclass(frozen=True)
class ChosenAreas:
    """Areas the reader chose to see summed (issue 20 point 2: a group of areas is a region or a
    chosen list), shown as a region is: the board's `region` is this instead of a Region."""

    areas: tuple[Area, ...]

    @property
    def code(self) -> str:
        """For the access log and file names: the areas' codes."""
        return "+".join(area.code for area in self.areas)

    @property
    def name(self) -> str:
        return _("Valda områden")


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
    # A region's month: how many member areas' snapshots are summed (0: not a region's month,
    # or a gap), and the names of the member areas without a snapshot of the month.
    summed_areas: int = 0
    missing_areas: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.day:%Y-%m}"

    @property
    def gap(self) -> bool:
        return self.version is None and not self.summed_areas


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
    # A region's dashboard (area None): the region, or the areas chosen, and its active areas, by
    # name.
    region: Region | ChosenAreas | None = None
    region_areas: list[Area] = field(default_factory=list)

    @property
    def code(self) -> str:
        if self.region is not None:
            return self.region.code
        return self.area.code if self.area else NATION

    @property
    def national(self) -> bool:
        return self.area is None and self.region is None

    @property
    def query(self) -> dict[str, str]:
        """The page's parameters naming what it shows: ?omrade=<code>|riket, ?region=<code>, or
        ?omrade=<code>&omrade=<code>… for areas chosen."""
        if isinstance(self.region, ChosenAreas):
            return {"omrade": [area.code for area in self.region.areas]}
        return {"region": self.code} if self.region is not None else {"omrade": self.code}

    @property
    def chosen(self) -> bool:
        """Areas the reader chose, not a region."""
        return isinstance(self.region, ChosenAreas)

    @property
    def area_ids(self) -> list[int] | None:
        """The areas whose figures the dashboard shows (None: the nation)."""
        if self.region is not None:
            return [area.pk for area in self.region_areas]
        return [self.area.pk] if self.area else None

    def targets(self, months) -> Targets:
        """The plans and goals of `months` for what the dashboard shows (reporting.targets)."""
        return board_targets(area=self.area, region_areas=self.region_areas, months=months)

    @property
    def newest(self) -> Month | None:
        return self.months[-1] if self.months else None

    @property
    def gaps(self) -> list[Month]:
        return [month for month in self.months if month.gap]


def board_targets(*, area: Area | None, region_areas: list[Area], months) -> Targets:
    if region_areas:
        return targets_for_areas(area_ids=[a.pk for a in region_areas], months=months)
    return targets_for(area=area, months=months)


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


def _region_snapshots(areas: list[Area]) -> list[dict]:
    """A region's months as `_snapshots` gives an area's: each month in the 24 up to the newest
    month any member area has stored, the sum of the member areas' newest versions when every
    one of them has one (`summed_areas`), else no figures and the member areas it lacks named
    (`missing_areas`). One query for every area and month."""
    stored = MonthlySnapshot.objects.filter(area__in=areas)
    newest = stored.aggregate(newest=Max("month"))["newest"]
    if newest is None:
        return []
    parts = {f"part_{name}": KeyTransform(name, "figures") for name in PARTS}
    parts["part_caseload"] = KeyTransform("caseload", "figures")
    by_month: dict[dt.date, list[dict]] = {}
    for row in (
        stored.filter(month__gte=add_months(newest, -(WINDOW_MONTHS - 1)))
        .latest_versions()
        .values("area_id", "month", "version", "computed_at", **parts)
    ):
        by_month.setdefault(row["month"], []).append(row)
    result = []
    for month, rows in sorted(by_month.items()):
        present = {row["area_id"] for row in rows}
        summed = {"month": month, "version": None, "computed_at": None}
        if len(present) < len(areas):
            summed["missing_areas"] = tuple(a.name for a in areas if a.pk not in present)
            result.append(summed)
            continue
        summed["summed_areas"] = len(rows)
        summed["computed_at"] = max(row["computed_at"] for row in rows)
        for part in parts:
            summed[part] = summed_parts(part.removeprefix("part_"), [row[part] for row in rows])
        result.append(summed)
    return result


def _open_deviations(user, area_ids: list[int] | None) -> list[DeviationReport]:
    today = timezone.localdate()
    reports = DeviationReport.objects.visible_to(user).open()
    if area_ids is not None:
        reports = reports.filter(area__in=area_ids)
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
    *,
    user,
    area: Area | None,
    window: int = 1,
    until: MonthlySnapshot | None = None,
    region: Region | ChosenAreas | None = None,
) -> Dashboard:
    """Everything the dashboard of `area` (None: the nation) or of `region` (its active areas
    summed; or the areas chosen) shows to `user`, who the caller has already checked may see
    it; with `window` 3 or 12 also the day-365 counts over rolling windows of that many report
    months; with `until` (a snapshot of `area`) the dashboard as it stands for that snapshot's
    month and version, later months left out. A region without active areas raises
    ValidationError (reporting.computed.region_areas)."""

    def shown(kind: str, data):
        return figures_shown_to(user=user, kind=kind, data=data)

    if isinstance(region, ChosenAreas):
        members = list(region.areas)
    else:
        members = region_areas(region) if region is not None else []
    if region is not None:
        area, until = None, None
        members.sort(key=lambda a: a.name)
        stored = {row["month"]: row for row in _region_snapshots(members)}
    else:
        stored = {row["month"]: row for row in _snapshots(area, until)}
    # A region's month without every member area's snapshot has no figures: a gap.
    summed = {day: row for day, row in stored.items() if "part_inflow" in row}
    days = month_starts(min(stored), max(stored)) if stored else []
    targets = board_targets(area=area, region_areas=members, months=days) if days else None
    months = []
    for day in days:
        row = stored.get(day)
        month = Month(day=day, target=targets[day])
        if row is not None:
            month.version = row["version"]
            month.computed_at = row["computed_at"]
            month.summed_areas = row.get("summed_areas", 0)
            month.missing_areas = row.get("missing_areas", ())
        elif members:
            month.missing_areas = tuple(a.name for a in members)
        if day in summed:
            for name, kind in PARTS.items():
                setattr(month, name, shown(kind, row[f"part_{name}"]))
        months.append(month)
    rolling = {}
    if window in suppression.ROLLING_WINDOWS and days:
        rolling = suppression.rolling_share_counts(
            months=days,
            exact={
                d: _goal_counts(summed[d]["part_outcomes"]) if d in summed else None for d in days
            },
            shown={m.day: _goal_counts(m.outcomes) for m in months},
            size=window,
            hide=suppression.hides_small_cells(user),
        )
    # The caseload is the newest month's; a region's newest month without every member area's
    # snapshot has none (the newest month's gap says so).
    newest = summed.get(max(stored)) if stored else None
    caseload = shown("caseload", newest["part_caseload"]) if newest else None
    board = Dashboard(
        window=window if rolling else 1,
        rolling=rolling,
        area=area,
        hide_small_cells=suppression.hides_small_cells(user),
        months=months,
        caseload=caseload,
        deviations=[],
        officers=_officers(caseload),
        national_plan_areas=targets.active_areas if targets else 0,
        region=region,
        region_areas=members,
    )
    board.deviations = _open_deviations(user, board.area_ids)
    if days:
        board.registration_mix = mix_note(
            models_in_period(first=days[0], last=days[-1], area_ids=board.area_ids)
        )
    return board
