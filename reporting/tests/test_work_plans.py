"""The area's work plan (arbetsplan, SPEC §5): kept by the area's coordinators, listed for
everyone who sees the area's aggregates, never overwritten silently (SPEC §7)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import staff
from audit.models import AccessLog
from cases.models import RuleSet
from reporting.models import WorkPlan
from reporting.services import work_plan_save
from samverkan.services import AccessContext, ConcurrentEditError

INFLOW = [10, 12, 14, 9, 8, 6, 2, 5, 11, 13, 12, 7]
SWEDISH_MONTHS = (
    "Januari Februari Mars April Maj Juni Juli Augusti September Oktober November December"
).split()


def plan_data(**overrides):
    data = {
        "planned_inflow": list(INFLOW),
        "goal_share_percent": 45,
        "goal_average_days": 220,
        "planned_af_fte": Decimal("3.5"),
        "planned_fk_fte": Decimal("2.0"),
        "deviation_tolerance_percent": 10,
    }
    return {**data, **overrides}


def saved_plan(area, coordinator, year=2026, **overrides):
    return work_plan_save(
        area=area,
        year=year,
        data=plan_data(**overrides),
        expected_version=0,
        context=AccessContext.for_user(coordinator),
    )


def snapshot(plan):
    plan = WorkPlan.objects.get(pk=plan.pk)
    return (
        plan.version,
        plan.planned_inflow,
        plan.goal_share_percent,
        plan.goal_average_days,
        plan.planned_af_fte,
        plan.planned_fk_fte,
        plan.deviation_tolerance_percent,
    )


@pytest.fixture
def second_coordinator(area):
    return staff("coordinator", areas=[area], username="samordnare2.sdt")


@pytest.fixture
def rule_sets(db):
    """Goals that change on 2 January 2026: a plan for 2026 follows the set in force on 1
    January, not the one in force today."""
    RuleSet.objects.create(
        name="Handlingsplan 2025",
        valid_from=dt.date(2025, 1, 1),
        goal_share_percent=47,
        goal_average_days=210,
        deviation_tolerance_percent=15,
    )
    RuleSet.objects.create(
        name="Handlingsplan 2026",
        valid_from=dt.date(2026, 1, 2),
        goal_share_percent=55,
        goal_average_days=190,
        deviation_tolerance_percent=5,
    )


# --- the service ------------------------------------------------------------------------------


def test_a_new_plan_takes_its_goals_from_the_rule_set_in_force_on_1_january(
    area, coordinator, rule_sets
):
    # when: the coordinator gives only the months and the staffing
    plan = work_plan_save(
        area=area,
        year=2026,
        data={"planned_inflow": INFLOW, "planned_af_fte": 2, "planned_fk_fte": "1.5"},
        expected_version=None,
        context=AccessContext.for_user(coordinator),
    )

    # then: the goals and tolerance are the 2025 set's, the one in force on 1 January 2026
    plan.refresh_from_db()
    assert plan.planned_inflow == INFLOW
    assert (plan.goal_share_percent, plan.goal_average_days) == (47, 210)
    assert plan.deviation_tolerance_percent == 15
    assert (plan.planned_af_fte, plan.planned_fk_fte) == (Decimal("2.0"), Decimal("1.5"))
    assert plan.version == 1 and plan.created_by == coordinator
    assert plan.history.get().history_user == coordinator
    entry = AccessLog.objects.get(object_type="workplan", action=AccessLog.Action.CREATE)
    assert entry.user == coordinator and entry.area_id == area.pk
    assert entry.object_id == str(plan.pk)


def test_a_plan_for_2027_follows_the_newer_rule_set(area, coordinator, rule_sets):
    plan = work_plan_save(
        area=area,
        year=2027,
        data={},
        expected_version=None,
        context=AccessContext.for_user(coordinator),
    )
    assert (plan.goal_share_percent, plan.goal_average_days) == (55, 190)
    assert plan.deviation_tolerance_percent == 5 and plan.planned_inflow == [0] * 12


def test_saving_again_changes_the_plan_and_keeps_the_history(area, coordinator):
    plan = saved_plan(area, coordinator)
    new_inflow = [20, *INFLOW[1:]]

    changed = work_plan_save(
        area=area,
        year=2026,
        data=plan_data(planned_inflow=new_inflow, goal_share_percent=50),
        expected_version=1,
        context=AccessContext.for_user(coordinator),
    )

    assert changed.pk == plan.pk and WorkPlan.objects.count() == 1
    assert snapshot(plan)[:3] == (2, new_inflow, 50)
    old, new = plan.history.order_by("history_date")
    assert (old.planned_inflow[0], new.planned_inflow[0]) == (10, 20)
    assert (old.goal_share_percent, new.goal_share_percent) == (45, 50)
    assert new.history_user == coordinator
    entry = AccessLog.objects.get(object_type="workplan", action=AccessLog.Action.UPDATE)
    assert "planned_inflow" in entry.purpose and "goal_share_percent" in entry.purpose
    assert "20" not in entry.purpose  # the log names fields, never values


def test_saving_the_same_values_writes_nothing(area, coordinator):
    plan = saved_plan(area, coordinator)
    work_plan_save(
        area=area,
        year=2026,
        data=plan_data(),
        expected_version=1,
        context=AccessContext.for_user(coordinator),
    )
    assert snapshot(plan)[0] == 1 and plan.history.count() == 1


BAD_VALUES = [
    ("planned_inflow", INFLOW[:11]),
    ("planned_inflow", [*INFLOW[:11], -1]),
    ("planned_inflow", [*INFLOW[:11], 2.5]),
    ("planned_inflow", "10,12"),
    ("goal_share_percent", 39),
    ("goal_share_percent", 101),
    ("goal_average_days", 0),
    ("goal_average_days", 366),
    ("deviation_tolerance_percent", -1),
    ("deviation_tolerance_percent", 101),
    ("planned_af_fte", Decimal("-0.1")),
    ("planned_af_fte", Decimal("1000")),
    ("planned_fk_fte", "1.25"),
    ("planned_fk_fte", "många"),
    ("planned_fk_fte", None),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_a_bad_value_names_its_field_and_creates_nothing(area, coordinator, field, value):
    with pytest.raises(ValidationError) as caught:
        saved_plan(area, coordinator, **{field: value})
    assert set(caught.value.message_dict) == {field}
    assert not WorkPlan.objects.exists()
    assert not AccessLog.objects.filter(object_type="workplan").exists()


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_a_bad_value_names_its_field_and_changes_nothing(area, coordinator, field, value):
    plan = saved_plan(area, coordinator)
    before = snapshot(plan)
    with pytest.raises(ValidationError) as caught:
        work_plan_save(
            area=area,
            year=2026,
            data=plan_data(**{field: value}),
            expected_version=1,
            context=AccessContext.for_user(coordinator),
        )
    assert set(caught.value.message_dict) == {field}
    assert snapshot(plan) == before and plan.history.count() == 1


def test_every_bad_field_is_named_at_once(area, coordinator):
    with pytest.raises(ValidationError) as caught:
        saved_plan(area, coordinator, goal_share_percent=30, goal_average_days=400)
    assert set(caught.value.message_dict) == {"goal_share_percent", "goal_average_days"}


def test_a_goal_share_under_40_per_cent_is_refused(area, coordinator):
    """SPEC §5: the area's goal is at least 40 % in work or education at day 365."""
    with pytest.raises(ValidationError) as caught:
        saved_plan(area, coordinator, goal_share_percent=39)
    assert "minst 40" in caught.value.message_dict["goal_share_percent"][0]
    assert saved_plan(area, coordinator, goal_share_percent=40).goal_share_percent == 40


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_outside_2000_to_2100_is_refused(area, coordinator, year):
    with pytest.raises(ValidationError) as caught:
        saved_plan(area, coordinator, year=year)
    assert set(caught.value.message_dict) == {"year"}
    assert not WorkPlan.objects.exists()


def test_a_save_on_a_stale_version_is_refused(area, coordinator, second_coordinator):
    plan = saved_plan(area, coordinator)
    work_plan_save(
        area=area,
        year=2026,
        data=plan_data(goal_share_percent=60),
        expected_version=1,
        context=AccessContext.for_user(coordinator),
    )

    with pytest.raises(ConcurrentEditError):
        work_plan_save(
            area=area,
            year=2026,
            data=plan_data(goal_share_percent=42),
            expected_version=1,
            context=AccessContext.for_user(second_coordinator),
        )

    assert snapshot(plan)[:3] == (2, INFLOW, 60)


def test_creating_a_plan_someone_else_just_created_is_a_conflict(
    area, coordinator, second_coordinator
):
    plan = saved_plan(area, coordinator)
    with pytest.raises(ConcurrentEditError):
        saved_plan(area, second_coordinator, goal_share_percent=70)
    assert snapshot(plan)[2] == 45


@pytest.mark.parametrize(
    "who", ["fk_officer", "af_officer", "management", "analyst", "outsider", "other_coordinator"]
)
def test_only_the_areas_coordinators_may_save_a_plan(request, area, coordinator, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        saved_plan(area, user)
    assert not WorkPlan.objects.exists()

    plan = saved_plan(area, coordinator)
    with pytest.raises(PermissionDenied):
        work_plan_save(
            area=area,
            year=2026,
            data=plan_data(goal_share_percent=90),
            expected_version=None,
            context=AccessContext.for_user(user),
        )
    assert snapshot(plan)[:3] == (1, INFLOW, 45)


def test_a_save_without_a_user_is_refused(area):
    with pytest.raises(PermissionDenied):
        work_plan_save(
            area=area,
            year=2026,
            data=plan_data(),
            expected_version=None,
            context=AccessContext.system("test"),
        )


# --- the pages --------------------------------------------------------------------------------


def edit_url(plan):
    return reverse("reporting:work_plan_edit", args=[plan.pk])


LIST_URL = "/arbetsplaner/"


def form_data(version, inflow=INFLOW, **overrides):
    data = {f"inflow_{month:02d}": n for month, n in enumerate(inflow, start=1)}
    data.update(
        goal_share_percent=45,
        goal_average_days=220,
        planned_af_fte="3.5",
        planned_fk_fte="2.0",
        deviation_tolerance_percent=10,
        version=version,
    )
    return {**data, **overrides}


def field_error(response, field):
    """The error text shown next to one field, or None."""
    match = re.search(
        rf'<p class="field-error" id="id_{field}_error">([^<]*)</p>', response.content.decode()
    )
    return match.group(1) if match else None


def listed(response):
    return {(row["plan"].area.code, row["plan"].year) for row in response.context["rows"]}


@pytest.fixture
def plans(area, other_area, coordinator, other_coordinator):
    return {
        "own": saved_plan(area, coordinator),
        "own_2025": saved_plan(area, coordinator, year=2025),
        "other": saved_plan(other_area, other_coordinator),
    }


def test_the_list_url_is_arbetsplaner():
    assert reverse("reporting:work_plan_list") == LIST_URL
    assert reverse("reporting:work_plan_create") == "/arbetsplaner/ny/"


@pytest.mark.parametrize("who", ["coordinator", "fk_officer", "management"])
def test_the_list_shows_the_areas_own_plans_never_another_areas(login, request, plans, who):
    response = login(request.getfixturevalue(who)).get(LIST_URL)
    assert response.status_code == 200
    assert listed(response) == {("sdt", 2026), ("sdt", 2025)}
    assert "Umeå" not in response.content.decode()


def test_the_list_shows_the_total_planned_inflow_and_the_goals(login, plans, management):
    body = login(management).get(LIST_URL).content.decode()
    start = body.index('data-testid="work-plan-row"')  # the newest year first
    row = body[start : body.index("</tr>", start)]
    assert "Södertörn" in row and ">2026<" in row
    assert f'<td class="num">{sum(INFLOW)}</td>' in row
    assert "45 %" in row and '<td class="num">220</td>' in row


def test_the_other_areas_staff_see_only_their_own_plans(login, plans, outsider):
    assert listed(login(outsider).get(LIST_URL)) == {("ume", 2026)}


def test_the_analyst_sees_every_areas_plans(login, plans, analyst):
    assert listed(login(analyst).get(LIST_URL)) == {("sdt", 2026), ("sdt", 2025), ("ume", 2026)}


def test_only_coordinators_get_the_edit_links(login, plans, coordinator, management, fk_officer):
    body = login(coordinator).get(LIST_URL).content.decode()
    assert edit_url(plans["own"]) in body and edit_url(plans["other"]) not in body
    assert reverse("reporting:work_plan_create") in body
    for user in (management, fk_officer):
        body = login(user).get(LIST_URL).content.decode()
        assert "/andra/" not in body and reverse("reporting:work_plan_create") not in body


def test_coordinator_creates_a_plan_in_two_steps(login, area, coordinator, rule_sets):
    client = login(coordinator)
    create_url = reverse("reporting:work_plan_create")

    # given: the first step asks for the area and the year, defaulting to this one
    first = client.get(create_url)
    assert first.status_code == 200
    assert first.context["form"]["year"].value() == dt.date.today().year

    # when: 2026 is chosen, the form is filled with the goals in force on 1 January 2026
    second = client.get(create_url, {"area": area.pk, "year": 2026})
    form = second.context["form"]
    assert form["goal_share_percent"].value() == 47 and form["version"].value() == 0
    body = second.content.decode()
    for month in SWEDISH_MONTHS:
        assert f">{month} <span" in body  # twelve labelled inputs, January first

    # then: saving creates the plan
    saved = client.post(create_url, {**form_data(0), "area": area.pk, "year": 2026})
    assert saved.status_code == 302 and saved["Location"] == LIST_URL
    plan = WorkPlan.objects.get(area=area, year=2026)
    assert plan.planned_inflow == INFLOW and plan.planned_af_fte == Decimal("3.5")
    assert plan.history.get().history_user == coordinator


def test_choosing_an_existing_plan_opens_it_for_editing(login, area, coordinator, plans):
    response = login(coordinator).get(
        reverse("reporting:work_plan_create"), {"area": area.pk, "year": 2026}
    )
    assert response.status_code == 302 and response["Location"] == edit_url(plans["own"])


def test_a_coordinator_cannot_create_a_plan_for_another_area(
    login, other_area, coordinator, rule_sets
):
    client = login(coordinator)
    url = reverse("reporting:work_plan_create")
    chosen = client.get(url, {"area": other_area.pk, "year": 2026})
    assert chosen.status_code == 200 and "form" in chosen.context
    assert chosen.context["form"].errors["area"]
    posted = client.post(url, {**form_data(0), "area": other_area.pk, "year": 2026})
    assert posted.status_code == 200 and not WorkPlan.objects.exists()


@pytest.mark.parametrize("who", ["fk_officer", "management", "analyst", "outsider"])
def test_only_coordinators_may_open_the_new_plan_page(login, request, area, who):
    client = login(request.getfixturevalue(who))
    url = reverse("reporting:work_plan_create")
    assert client.get(url).status_code == 403
    assert client.post(url, {**form_data(0), "area": area.pk, "year": 2026}).status_code == 403
    assert not WorkPlan.objects.exists()


def test_coordinator_edits_the_plan_and_sees_its_history(login, coordinator, plans):
    client = login(coordinator)
    plan = plans["own"]
    page = client.get(edit_url(plan))
    assert page.status_code == 200
    assert page.context["form"]["inflow_03"].value() == INFLOW[2]
    assert 'name="version" value="1"' in page.content.decode()

    response = client.post(edit_url(plan), form_data(1, inflow_03=30, goal_share_percent=52))

    assert response.status_code == 302
    assert snapshot(plan)[:3] == (2, [10, 12, 30, *INFLOW[3:]], 52)
    history = client.get(edit_url(plan)).content.decode()
    table = history[history.index('data-testid="history"') :]
    assert "Planerat inflöde: Mars: 14 → 30" in table
    assert "Planerat inflöde: Januari" not in table  # only the months that moved
    assert "Planerat inflöde per månad: – → 10, 12, 14, 9," in table  # as upprättad
    assert "Mål: andel i arbete eller utbildning dag 365 (%): 45 → 52" in table


@pytest.mark.parametrize(
    "who", ["fk_officer", "management", "analyst", "outsider", "other_coordinator"]
)
def test_everyone_but_the_areas_coordinators_gets_404_on_the_edit_page(login, request, plans, who):
    client = login(request.getfixturevalue(who))
    plan = plans["own"]
    before = snapshot(plan)

    assert client.get(edit_url(plan)).status_code == 404
    assert client.post(edit_url(plan), form_data(1, goal_share_percent=99)).status_code == 404

    assert snapshot(plan) == before
    denied = AccessLog.objects.filter(action=AccessLog.Action.DENIED, object_type="workplan")
    assert denied.count() == 2 and {e.area_id for e in denied} == {plan.area_id}


def test_form_errors_are_shown_next_to_their_fields_and_nothing_is_saved(login, coordinator, plans):
    plan = plans["own"]
    before = snapshot(plan)
    response = login(coordinator).post(
        edit_url(plan),
        form_data(1, inflow_03=-2, goal_share_percent=39, planned_af_fte="1.25"),
    )
    assert response.status_code == 200
    assert "Inget är sparat" in response.content.decode()
    assert field_error(response, "inflow_03")
    assert field_error(response, "goal_share_percent")
    assert field_error(response, "planned_af_fte")
    assert field_error(response, "goal_average_days") is None
    assert snapshot(plan) == before


def test_a_second_editor_gets_a_conflict_and_keeps_what_they_typed(
    login, coordinator, second_coordinator, plans
):
    plan = plans["own"]
    first, second = login(coordinator), login(second_coordinator)
    first.get(edit_url(plan))
    second.get(edit_url(plan))  # both opened version 1
    first.post(edit_url(plan), form_data(1, inflow_05=77))

    response = second.post(edit_url(plan), form_data(1, inflow_05=66, goal_average_days=199))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat uppgifterna medan du skrev" in body
    assert 'value="66"' in body and 'value="199"' in body  # typed values kept
    assert 'name="version" value="2"' in body  # now based on the stored version
    panel = body[body.index('data-testid="stored-values"') :]
    assert "Nu sparat:" in panel and "77" in panel and "skiljer sig" in panel
    assert snapshot(plan)[:2] == (2, [*INFLOW[:4], 77, *INFLOW[5:]])

    # after comparing, saving again goes through
    again = second.post(edit_url(plan), response.context["form"].data)
    assert again.status_code == 302 and snapshot(plan)[0] == 3


def test_a_plan_created_meanwhile_turns_the_new_plan_form_into_a_conflict(
    login, area, coordinator, second_coordinator
):
    response_form = login(second_coordinator).get(
        reverse("reporting:work_plan_create"), {"area": area.pk, "year": 2026}
    )
    assert response_form.context["form"]["version"].value() == 0
    plan = saved_plan(area, coordinator)

    response = login(second_coordinator).post(
        reverse("reporting:work_plan_create"),
        {**form_data(0, goal_share_percent=80), "area": area.pk, "year": 2026},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat uppgifterna" in body and 'data-testid="stored-values"' in body
    assert f'action="{edit_url(plan)}"' in body and 'value="80"' in body
    assert snapshot(plan)[:3] == (1, INFLOW, 45)
