"""The demo's steering chain (issue 20): regions, regional managers, the national group, and
this year's plans of two areas submitted, loaded again without change."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Region, StaffProfile
from accounts.scoping import aggregate_area_ids
from demo.steering import plans_submit
from reporting.models import PlanningYear, WorkPlan


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

    for profile_area in vo.areas.all():
        WorkPlan.objects.create(area=profile_area, year=year, planned_inflow=[7] * 12)
    plans_submit(year)
    submitted = WorkPlan.objects.filter(year=year, status=WorkPlan.Status.SUBMITTED)
    assert submitted.count() == 2
    assert all(sum(p.planned_inflow_by_group.values()) == 84 for p in submitted)

    call_command("load_demo", "--without-history", stdout=StringIO())
    assert Region.objects.count() == 2
    assert WorkPlan.objects.filter(year=year, status=WorkPlan.Status.SUBMITTED).count() == 2
