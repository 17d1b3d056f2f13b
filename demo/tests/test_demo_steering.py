"""The demo's steering chain (issue 20): regions, regional managers, the national group, the
history's plans approved within their year's deadline and next year's plans of two areas
submitted in time, loaded again without change."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Region, StaffProfile
from accounts.scoping import aggregate_area_ids
from demo.steering import next_plans_submit, past_plans_approve
from reporting.models import PlanningYear, WorkPlan
from reporting.work_plan_compilation import compile_year


def test_the_demo_has_regions_their_managers_and_the_national_group(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-lösenord-för-test-2026")
    call_command("load_demo", "--without-history", stdout=StringIO())
    vo = Region.objects.get(code="vo-ost-vast")
    assert vo.agency.code == "FK"
    assert sorted(vo.areas.values_list("code", flat=True)) == ["gno", "sdt"]
    manager = StaffProfile.objects.get(user__username="vochef")
    assert {a for a in aggregate_area_ids(manager.user)} == set(
        vo.areas.values_list("pk", flat=True)
    )
    assert StaffProfile.objects.get(user__username="nationella").role.national_steering
    year = timezone.localdate().year
    assert PlanningYear.objects.get(year=year).national_inflow_target == 15000

    assert PlanningYear.objects.get(year=year + 1).national_inflow_target == 15000

    # The history's plans (here: made by hand) of this year and the year before.
    for profile_area in vo.areas.all():
        for planned in (year - 1, year):
            WorkPlan.objects.create(area=profile_area, year=planned, planned_inflow=[7] * 12)
    national = StaffProfile.objects.get(user__username="nationella").user
    past_plans_approve(year, national)
    next_plans_submit(year)
    approved = WorkPlan.objects.filter(status=WorkPlan.Status.APPROVED)
    assert approved.count() == 4
    assert all(sum(p.planned_inflow_by_group.values()) == 84 for p in approved)
    # Approved within the deadline of their year, so this year's compilation lists none late.
    assert all(p.submitted_at.date() <= dt.date(p.year, 2, 12) for p in approved)
    this_year = compile_year(year, today=dt.date(year, 6, 1))
    assert [a.code for a in this_year.missing] == ["ume"]
    assert [row["area"].code for row in this_year.late] == ["ume"]
    waiting = WorkPlan.objects.filter(year=year + 1, status=WorkPlan.Status.SUBMITTED)
    assert sorted(p.area.code for p in waiting) == ["gno", "sdt"]
    assert all(sum(p.planned_inflow) == 84 for p in waiting)
    next_year = compile_year(year + 1, today=timezone.localdate())
    assert next_year.late == [] and len(next_year.waiting) == 2

    call_command("load_demo", "--without-history", stdout=StringIO())
    assert Region.objects.count() == 2
    assert WorkPlan.objects.filter(status=WorkPlan.Status.APPROVED).count() == 4
    assert WorkPlan.objects.filter(year=year + 1, status=WorkPlan.Status.SUBMITTED).count() == 2
