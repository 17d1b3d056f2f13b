"""The funds follow-up (issue 21, items 3–4) as set-based SQL: each figure is a SUM or COUNT in
PostgreSQL over the rows asked for, explained here and checked in funds/tests against sums made
by hand.

Definitions:
- **period**: whole months (reporting.computed.Period); **areas**: reporting.computed.ReportAreas
  (None: the nation). An agency's consumption is the sum of `Consumption.amount` of its
  categories, in the areas, for months in the period.
- **purchased interventions** (AF, programme): the sum of `Intervention.cost` of interventions
  bought from another actor (provider `purchased`) that started in a month of the period, in the
  areas (the case's current area, as every metric counts a case). Shown as their own programme
  row of AF's table, so a financial system's file is never counted twice.
- **allocation**: the sum of `Allocation.amount` for the year of the period's last month; for
  the nation every allocation (with an area or not), for areas only those of the areas (an
  allocation without area belongs to no area).
- **share of the year's allocation used**: the consumption from January of that year through the
  period's last month ÷ the year's allocation; **share of the year gone**: those months ÷ 12.
- **cost per new participant**: the period's consumption ÷ the new participants of the period
  (reporting.metrics.inflow, SPEC §5 "Inflow"); **cost per participant in work or education at
  day 365**: ÷ those of reporting.metrics.outcomes (the cohort twelve months earlier, Tabell 3).
  Not the same people as the money's months, as in the published follow-up: a ratio to read
  over a year. A count of 1–4 is hidden for readers without case access (the cost would give it
  away: reporting.suppression.hides_small_cells).
- **staffing need from the norms**: per month, the active participants on its last day (the
  caseload's definition, reporting.metrics.caseload_on) ÷ the rule set's norm (RuleSet.norm_af,
  norm_fk: 40 and 70 in the 2010 plan), beside the work plans' planned staffing for that year
  (WorkPlan.planned_af_fte, planned_fk_fte) and the officers' recorded working time (the sum of
  StaffProfile.working_time_share of the active officers of each agency in the areas, today's
  profiles: the product keeps no history of them); the administrative cost it implies is the
  need × the year's FteCost ÷ 12."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import Agency, StaffProfile
from mapping.models import Intervention
from reporting import metrics
from reporting.computed import Period, ReportAreas
from reporting.metrics.base import in_areas, in_months, last_day
from reporting.models import WorkPlan
from reporting.suppression import SMALL_CELL, hides_small_cells
from samverkan.dates import add_months

from .models import ActivityCategory, Allocation, Consumption, FteCost

AGENCIES = ("FK", "AF")
ADMINISTRATION = ActivityCategory.Kind.ADMINISTRATION
PROGRAMME = ActivityCategory.Kind.PROGRAMME
# The row of AF's table holding the purchased interventions' costs (not a category).
PURCHASED = "kopta-insatser"
ZERO = Decimal("0.00")
ONE_DECIMAL = Decimal("0.1")


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def tkr(value) -> int:
    """Kronor as whole thousands, halves up, as the published tables print them."""
    return int((Decimal(value) / 1000).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _share(part: Decimal, whole: Decimal) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")))


def _sums(queryset, months) -> dict[int, Decimal]:
    """Consumption per category id for `months`: one grouped query."""
    rows = (
        queryset.filter(in_months("month", months))
        .values("category_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["category_id"]: row["total"] for row in rows}


def _purchased(area_ids, months) -> Decimal:
    interventions = in_areas(
        Intervention.objects.filter(provider=Intervention.Provider.PURCHASED, cost__isnull=False),
        area_ids,
        "case__area_id",
    ).filter(in_months("start_date", months))
    return interventions.aggregate(total=Sum("cost"))["total"] or ZERO


def _allocated(area_ids, year: int) -> dict[int, Decimal]:
    allocations = Allocation.objects.filter(year=year)
    if area_ids is not None:
        allocations = allocations.filter(area_id__in=area_ids)
    rows = allocations.values("category_id").annotate(total=Sum("amount")).order_by()
    return {row["category_id"]: row["total"] for row in rows}


def _per(amount: Decimal, count: int | None, hide: bool) -> dict:
    """Kronor per person: None with `hidden` when the count is small and must not be told."""
    if count is not None and hide and 0 < count < SMALL_CELL:
        return {"amount": None, "hidden": True}
    if not count:
        return {"amount": None, "hidden": False}
    return {"amount": _money(Decimal(amount) / count), "hidden": False}


def follow_up(*, period: Period, areas: ReportAreas, user) -> dict:
    """The consumption against the allocation by agency and activity for the period and areas
    (plain JSON: amounts as strings of kronor with öre, shares as fractions)."""
    months = period.months
    year = period.last.year
    year_months = [dt.date(year, 1, 1)]
    while year_months[-1] < period.last:
        year_months.append(add_months(year_months[-1], 1))
    area_ids = areas.area_ids
    consumption = Consumption.objects.in_areas(area_ids)
    in_period = _sums(consumption, months)
    in_year = _sums(consumption, year_months)
    allocated = _allocated(area_ids, year)
    used = set(in_period) | set(in_year) | set(allocated)
    categories = [
        c for c in ActivityCategory.objects.select_related("agency") if c.is_active or c.pk in used
    ]
    purchased_period = _purchased(area_ids, months)
    purchased_year = _purchased(area_ids, year_months)
    agencies = dict(Agency.objects.values_list("code", "name"))

    hide = hides_small_cells(user)
    new_participants = metrics.inflow(months=months, area_ids=area_ids)["period"]["all"]["count"]
    outcome_rows = metrics.outcomes(months=months, area_ids=area_ids)["rows"]["total"]
    total_row = outcome_rows.get("total") or {"counts": {}}
    in_work = total_row["counts"].get("work_or_education", 0)

    blocks = []
    for code in AGENCIES:
        rows = [
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "consumed": _money(in_period.get(c.pk)),
                "allocated": _money(allocated.get(c.pk)),
                "consumed_year": _money(in_year.get(c.pk)),
            }
            for c in categories
            if c.agency.code == code
        ]
        if code == "AF" and (purchased_period or purchased_year):
            rows.append(
                {
                    "code": PURCHASED,
                    "name": str(_("Köpta insatser (kostnad registrerad på insatsen)")),
                    "kind": PROGRAMME.value,
                    "consumed": _money(purchased_period),
                    "allocated": _money(ZERO),
                    "consumed_year": _money(purchased_year),
                }
            )
        blocks.append(_agency_block(code, agencies.get(code, code), rows))
        blocks[-1]["cost_per_new_participant"] = _per(
            Decimal(blocks[-1]["total"]["consumed"]), new_participants, hide
        )
        blocks[-1]["cost_per_work_or_education"] = _per(
            Decimal(blocks[-1]["total"]["consumed"]), in_work, hide
        )
    both = {
        key: _money(sum(Decimal(b["total"][key]) for b in blocks))
        for key in ("consumed", "allocated", "consumed_year")
    }
    return {
        "year": year,
        "months_of_year": len(year_months),
        "share_of_year_gone": round(len(year_months) / 12, 4),
        "agencies": blocks,
        "total": {
            **both,
            "share_used": _share(Decimal(both["consumed_year"]), Decimal(both["allocated"])),
            "cost_per_new_participant": _per(Decimal(both["consumed"]), new_participants, hide),
            "cost_per_work_or_education": _per(Decimal(both["consumed"]), in_work, hide),
        },
    }


def _agency_block(code: str, name: str, rows: list[dict]) -> dict:
    def total(kind=None) -> dict:
        chosen = [row for row in rows if kind is None or row["kind"] == kind]
        return {
            key: _money(sum(Decimal(row[key]) for row in chosen))
            for key in ("consumed", "allocated", "consumed_year")
        }

    whole = total()
    return {
        "agency": code,
        "name": name,
        "rows": rows,
        "total": whole,
        "administration": total(ADMINISTRATION),
        "programme": total(PROGRAMME),
        "share_used": _share(Decimal(whole["consumed_year"]), Decimal(whole["allocated"])),
    }


# --- staffing -------------------------------------------------------------------------------


def _fte(value: Decimal) -> str:
    return str(Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def staffing(*, period: Period, areas: ReportAreas, user) -> dict:
    """Per month of the period: the active participants, the FTEs the norms call for per agency,
    the planned and the recorded staffing and the cost the need implies (module docstring)."""
    area_ids = areas.area_ids
    hide = hides_small_cells(user)
    officers = StaffProfile.objects.filter(role__is_officer=True, user__is_active=True)
    if area_ids is not None:
        officers = StaffProfile.objects.filter(
            pk__in=officers.filter(areas__in=area_ids).values("pk")
        )
    recorded = {
        row["agency__code"]: row["share"]
        for row in officers.values("agency__code")
        .annotate(share=Sum("working_time_share"))
        .order_by()
    }
    years = sorted({month.year for month in period.months})
    plans = WorkPlan.objects.filter(year__in=years)
    if area_ids is not None:
        plans = plans.filter(area_id__in=area_ids)
    planned = {
        row["year"]: row
        for row in plans.values("year")
        .annotate(fk=Sum("planned_fk_fte"), af=Sum("planned_af_fte"))
        .order_by()
    }
    costs = {
        (year, code): cost
        for year, code, cost in FteCost.objects.filter(year__in=years).values_list(
            "year", "agency__code", "cost_per_fte"
        )
    }
    months = []
    for month in period.months:
        caseload = metrics.caseload_on(day=last_day([month]), area_ids=area_ids)
        active = caseload["open_cases"]
        hidden = hide and 0 < active < SMALL_CELL
        row = {"month": f"{month:%Y-%m}", "active": None if hidden else active, "hidden": hidden}
        cost_total: Decimal | None = ZERO
        for code, norm_key, plan_key in (("FK", "norm_fk", "fk"), ("AF", "norm_af", "af")):
            norm = caseload[norm_key]
            need = Decimal(active) / norm if norm else ZERO
            cost = costs.get((month.year, code))
            monthly = None if cost is None else (need * cost / 12).quantize(Decimal("0.01"))
            cost_total = None if monthly is None or cost_total is None else cost_total + monthly
            row[code.lower()] = {
                "norm": norm,
                "need": None if hidden else _fte(need),
                "planned": _fte((planned.get(month.year) or {}).get(plan_key) or 0),
                "recorded": _fte(recorded.get(code) or 0),
                "cost": None if hidden or monthly is None else _money(monthly),
            }
        row["cost"] = None if hidden or cost_total is None else _money(cost_total)
        months.append(row)
    return {"months": months}
