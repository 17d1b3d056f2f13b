"""Work plans submitted (issue 20 points 3 and 4): draft → submitted by the area's management
group → approved, or returned with comments, by the national samverkansgrupp; the plan's text on
prioritisation and follow-up and its inflow per target group; the national compilation against
the year's national target; and nobody else approves (pages 404, API 403/404)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import AreaFactory, staff
from reporting.models import DeviationReport, PlanningYear, WorkPlan
from reporting.services import work_plan_decide, work_plan_save, work_plan_submit
from reporting.work_plan_compilation import compile_year
from samverkan.services import AccessContext, ConcurrentEditError

pytestmark = pytest.mark.django_db

INFLOW = [10, 12, 14, 9, 8, 6, 2, 5, 11, 13, 12, 7]  # 109 in the year
GROUPS = {"sick_unemployed": 60, "young_activity_comp": 30, "employed_cannot_return": 19}


def ctx(user):
    return AccessContext.for_user(user)


def fresh(plan):
    return WorkPlan.objects.get(pk=plan.pk)


@pytest.fixture
def national(db):
    return staff("national_steering", username="nationella")


@pytest.fixture
def plan(area):
    return WorkPlan.objects.create(
        area=area,
        year=2026,
        planned_inflow=list(INFLOW),
        planned_inflow_by_group=dict(GROUPS),
        prioritisation_follow_up="Beredningsgruppen prioriterar unga; uppföljning varje månad.",
    )


@pytest.fixture
def deadline(db):
    return PlanningYear.objects.create(
        year=2026,
        submission_deadline=dt.date(2026, 2, 12),
        national_inflow_target=15000,
        inflow_target_by_group={"sick_unemployed": 6000},
    )


def submit(plan, user):
    return work_plan_submit(plan=plan, expected_version=fresh(plan).version, context=ctx(user))


def decide(plan, user, approve=True, comment=""):
    return work_plan_decide(
        plan=plan,
        expected_version=fresh(plan).version,
        approve=approve,
        comment=comment,
        context=ctx(user),
    )


# --- the national group's role and what it sees (point 3) ----------------------------------------


def test_the_seeded_national_role_is_flagged_and_sees_every_area(login, national, plan, other_area):
    other_plan = WorkPlan.objects.create(area=other_area, year=2026)
    report = DeviationReport.objects.create(
        area=other_area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=dt.date(2026, 2, 1),
        opened_for=dt.date(2026, 4, 1),
        figures={"months": []},
    )
    client = login(national)
    rows = client.get(reverse("reporting:work_plan_list")).context["rows"]
    assert {row["plan"] for row in rows} == {plan, other_plan}
    assert client.get(reverse("reporting:deviation_detail", args=[report.pk])).status_code == 200
    listed = client.get(reverse("api:deviation-report-list")).json()["results"]
    assert [row["id"] for row in listed] == [report.pk]


# --- the way of a plan (point 4) -----------------------------------------------------------------


def test_the_management_group_submits_the_national_group_returns_then_approves(
    plan, management, coordinator, national
):
    submitted = submit(plan, management)
    assert submitted.status == WorkPlan.Status.SUBMITTED and submitted.submitted_by == management
    first_submission = submitted.submitted_at

    # locked while it waits for the decision
    with pytest.raises(ValidationError, match="inskickad"):
        work_plan_save(
            area=plan.area,
            year=2026,
            data={"goal_average_days": 200},
            expected_version=submitted.version,
            context=ctx(coordinator),
        )

    with pytest.raises(ValidationError):
        decide(plan, national, approve=False, comment="  ")  # a return needs its comments
    returned = decide(plan, national, approve=False, comment="Beskriv uppföljningen av unga.")
    assert returned.status == WorkPlan.Status.RETURNED and returned.decided_by == national

    # the area changes it and submits it again; the first submission's time is kept
    work_plan_save(
        area=plan.area,
        year=2026,
        data={"prioritisation_follow_up": "Unga följs upp varannan vecka."},
        expected_version=returned.version,
        context=ctx(coordinator),
    )
    again = submit(plan, coordinator)
    assert again.submitted_at == first_submission
    approved = decide(plan, national)
    assert approved.status == WorkPlan.Status.APPROVED

    statuses = list(plan.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "returned", "returned", "submitted", "approved"]


def test_a_plan_without_its_text_or_with_groups_that_do_not_add_up_is_not_submitted(
    area, management
):
    plan = WorkPlan.objects.create(area=area, year=2026, planned_inflow=list(INFLOW))
    with pytest.raises(ValidationError) as refused:
        submit(plan, management)
    messages = " ".join(refused.value.messages)
    assert "prioritering och uppföljning" in messages and "(0)" in messages and "(109)" in messages
    assert fresh(plan).status == WorkPlan.Status.DRAFT


@pytest.mark.parametrize("who", ["fk_officer", "other_coordinator", "analyst"])
def test_nobody_but_the_areas_management_group_submits(request, plan, who):
    with pytest.raises(PermissionDenied):
        submit(plan, request.getfixturevalue(who))
    assert fresh(plan).status == WorkPlan.Status.DRAFT


@pytest.mark.parametrize("who", ["management", "coordinator", "analyst", "regional"])
def test_nobody_but_the_national_group_approves(request, plan, management, who, area):
    submit(plan, management)
    if who == "regional":
        from accounts.models import Agency, Region

        region = Region.objects.create(agency=Agency.objects.get(code="AF"), code="mo", name="MO")
        region.areas.set([area])
        user = staff("af_regional_manager", regions=[region], username="marknadschef")
    else:
        user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        decide(plan, user)
    assert fresh(plan).status == WorkPlan.Status.SUBMITTED


def test_a_stale_decision_is_a_conflict(plan, management, national):
    submit(plan, management)
    stale = fresh(plan).version - 1
    with pytest.raises(ConcurrentEditError):
        work_plan_decide(
            plan=plan, expected_version=stale, approve=True, comment="", context=ctx(national)
        )


# --- pages and API -----------------------------------------------------------------------------


def test_the_pages_submit_and_decide(login, plan, management, national):
    page = login(management).get(reverse("reporting:work_plan_detail", args=[plan.pk]))
    assert page.status_code == 200 and page.context["submit_form"] is not None
    done = login(management).post(
        reverse("reporting:work_plan_submit", args=[plan.pk]), {"version": plan.version}
    )
    assert done.status_code == 302 and fresh(plan).status == WorkPlan.Status.SUBMITTED

    client = login(national)
    assert client.get(reverse("reporting:work_plan_detail", args=[plan.pk])).context[
        "decision_form"
    ]
    refused = client.post(
        reverse("reporting:work_plan_decide", args=[plan.pk]),
        {"decision": "return", "comment": "", "version": fresh(plan).version},
    )
    assert refused.status_code == 200 and fresh(plan).status == WorkPlan.Status.SUBMITTED
    returned = client.post(
        reverse("reporting:work_plan_decide", args=[plan.pk]),
        {"decision": "return", "comment": "Fler unga.", "version": fresh(plan).version},
    )
    assert returned.status_code == 302
    assert fresh(plan).status == WorkPlan.Status.RETURNED
    assert fresh(plan).decision_comment == "Fler unga."


def test_a_local_manager_cannot_approve_on_the_page_or_in_the_api(login, plan, management):
    submit(plan, management)
    client = login(management)
    page = client.post(
        reverse("reporting:work_plan_decide", args=[plan.pk]),
        {"decision": "approve", "comment": "", "version": fresh(plan).version},
    )
    assert page.status_code == 404
    api = client.post(
        reverse("api:work-plan-decide", args=[plan.pk]),
        {"approve": True, "version": fresh(plan).version},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert fresh(plan).status == WorkPlan.Status.SUBMITTED


def test_the_api_submits_and_the_national_group_approves(login, plan, management, national):
    submitted = login(management).post(
        reverse("api:work-plan-submit", args=[plan.pk]),
        {"version": plan.version},
        content_type="application/json",
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    approved = login(national).post(
        reverse("api:work-plan-decide", args=[plan.pk]),
        {"approve": True, "version": submitted.json()["version"]},
        content_type="application/json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_an_outsider_gets_404_for_another_areas_plan(login, plan, outsider, other_coordinator):
    for user in (outsider, other_coordinator):
        client = login(user)
        assert client.get(reverse("reporting:work_plan_detail", args=[plan.pk])).status_code == 404
        post = client.post(reverse("reporting:work_plan_submit", args=[plan.pk]), {"version": 1})
        assert post.status_code == 404
        api = client.post(
            reverse("api:work-plan-submit", args=[plan.pk]),
            {"version": 1},
            content_type="application/json",
        )
        assert api.status_code == 404
    assert fresh(plan).status == WorkPlan.Status.DRAFT


# --- the national compilation --------------------------------------------------------------------


def _approved(area, inflow, groups, management, national):
    plan = WorkPlan.objects.create(
        area=area,
        year=2026,
        planned_inflow=inflow,
        planned_inflow_by_group=groups,
        prioritisation_follow_up="Så här.",
    )
    submit(plan, management)
    decide(plan, national)
    return plan


def test_the_compilation_sums_the_approved_plans_against_the_national_target(
    area, other_area, deadline, national, management
):
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=ZoneInfo("Europe/Stockholm"))):
        _approved(area, list(INFLOW), dict(GROUPS), management, national)
    other_management = staff("management", areas=[other_area], username="ledning.ume")
    with time_machine.travel(dt.datetime(2026, 2, 20, 12, tzinfo=ZoneInfo("Europe/Stockholm"))):
        # submitted after the deadline: approved, and listed as late
        _approved(other_area, [5] * 12, {"sick_unemployed": 60}, other_management, national)
    third = AreaFactory(code="gno", name="Göteborg Nordost")
    waiting = WorkPlan.objects.create(area=third, year=2026)  # a draft: missing and late
    AreaFactory(code="gammal", name="Gammalt", is_active=False)  # not counted

    c = compile_year(2026, today=dt.date(2026, 3, 1))

    assert c.approved_total == 109 + 60  # INFLOW's twelve months + 12 × 5
    by_group = {row["label"]: (row["approved"], row["target"]) for row in c.by_group}
    assert by_group["Sjukskriven arbetslös"] == (60 + 60, 6000)
    assert by_group["Arbetslös ung med aktivitetsersättning"] == (30, None)
    assert by_group["Anställd som inte kan återgå till sin anställning"] == (19, None)
    assert c.shortfall == 15000 - 169
    assert c.missing == [third]
    assert [row["area"] for row in c.late] == [third, other_area]
    assert c.late[0]["plan"] == waiting
    assert c.approved_count == 2 and c.active_areas == 3


def test_the_action_plans_national_targets_are_seeded():
    seeded = PlanningYear.objects.get(year=2010)
    assert seeded.national_inflow_target == 15000
    assert seeded.submission_deadline == dt.date(2010, 2, 12)
    assert PlanningYear.objects.get(year=2008).inflow_target_by_group["sick_unemployed"] == 6000


def test_the_compilation_page_is_national(login, national, management, deadline):
    page = login(national).get(reverse("reporting:work_plan_compilation"), {"ar": "2026"})
    assert page.status_code == 200 and page.context["c"].year == 2026
    # figures grouped by thousands, as Swedish is written (a no-break space)
    total = re.search(r'data-testid="compilation-total">(.*?)</tr>', page.content.decode()).group(1)
    assert "15\xa0000" in total
    # a target group the year sets no target for reads as a dash, never as "None"
    body = page.content.decode()
    assert ">None<" not in body
    assert re.search(r"Arbetslös ung med aktivitetsersättning</th><td[^>]*>0</td><td[^>]*>–<", body)
    assert login(management).get(reverse("reporting:work_plan_compilation")).status_code == 403
    bad = login(national).get(reverse("reporting:work_plan_compilation"), {"ar": "x\x00"})
    assert bad.status_code == 200 and bad.context["form"].errors
