"""The steering chain above the areas in the demo (issue 20): an FK verksamhetsområde and an AF
marknadsområde holding Södertörn and Göteborg Nordost (Umeå is outside both), their regional
managers, the national samverkansgrupp, the year's deadline and national target, and this
year's plans of the two areas submitted, so the national group can return one and approve the
other. Idempotent: what exists, or what someone has changed, is left as it is."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Agency, Area, Region, StaffProfile
from reporting.models import PlanningYear, WorkPlan
from reporting.services import work_plan_save, work_plan_submit
from samverkan.services import AccessContext

REGIONS = [
    ("FK", "vo-ost-vast", "Verksamhetsområde Öst och Väst", ("sdt", "gno")),
    ("AF", "mo-ost-vast", "Marknadsområde Öst och Väst", ("sdt", "gno")),
]
# username, first, last, role code, region code
MANAGERS = [
    ("vochef", "Vera", "Holm", "fk_regional_manager", "vo-ost-vast"),
    ("marknadschef", "Mats", "Berg", "af_regional_manager", "mo-ost-vast"),
    ("nationella", "Nils", "Ek", "national_steering", None),
]
SUBMITTED_AREAS = ("sdt", "gno")
# How a demo plan splits its year's inflow over the target groups (the rest: the last group).
GROUP_SHARES = [
    ("sick_unemployed", 50),
    ("young_activity_comp", 20),
    ("employed_cannot_return", 15),
    ("unemployed_sickness_comp", 15),
]
PRIORITISATION = (
    "Beredningsgruppen tar upp unga till och med 29 år och dem vars dagar med sjukpenning tar "
    "slut först. Ledningsgruppen följer inflödet per målgrupp varje månad och stämmer av med "
    "samordnarna vid varje månadsrapport."
)


def regions_load() -> dict[str, Region]:
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    regions = {}
    for agency, code, name, area_codes in REGIONS:
        region, created = Region.objects.get_or_create(
            code=code, defaults={"agency": agencies[agency], "name": name}
        )
        if created:
            region.areas.set(Area.objects.filter(code__in=area_codes))
        regions[code] = region
    return regions


def managers_load(user, regions: dict[str, Region]) -> None:
    """`user(username, first, last, role_code, agency=...)`: load_demo's own helper."""
    for username, first, last, role_code, region_code in MANAGERS:
        account = user(username, first, last, role_code)
        if region_code:
            StaffProfile.objects.get(user=account).regions.add(regions[region_code])


def planning_year_load(year: int) -> None:
    PlanningYear.objects.get_or_create(
        year=year,
        defaults={
            "submission_deadline": dt.date(year, 2, 12),
            "national_inflow_target": 15000,
        },
    )


def _by_group(total: int) -> dict[str, int]:
    split = {code: total * share // 100 for code, share in GROUP_SHARES[:-1]}
    split[GROUP_SHARES[-1][0]] = total - sum(split.values())
    return split


def plans_submit(year: int) -> None:
    """This year's draft plans of the submitting areas, never touched by anyone, get their text
    and split and are submitted by the area's coordinator."""
    for plan in WorkPlan.objects.filter(
        year=year,
        area__code__in=SUBMITTED_AREAS,
        status=WorkPlan.Status.DRAFT,
        prioritisation_follow_up="",
    ).select_related("area"):
        coordinator = (
            StaffProfile.objects.filter(areas=plan.area, role__code="coordinator")
            .select_related("user")
            .first()
        )
        if coordinator is None:
            continue
        context = AccessContext.for_user(coordinator.user)
        saved = work_plan_save(
            area=plan.area,
            year=year,
            data={
                "prioritisation_follow_up": PRIORITISATION,
                "planned_inflow_by_group": _by_group(sum(plan.planned_inflow)),
            },
            expected_version=plan.version,
            context=context,
        )
        work_plan_submit(plan=saved, expected_version=saved.version, context=context)


def steering_load(user) -> None:
    regions = regions_load()
    managers_load(user, regions)
    year = timezone.localdate().year
    planning_year_load(year)
    plans_submit(year)
