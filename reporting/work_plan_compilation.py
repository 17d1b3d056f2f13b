"""The national compilation of the areas' work plans for a year (issue 20; handlingsplan 2010:
"En sammanställning av alla arbetsplaner görs för att säkerställa inflödet av minst 15 000
deltagare"): the approved plans' planned inflow summed, in total and per target group, against
the national target of the year (reporting.models.PlanningYear), and the areas whose plan is
missing, not yet approved, or late against the year's deadline.

The sums are one aggregate query each: the year's inflow of a plan is the sum of its twelve
months (unnest of the array), a target group's the plan's figure for the group (0 when the plan
plans none)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import IntegerField, Sum
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from accounts.models import Area
from cases.models import TargetGroup

from .models import PlanningYear, WorkPlan

YEAR_TOTAL = RawSQL(
    "(SELECT COALESCE(SUM(month), 0) FROM unnest(reporting_workplan.planned_inflow) AS month)",
    [],
    output_field=IntegerField(),
)


@dataclass
class Compilation:
    year: int
    planning: PlanningYear | None
    approved_total: int = 0
    by_group: list[dict] = field(default_factory=list)
    missing: list[Area] = field(default_factory=list)  # no plan, or never submitted
    waiting: list[WorkPlan] = field(default_factory=list)  # submitted, no decision yet
    returned: list[WorkPlan] = field(default_factory=list)
    late: list[dict] = field(default_factory=list)  # area, plan or None, submitted date
    approved_count: int = 0
    active_areas: int = 0

    @property
    def shortfall(self) -> int | None:
        if self.planning is None:
            return None
        return max(self.planning.national_inflow_target - self.approved_total, 0)


def compile_year(year: int, *, today: dt.date) -> Compilation:
    planning = PlanningYear.objects.filter(year=year).first()
    approved = WorkPlan.objects.filter(
        year=year, status=WorkPlan.Status.APPROVED, area__is_active=True
    )
    sums = approved.aggregate(
        total=Coalesce(Sum(YEAR_TOTAL), 0),
        **{
            code: Coalesce(Sum(Cast(KT(f"planned_inflow_by_group__{code}"), IntegerField())), 0)
            for code in TargetGroup.values
        },
    )
    targets = planning.inflow_target_by_group if planning else {}
    result = Compilation(year=year, planning=planning, approved_total=sums["total"])
    result.by_group = [
        {"label": label, "approved": sums[code], "target": targets.get(code)}
        for code, label in TargetGroup.choices
    ]
    areas = list(Area.objects.filter(is_active=True).order_by("name"))
    result.active_areas = len(areas)
    plans = {
        plan.area_id: plan
        for plan in WorkPlan.objects.filter(year=year, area__is_active=True).select_related("area")
    }
    deadline = planning.submission_deadline if planning else None
    for area in areas:
        plan = plans.get(area.pk)
        if plan is None or plan.submitted_at is None:
            result.missing.append(area)
        elif plan.status == WorkPlan.Status.SUBMITTED:
            result.waiting.append(plan)
        elif plan.status == WorkPlan.Status.RETURNED:
            result.returned.append(plan)
        else:
            result.approved_count += 1
        if (plan is None and deadline is not None and today > deadline) or (
            plan is not None and plan.is_late(deadline, today)
        ):
            result.late.append({"area": area, "plan": plan})
    return result
