"""Regions (issue 20 point 2): FK's verksamhetsområden and AF's marknadsområden as groups of
areas, and the regional manager who sees the aggregates, work plans and deviation reports of
the areas of their regions through the one scoping mechanism (accounts.scoping) and nothing of
any other area."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Agency, Region
from accounts.scoping import aggregate_area_ids, scope_for
from accounts.tests.factories import AreaFactory, staff
from reporting.models import DeviationReport, WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(area):
    region = Region.objects.create(
        agency=Agency.objects.get(code="FK"), code="vo-sthlm", name="VO Stockholm"
    )
    region.areas.set([area, AreaFactory(code="nacka", name="Nacka")])
    return region


@pytest.fixture
def regional_manager(region):
    return staff("fk_regional_manager", regions=[region], username="vo.chef")


def _report(area):
    return DeviationReport.objects.create(
        area=area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=dt.date(2026, 2, 1),
        opened_for=dt.date(2026, 4, 1),
        figures={"months": []},
    )


def test_a_regional_manager_sees_the_aggregates_of_the_regions_areas_only(
    regional_manager, region, other_area
):
    inactive = AreaFactory(code="gammal", name="Gammalt", is_active=False)
    region.areas.add(inactive)
    scope = scope_for(regional_manager)
    assert scope.regional_manager and scope.region_ids == {region.pk}
    assert scope.area_ids == frozenset()  # no area of their own, no case access
    assert aggregate_area_ids(regional_manager) == {
        a.pk for a in region.areas.exclude(pk=inactive.pk)
    }
    assert other_area.pk not in aggregate_area_ids(regional_manager)
    assert not scope.case_access


def test_an_inactive_region_gives_its_manager_nothing(regional_manager, region):
    region.is_active = False
    region.save()
    assert aggregate_area_ids(regional_manager) == frozenset()


def test_a_regional_manager_reads_the_regions_deviation_reports_and_plans_not_others(
    login, regional_manager, area, other_area
):
    mine, theirs = _report(area), _report(other_area)
    plan_mine = WorkPlan.objects.create(area=area, year=2026)
    plan_theirs = WorkPlan.objects.create(area=other_area, year=2026)
    client = login(regional_manager)

    listed = client.get(reverse("reporting:deviation_list"))
    assert listed.status_code == 200
    assert [row["report"] for row in listed.context["rows"]] == [mine]
    assert client.get(reverse("reporting:deviation_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reporting:deviation_detail", args=[theirs.pk])).status_code == 404

    plans = client.get(reverse("reporting:work_plan_list"))
    shown = [row["plan"] for row in plans.context["rows"]]
    assert shown == [plan_mine] and plan_theirs not in shown

    api = client.get(reverse("api:deviation-report-detail", args=[theirs.pk]))
    assert api.status_code == 404
    api_list = client.get(reverse("api:work-plan-list"))
    assert [row["id"] for row in api_list.json()["results"]] == [plan_mine.pk]


def test_a_regional_manager_may_not_work_on_a_report_as_the_local_group(
    login, regional_manager, area
):
    report = _report(area)
    client = login(regional_manager)
    response = client.post(reverse("reporting:deviation_edit", args=[report.pk]), {})
    assert response.status_code == 404
    assert DeviationReport.objects.get(pk=report.pk).version == 1


def test_the_report_page_sums_a_chosen_region(login, regional_manager, region, other_area):
    client = login(regional_manager)
    page = client.get(reverse("reporting:report", args=["status-dag-365"]), {"region": region.code})
    assert page.status_code == 200, page.content[:500]
    assert page.context["place"] == "VO Stockholm"
    # another region (not theirs) is no choice: the form says so, nothing is computed
    other = Region.objects.create(agency=Agency.objects.get(code="FK"), code="vo-n", name="VO N")
    other.areas.set([other_area])
    refused = client.get(reverse("reporting:report", args=["status-dag-365"]), {"region": "vo-n"})
    assert refused.status_code == 200 and "tables" not in refused.context
    # nor can an area outside the regions be asked for by code
    outside = client.get(reverse("reporting:report", args=["status-dag-365"]), {"omrade": "ume"})
    assert outside.status_code == 404


def test_a_local_manager_is_offered_no_region(login, management, region):
    page = login(management).get(reverse("reporting:report", args=["status-dag-365"]))
    assert "region" not in page.context["form"].fields
