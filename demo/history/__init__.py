"""A synthetic follow-up history for the demo (`load_demo`), so the dashboard has something to
show: three years of participants in each demo area with their cases from the preparation group
to the closing documentation, AF status entries, joint mappings and the officers who hold them;
the areas' work plans; and the monthly snapshots of the last 24 complete months, computed by the
monthly job's own service, which opens deviation reports as it would have.

Why three years: the day-365 figure of a report month is the cohort that started twelve months
earlier (SPEC §5), so 24 report months need 36 months of starts.

The shape is chosen, not left to chance, so the demo tells the same story every time (seeded
generators; dates relative to today): each area has its own inflow, season and mix of people;
the share in work or education on day 365 is set per start cohort for women and for men, who
differ in each area in their own way; Göteborg Nordost's share (of both) drifts below the 40 %
goal for the last five report months and Umeå's inflow falls clearly below its plan for the last
four, so the job opens one deviation report of each kind. Elsewhere women or men may be under
the share goal, or above the average-days goal (230 days), for a month or two, never for as many
months in a row as open a report (the goals hold for each sex, reporting.deviations).

- plan.py: the history planned in memory (and the officers it needs);
- rows.py, mappings.py: the rows, written with bulk_create, each built to pass the checks the
  services would have made."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Area, StaffProfile
from reporting.models import WorkPlan
from reporting.services import work_plan_save
from reporting.snapshots import area_month_run
from samverkan.services import AccessContext

from .plan import PROFILES, History, Profile
from .rows import rows_write

__all__ = ["PROFILES", "history_load", "history_present"]


def history_present(area: Area) -> bool:
    """The history is written in one transaction with the area's second FK officer, so that
    officer says it is there (load_demo only adds what is missing)."""
    return get_user_model().objects.filter(username=f"fk2.{area.code}").exists()


@transaction.atomic
def history_load(*, areas: list[Area], today: dt.date | None = None, stdout=None) -> list[Area]:
    """Write the history of every demo area that lacks it, with its work plans, then run the
    monthly job for the last 24 complete months for those areas and the nation. Returns the
    areas written."""
    wanted = [area for area in areas if area.code in PROFILES and not history_present(area)]
    if not wanted:
        return []
    history = History(today=today or timezone.localdate())
    began = time.monotonic()
    for area in wanted:
        profile = PROFILES[area.code]
        people = [p for month in history.months for p in history.cohort(area, profile, month)]
        history.officers(area, profile, people)
        counts = rows_write(history, profile, area, people)
        work_plans_save(history, area, profile)
        if stdout is not None:
            stdout.write(
                f"Historik för {area.name}: "
                + ", ".join(f"{n} {what}" for what, n in counts.items())
                + "."
            )
    written = time.monotonic()
    snapshots_compute(history, wanted)
    if stdout is not None:
        stdout.write(
            f"Historiken skrevs på {written - began:.1f} s, månadsuppföljningen för "
            f"{len(history.report_months)} månader på {time.monotonic() - written:.1f} s."
        )
    return wanted


def work_plans_save(history: History, area: Area, profile: Profile) -> None:
    """The area's work plan for every year of the history, saved through the service as the
    area's coordinator would: the planned inflow the actual figures were drawn around, the
    staffing the officers make, the goals and tolerance of the rule set."""
    coordinator = (
        StaffProfile.objects.filter(areas=area, role__code="coordinator")
        .select_related("user")
        .first()
    )
    staffing = {
        code: Decimal(StaffProfile.objects.filter(areas=area, role__code=code).count())
        for code in ("fk_officer", "af_officer")
    }
    for year in sorted({month.year for month in history.months}):
        if WorkPlan.objects.filter(area=area, year=year).exists():
            continue  # someone's own plan stays as it is
        planned = [history.planned(profile, dt.date(year, month, 1)) for month in range(1, 13)]
        work_plan_save(
            area=area,
            year=year,
            data={
                "planned_inflow": planned,
                "planned_fk_fte": staffing["fk_officer"],
                "planned_af_fte": staffing["af_officer"],
            },
            expected_version=0,
            context=AccessContext.for_user(coordinator.user),
        )


def snapshots_compute(history: History, areas: list[Area]) -> None:
    """The monthly job (reporting.snapshots.area_month_run, as run_monthly_report calls it) for
    each of the last 24 complete months, oldest first, as it would have run month by month:
    each area's snapshot and deviation check, then the nation's snapshot."""
    for month in history.report_months:
        for area in [*areas, None]:
            area_month_run(area=area, month=month, task_id="load_demo")
