"""The steering chain above the areas in the demo (issue 20): an FK verksamhetsområde and an AF
marknadsområde holding Södertörn and Göteborg Nordost (Umeå is outside both), their regional
managers, the national samverkansgrupp, this and next year's deadline and national target,
the history's plans approved in their year, and next year's plans of the two areas submitted,
so the national group can return one and approve the other. Idempotent: what exists, or what
someone has changed, is left as it is."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Agency, Area, Region, StaffProfile
from reporting.models import PlanningYear, WorkPlan
from reporting.services import work_plan_decide, work_plan_save, work_plan_submit
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


def managers_load(user, regions: dict[str, Region]) -> dict[str, object]:
    """`user(username, first, last, role_code, agency=...)`: load_demo's own helper. Returns the
    accounts by username."""
    accounts = {}
    for username, first, last, role_code, region_code in MANAGERS:
        accounts[username] = account = user(username, first, last, role_code)
        if region_code:
            StaffProfile.objects.get(user=account).regions.add(regions[region_code])
    return accounts


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


def _coordinator_context(area: Area) -> AccessContext | None:
    coordinator = (
        StaffProfile.objects.filter(areas=area, role__code="coordinator")
        .select_related("user")
        .first()
    )
    return AccessContext.for_user(coordinator.user) if coordinator else None


def _completed_and_submitted(plan: WorkPlan, context: AccessContext) -> WorkPlan:
    """The plan's text and split written and the plan submitted, as the area's coordinator."""
    saved = work_plan_save(
        area=plan.area,
        year=plan.year,
        data={
            "prioritisation_follow_up": PRIORITISATION,
            "planned_inflow_by_group": _by_group(sum(plan.planned_inflow)),
        },
        expected_version=plan.version,
        context=context,
    )
    return work_plan_submit(plan=saved, expected_version=saved.version, context=context)


def past_plans_approve(year: int, national) -> None:
    """The history's plans of `year` and earlier, never touched by anyone, are submitted by
    their areas and approved by the national group through the services; then dated when that
    happened in the demo's past (submitted 31 January, approved 20 February of their year, or now
    if that is earlier), since the history is loaded today."""
    context = AccessContext.for_user(national)
    for plan in WorkPlan.objects.filter(
        year__lte=year, status=WorkPlan.Status.DRAFT, prioritisation_follow_up=""
    ).select_related("area"):
        coordinator = _coordinator_context(plan.area)
        if coordinator is None:
            continue
        submitted = _completed_and_submitted(plan, coordinator)
        work_plan_decide(
            plan=submitted,
            expected_version=submitted.version,
            approve=True,
            comment="",
            context=context,
        )
        zone, now = timezone.get_current_timezone(), timezone.now()
        WorkPlan.objects.filter(pk=plan.pk).update(
            submitted_at=min(dt.datetime(plan.year, 1, 31, 10, 0, tzinfo=zone), now),
            decided_at=min(dt.datetime(plan.year, 2, 20, 14, 0, tzinfo=zone), now),
        )


def next_plans_submit(year: int) -> None:
    """Next year's plans of the submitting areas, drawn up from this year's figures and
    submitted now, well before next year's deadline: the national group can return one and
    approve the other."""
    for current in WorkPlan.objects.filter(
        year=year, area__code__in=SUBMITTED_AREAS
    ).select_related("area"):
        if WorkPlan.objects.filter(area=current.area, year=year + 1).exists():
            continue  # someone's own plan stays as it is
        context = _coordinator_context(current.area)
        if context is None:
            continue
        plan = work_plan_save(
            area=current.area,
            year=year + 1,
            data={
                "planned_inflow": list(current.planned_inflow),
                "planned_fk_fte": current.planned_fk_fte,
                "planned_af_fte": current.planned_af_fte,
            },
            expected_version=0,
            context=context,
        )
        _completed_and_submitted(plan, context)


def steering_load(user) -> None:
    regions = regions_load()
    accounts = managers_load(user, regions)
    year = timezone.localdate().year
    for planned in (year, year + 1):
        planning_year_load(planned)
    past_plans_approve(year, accounts["nationella"])
    next_plans_submit(year)
