"""Deviations escalated (issue 20 point 5): the two new triggers (average days above the goal
and staffing below the plan, three months in a row, tested by reporting.targets), escalation by
the area's management group to the regional managers, whose dialogue with the local managers is
recorded on the report, and the national group's view of every open one."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Agency, Region
from accounts.tests.factories import AreaFactory, staff
from reporting import snapshots
from reporting.deviation_escalation import deviation_dialogue_add, deviation_escalate
from reporting.deviation_figures import api_months, figure_table
from reporting.models import DeviationDialogue, DeviationReport, WorkPlan
from reporting.targets import days_above_goal, staffing_below_plan
from samverkan.services import AccessContext

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(
        dt.datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Europe/Stockholm")), tick=False
    ):
        yield dt.date(2026, 6, 15)


# --- the tests of being off the plan ----------------------------------------------------------


def test_average_days_above_goal_is_exact():
    # 3 ended with 690 days: mean 230, not above 230; 691 days: above
    assert not days_above_goal(days_total=690, ended=3, goal_days=230)
    assert days_above_goal(days_total=691, ended=3, goal_days=230)
    assert not days_above_goal(days_total=0, ended=0, goal_days=230)


def test_staffing_below_plan_is_exact_with_the_tolerance():
    # planned 2.0 with 10 % tolerance: 1.80 is the edge (180 = 180), 1.75 is below
    assert not staffing_below_plan(
        actual_fte=Decimal("1.80"), planned_fte=Decimal("2.0"), tolerance_percent=10
    )
    assert staffing_below_plan(
        actual_fte=Decimal("1.75"), planned_fte=Decimal("2.0"), tolerance_percent=10
    )
    assert not staffing_below_plan(
        actual_fte=Decimal("0"), planned_fte=Decimal("0"), tolerance_percent=10
    )


# --- detection ----------------------------------------------------------------------------------


@pytest.fixture
def month_data(monkeypatch):
    """{"YYYY-MM": (ended, days_total, {"af": [user ids], "fk": [user ids]})}; inflow and the
    day-365 share always on plan."""
    data = {}

    def fake(*, month, area_ids):
        ended, days, officers = data.get(f"{month:%Y-%m}", (0, 0, {"af": [], "fk": []}))
        return {
            "month": f"{month:%Y-%m}",
            "inflow": {"period": {"all": {"count": 10}}},
            "outcomes": {
                "rows": {"total": {"total": {"total": 10, "counts": {"work_or_education": 5}}}}
            },
            # Everyone who ended a man (the goal is tested for each sex: test_deviation_per_sex).
            "average_days": {
                "rows": {
                    "total": {
                        "total": {"all": {"count": ended, "days_total": days, "mean_days": None}}
                    },
                    "sex": {
                        "K": {"all": {"count": 0, "days_total": 0, "mean_days": None}},
                        "M": {"all": {"count": ended, "days_total": days, "mean_days": None}},
                    },
                }
            },
            "caseload": {
                "af": {str(user_id): 5 for user_id in officers["af"]},
                "fk": {str(user_id): 5 for user_id in officers["fk"]},
            },
        }

    monkeypatch.setattr(snapshots, "_figures", fake)
    return data


@pytest.fixture
def plan(area):
    for year in (2025, 2026):
        WorkPlan.objects.create(
            area=area,
            year=year,
            planned_inflow=[10] * 12,
            goal_average_days=230,
            planned_af_fte=Decimal("1.0"),
            planned_fk_fte=Decimal("1.5"),
            deviation_tolerance_percent=10,
        )


def run(area, *labels):
    opened = []
    for label in labels:
        opened += snapshots.area_month_run(area=area, month=dt.date.fromisoformat(f"{label}-01"))[2]
    return opened


def test_three_months_of_average_days_above_the_goal_open_one_report(area, plan, month_data):
    months = ("2026-01", "2026-02", "2026-03")
    for label in months:
        month_data[label] = (4, 4 * 231, {"af": [], "fk": []})
    staffed = {"af": [], "fk": []}
    month_data["2025-12"] = (4, 4 * 230, staffed)  # on the goal: not part of the run

    opened = run(area, "2025-12", *months)

    kinds = [r.kind for r in opened]
    assert DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL in kinds
    report = DeviationReport.objects.get(kind=DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL)
    assert report.run_start == dt.date(2026, 1, 1)
    assert [m["days_total"] for m in report.figures["months"]] == [924, 924, 924]
    table = figure_table(report, hide_small=False)
    mean_of_all = table["headers"].index("Alla genomsnitt (dagar)")
    assert [row[mean_of_all] for row in table["rows"]] == [231, 231, 231]
    assert [m["mean_days"] for m in api_months(report, hide=False)] == [231, 231, 231]


def test_three_months_of_staffing_below_the_plan_open_one_report(
    area, plan, month_data, fk_officer, af_officer
):
    # AF: one full-time officer = the plan of 1.0. FK: one officer at 0.5 against 1.5 planned:
    # 0.50 × 100 = 50 < 1.5 × 90 = 135, below.
    fk_officer.staff_profile.working_time_share = Decimal("0.50")
    fk_officer.staff_profile.save()
    officers = {"af": [af_officer.pk], "fk": [fk_officer.pk]}
    for label in ("2026-01", "2026-02"):
        month_data[label] = (0, 0, officers)
    # two months are not a run
    assert run(area, "2026-01", "2026-02") == []
    month_data["2026-03"] = (0, 0, officers)
    opened = run(area, "2026-03")
    assert [r.kind for r in opened] == [DeviationReport.Kind.STAFFING_BELOW_PLAN]
    first = opened[0].figures["months"][0]
    assert (first["af_fte"], first["fk_fte"], first["fk_planned_fte"]) == ("1.00", "0.50", "1.5")


def test_full_staffing_opens_nothing(area, plan, month_data, af_officer, fk_officer):
    second_fk = staff("fk_officer", areas=[area], username="fk2.sdt")
    officers = {"af": [af_officer.pk], "fk": [fk_officer.pk, second_fk.pk]}  # 1.0 and 2.0
    for label in ("2026-01", "2026-02", "2026-03"):
        month_data[label] = (0, 0, officers)
    assert run(area, "2026-01", "2026-02", "2026-03") == []


# --- escalation and the regional dialogue -------------------------------------------------------


@pytest.fixture
def report(area):
    return DeviationReport.objects.create(
        area=area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=dt.date(2026, 2, 1),
        opened_for=dt.date(2026, 4, 1),
        figures={"months": []},
    )


@pytest.fixture
def regional(area):
    region = Region.objects.create(
        agency=Agency.objects.get(code="FK"), code="vo-sthlm", name="VO Stockholm"
    )
    region.areas.set([area])
    return staff("fk_regional_manager", regions=[region], username="vo.chef")


@pytest.fixture
def other_regional(other_area):
    region = Region.objects.create(agency=Agency.objects.get(code="AF"), code="mo-n", name="MO N")
    region.areas.set([other_area])
    return staff("af_regional_manager", regions=[region], username="mo.chef")


def ctx(user):
    return AccessContext.for_user(user)


def test_the_management_group_escalates_and_the_regional_manager_records_a_dialogue(
    report, management, regional
):
    with pytest.raises(ValidationError, match="inte eskalerad"):
        deviation_dialogue_add(
            report=report,
            held_on=dt.date(2026, 6, 1),
            participants="VO-chef, ledningsgruppen",
            notes="Fler beredningsgruppsmöten.",
            context=ctx(regional),
        )
    with pytest.raises(PermissionDenied):
        deviation_escalate(report=report, expected_version=1, context=ctx(regional))

    escalated = deviation_escalate(report=report, expected_version=1, context=ctx(management))
    assert escalated.escalated_by == management and escalated.escalated_at is not None

    dialogue = deviation_dialogue_add(
        report=report,
        held_on=dt.date(2026, 6, 1),
        participants="VO-chef, ledningsgruppen",
        notes="Fler beredningsgruppsmöten.",
        context=ctx(regional),
    )
    assert (dialogue.recorded_by, dialogue.held_on) == (regional, dt.date(2026, 6, 1))
    with pytest.raises(ValidationError):
        deviation_dialogue_add(
            report=report,
            held_on=dt.date(2026, 7, 1),  # in the future
            participants="x",
            notes="y",
            context=ctx(regional),
        )
    assert report.history.filter(escalated_at__isnull=False).exists()


def test_a_regional_manager_of_other_areas_sees_nothing_and_records_nothing(
    login, report, management, other_regional
):
    deviation_escalate(report=report, expected_version=1, context=ctx(management))
    with pytest.raises(PermissionDenied):
        deviation_dialogue_add(
            report=report,
            held_on=dt.date(2026, 6, 1),
            participants="x",
            notes="y",
            context=ctx(other_regional),
        )
    client = login(other_regional)
    assert client.get(reverse("reporting:deviation_detail", args=[report.pk])).status_code == 404
    page = client.post(
        reverse("reporting:deviation_dialogue_create", args=[report.pk]),
        {"held_on": "2026-06-01", "participants": "x", "notes": "y"},
    )
    assert page.status_code == 404
    api = client.post(
        reverse("api:deviation-report-dialogues", args=[report.pk]),
        {"held_on": "2026-06-01", "participants": "x", "notes": "y"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert client.get(reverse("reporting:deviation_list")).context["rows"] == []
    assert not DeviationDialogue.objects.exists()


def test_the_pages_escalate_and_record_the_dialogue(login, report, management, regional):
    detail = reverse("reporting:deviation_detail", args=[report.pk])
    assert login(regional).get(detail).context["may_record_dialogue"] is False
    done = login(management).post(
        reverse("reporting:deviation_escalate", args=[report.pk]), {"version": 1}
    )
    assert done.status_code == 302

    client = login(regional)
    assert client.get(detail).context["may_record_dialogue"] is True
    refused = client.post(
        reverse("reporting:deviation_dialogue_create", args=[report.pk]),
        {"held_on": "2026-06-01", "participants": "", "notes": ""},
    )
    assert refused.status_code == 200 and not DeviationDialogue.objects.exists()
    saved = client.post(
        reverse("reporting:deviation_dialogue_create", args=[report.pk]),
        {"held_on": "2026-06-01", "participants": "VO-chef och LFC-chef", "notes": "Plan klar."},
    )
    assert saved.status_code == 302
    page = client.get(detail)
    assert b"VO-chef och LFC-chef" in page.content
    # reading and recording the dialogue is not working on the report as the local group
    assert client.get(reverse("reporting:deviation_edit", args=[report.pk])).status_code == 404


def test_the_api_escalates_and_records_and_an_officer_may_not(
    login, report, management, regional, fk_officer
):
    escalated = login(management).post(
        reverse("api:deviation-report-escalate", args=[report.pk]),
        {"version": 1},
        content_type="application/json",
    )
    assert escalated.status_code == 200 and escalated.json()["escalated_at"]
    body = {"held_on": "2026-06-02", "participants": "MC och VOC", "notes": "Uppföljning."}
    officer = login(fk_officer).post(
        reverse("api:deviation-report-dialogues", args=[report.pk]),
        body,
        content_type="application/json",
    )
    assert officer.status_code == 403
    created = login(regional).post(
        reverse("api:deviation-report-dialogues", args=[report.pk]),
        body,
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    read = login(regional).get(reverse("api:deviation-report-detail", args=[report.pk])).json()
    assert [d["participants"] for d in read["dialogues"]] == ["MC och VOC"]


def test_the_national_group_lists_every_open_escalated_report(login, report, management):
    other = DeviationReport.objects.create(
        area=AreaFactory(code="gno", name="Göteborg Nordost"),
        kind=DeviationReport.Kind.SHARE_BELOW_GOAL,
        run_start=dt.date(2026, 1, 1),
        opened_for=dt.date(2026, 3, 1),
        figures={"months": []},
    )
    deviation_escalate(report=report, expected_version=1, context=ctx(management))
    national = staff("national_steering", username="nationella")
    client = login(national)
    everything = client.get(reverse("reporting:deviation_list")).context["rows"]
    assert {row["report"] for row in everything} == {report, other}
    escalated = client.get(reverse("reporting:deviation_list"), {"visa": "eskalerade"})
    assert [row["report"] for row in escalated.context["rows"]] == [report]
