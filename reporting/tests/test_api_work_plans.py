"""The work-plan resource of the API (issue 6 point 1, SPEC §5, §6): read by everyone who sees
the area's aggregates, created and changed by the area's coordinators through
reporting.services.work_plan_save, with the pages' rules: another area's plan is the same 404
as an unknown id, every read and write is in the access log, no edit overwrites another."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import staff
from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.models import RuleSet
from reporting.models import WorkPlan

LIST = reverse("api:work-plan-list")
INFLOW = [10, 12, 14, 9, 8, 6, 2, 5, 11, 13, 12, 7]


def detail(plan_or_id):
    return reverse("api:work-plan-detail", args=[getattr(plan_or_id, "pk", plan_or_id)])


def post(client, data):
    return client.post(LIST, data, content_type="application/json")


def patch(client, plan, data):
    return client.patch(detail(plan), data, content_type="application/json")


def fresh(plan):
    return WorkPlan.objects.get(pk=plan.pk)


def logged(action, **filters):
    return AccessLog.objects.filter(action=action, **filters)


@pytest.fixture
def plan(area):
    return WorkPlan.objects.create(area=area, year=2026, planned_inflow=list(INFLOW))


@pytest.fixture
def other_plan(other_area):
    return WorkPlan.objects.create(area=other_area, year=2026)


@pytest.fixture
def other_management(other_area):
    return staff("management", areas=[other_area], username="ledning.ume")


@pytest.fixture
def rule_set(db):
    RuleSet.objects.create(
        name="Handlingsplan 2025",
        valid_from=dt.date(2025, 1, 1),
        goal_share_percent=47,
        goal_average_days=210,
        deviation_tolerance_percent=15,
    )


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["fk_officer", "coordinator", "management"])
def test_everyone_who_sees_the_areas_aggregates_lists_its_plans_and_no_other_areas(
    request, login, plan, other_plan, who
):
    response = login(request.getfixturevalue(who)).get(LIST)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [plan.pk]


def test_the_analyst_lists_every_areas_plans(login, analyst, plan, other_plan):
    rows = login(analyst).get(LIST).json()["results"]

    assert sorted(row["id"] for row in rows) == sorted([plan.pk, other_plan.pk])


def test_the_detail_shows_the_plan_and_no_person(login, management, coordinator, plan):
    data = login(management).get(detail(plan)).json()

    assert data["area"] == "sdt" and data["area_name"] == "Södertörn" and data["year"] == 2026
    assert data["planned_inflow"] == INFLOW
    assert data["planned_inflow_total"] == 109  # 10+12+14+9+8+6+2+5+11+13+12+7
    assert data["version"] == 1
    assert data["may_edit"] is False
    assert "created_by" not in data
    assert login(coordinator).get(detail(plan)).json()["may_edit"] is True


def test_each_listed_plan_and_each_detail_is_in_the_access_log(login, management, plan, area):
    client = login(management)

    client.get(LIST)
    client.get(detail(plan))

    rows = logged(AccessLog.Action.VIEW, object_type="workplan", object_id=str(plan.pk))
    assert rows.count() == 2
    assert {(entry.user, entry.area_id) for entry in rows} == {(management, area.pk)}


def test_an_empty_list_is_logged_too(login, management):
    login(management).get(LIST)

    entry = logged(AccessLog.Action.VIEW, object_type="workplan").get()
    assert entry.object_id == "" and "tom" in entry.purpose


@pytest.mark.parametrize("who", ["outsider", "other_management", "other_coordinator"])
def test_another_areas_staff_get_404_like_an_unknown_id_and_the_refusal_is_logged(
    request, login, plan, area, who
):
    client = login(request.getfixturevalue(who))
    before = fresh(plan).version

    answers = [
        client.get(detail(plan)),
        patch(client, plan, {"version": 1, "goal_average_days": 200}),
        client.get(detail(987654)),
        patch(client, 987654, {"version": 1}),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert answers[0].json() == answers[2].json() == {"detail": "Hittades inte."}
    assert plan.pk not in [row["id"] for row in client.get(LIST).json()["results"]]
    assert fresh(plan).version == before
    denied = logged(AccessLog.Action.DENIED, object_type="workplan", object_id=str(plan.pk))
    assert denied.count() == 2 and {entry.area_id for entry in denied} == {area.pk}


def test_a_role_without_statistics_is_refused_every_operation(login, area, plan):
    sysadmin = staff("sysadmin", areas=[area], username="admin.sdt")
    client = login(sysadmin)

    answers = [client.get(LIST), client.get(detail(plan)), post(client, {"area": "sdt"})]

    assert [a.status_code for a in answers] == [403, 403, 403]
    assert answers[0].json()["detail"] == "Du har inte behörighet att se statistik."
    assert logged(AccessLog.Action.DENIED, user=sysadmin).count() == 3


def test_anonymous_gets_401(client, plan):
    assert client.get(LIST).status_code == 401
    assert client.get(detail(plan)).status_code == 401


def test_a_malformed_id_is_a_404(login, management):
    assert login(management).get("/api/v1/work-plans/abc/").status_code == 404


# --- filters ----------------------------------------------------------------------------------


def test_the_area_filter_narrows_the_analysts_list(login, analyst, plan, other_plan):
    rows = login(analyst).get(LIST, {"area": "ume"}).json()["results"]

    assert [row["id"] for row in rows] == [other_plan.pk]


def test_another_areas_code_matches_nothing_and_a_malformed_one_is_400(
    login, management, plan, other_plan
):
    client = login(management)

    assert client.get(LIST, {"area": "ume"}).json()["results"] == []
    response = client.get(LIST, {"area": "no such code!"})
    assert response.status_code == 400 and "area" in response.json()


def test_the_year_filter_narrows_to_the_plans_year(login, management, area, plan):
    plan_2025 = WorkPlan.objects.create(area=area, year=2025)
    client = login(management)

    assert [r["id"] for r in client.get(LIST, {"year": 2025}).json()["results"]] == [plan_2025.pk]
    assert [r["id"] for r in client.get(LIST, {"year": "2026"}).json()["results"]] == [plan.pk]
    for bad in ("tjugo", "2026.5", "99999"):
        response = client.get(LIST, {"year": bad})
        assert response.status_code == 400 and "year" in response.json(), bad


# --- creating ---------------------------------------------------------------------------------


def test_the_coordinator_creates_a_plan_and_the_goals_come_from_the_rule_set(
    login, coordinator, area, rule_set
):
    response = post(
        login(coordinator),
        {"area": "sdt", "year": 2026, "planned_inflow": INFLOW, "planned_af_fte": "2.5"},
    )

    assert response.status_code == 201, response.json()
    created = WorkPlan.objects.get(area=area, year=2026)
    data = response.json()
    assert data["id"] == created.pk and data["version"] == 1
    # the goals the body left out are the rule set's in force on 1 January 2026
    assert (data["goal_share_percent"], data["goal_average_days"]) == (47, 210)
    assert data["deviation_tolerance_percent"] == 15
    assert data["planned_af_fte"] == "2.5" and data["planned_fk_fte"] == "0.0"
    assert created.planned_inflow == INFLOW and created.created_by == coordinator
    entry = logged(AccessLog.Action.CREATE, object_type="workplan").get()
    assert entry.user == coordinator and entry.object_id == str(created.pk)


@pytest.mark.parametrize("who", ["fk_officer", "management", "analyst", "outsider"])
def test_roles_that_do_not_keep_plans_may_not_create_one(request, login, area, who):
    response = post(login(request.getfixturevalue(who)), {"area": "sdt", "year": 2026})

    assert response.status_code == 403
    assert response.json()["detail"] == "Arbetsplanen upprättas och ändras av områdets samordnare."
    assert not WorkPlan.objects.exists()


def test_another_areas_coordinator_gets_the_same_400_as_for_an_unknown_area(
    login, other_coordinator, area
):
    client = login(other_coordinator)

    this_area = post(client, {"area": "sdt", "year": 2026})
    unknown = post(client, {"area": "finnsinte", "year": 2026})

    assert this_area.status_code == unknown.status_code == 400
    assert this_area.json() == unknown.json()
    assert list(this_area.json()) == ["area"]
    assert not WorkPlan.objects.filter(area=area).exists()


def test_an_existing_plan_is_not_created_again(login, coordinator, plan):
    response = post(login(coordinator), {"area": "sdt", "year": 2026, "goal_average_days": 100})

    assert response.status_code == 400
    assert str(plan.pk) in response.json()["year"][0]
    assert fresh(plan).goal_average_days == 230 and fresh(plan).version == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 1999}, "year"),
        ({"year": "tjugo"}, "year"),
        ({"planned_inflow": [1] * 11}, "planned_inflow"),
        ({"planned_inflow": [1] * 11 + [-1]}, "planned_inflow"),
        ({"planned_inflow": [1] * 11 + [100_001]}, "planned_inflow"),
        ({"planned_inflow": "många"}, "planned_inflow"),
        ({"goal_share_percent": 39}, "goal_share_percent"),
        ({"goal_share_percent": "fyrtio"}, "goal_share_percent"),
        ({"goal_average_days": 0}, "goal_average_days"),
        ({"deviation_tolerance_percent": 101}, "deviation_tolerance_percent"),
        ({"planned_af_fte": "1.25"}, "planned_af_fte"),
        ({"planned_fk_fte": "1000"}, "planned_fk_fte"),
        ({"planned_fk_fte": "NaN"}, "planned_fk_fte"),
        ({"created_by": 1}, "created_by"),
        ({"area": None}, "area"),
        ({"area": ["sdt"]}, "area"),
    ],
)
def test_bad_values_are_400_naming_the_field_and_nothing_is_created(
    login, coordinator, area, body, field
):
    response = post(login(coordinator), {"area": "sdt", "year": 2026, **body})

    assert response.status_code == 400
    assert field in response.json()
    assert not WorkPlan.objects.exists()


def test_a_missing_area_and_year_are_named(login, coordinator):
    response = post(login(coordinator), {})

    assert response.status_code == 400
    assert {"area", "year"} <= set(response.json())


# --- changing ---------------------------------------------------------------------------------


def test_the_coordinator_changes_the_plan_and_the_change_is_logged(login, coordinator, plan):
    response = patch(
        login(coordinator), plan, {"version": 1, "goal_average_days": 200, "planned_fk_fte": 3}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2 and response.json()["goal_average_days"] == 200
    changed = fresh(plan)
    assert (changed.version, changed.goal_average_days, str(changed.planned_fk_fte)) == (
        2,
        200,
        "3.0",
    )
    assert changed.planned_inflow == INFLOW  # left out, kept
    entry = logged(AccessLog.Action.UPDATE, object_type="workplan").get()
    assert entry.user == coordinator and "goal_average_days" in entry.purpose
    assert logged(AccessLog.Action.VIEW, object_type="workplan", user=coordinator).exists()


def test_a_stale_version_is_409_and_changes_nothing(login, coordinator, plan):
    client = login(coordinator)
    assert patch(client, plan, {"version": 1, "goal_average_days": 200}).status_code == 200

    response = patch(client, plan, {"version": 1, "goal_average_days": 150})

    assert response.status_code == 409
    assert fresh(plan).goal_average_days == 200 and fresh(plan).version == 2


def test_a_patch_needs_the_version(login, coordinator, plan):
    response = patch(login(coordinator), plan, {"goal_average_days": 200})

    assert response.status_code == 400 and "version" in response.json()
    assert fresh(plan).version == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 2027}, "year"),
        ({"area": "ume"}, "area"),
        ({"goal_share_percent": 101}, "goal_share_percent"),
        ({"planned_inflow": [0] * 13}, "planned_inflow"),
        ({"version": "ett"}, "version"),
    ],
)
def test_a_patch_of_what_cannot_change_or_of_bad_values_is_400(
    login, coordinator, plan, body, field
):
    response = patch(login(coordinator), plan, {"version": 1, **body})

    assert response.status_code == 400
    assert field in response.json()
    assert fresh(plan).version == 1


@pytest.mark.parametrize("who", ["fk_officer", "management", "analyst"])
def test_roles_that_read_but_do_not_keep_the_plan_get_403_on_patch(request, login, plan, who):
    response = patch(
        login(request.getfixturevalue(who)), plan, {"version": 1, "goal_average_days": 1}
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Arbetsplanen upprättas och ändras av områdets samordnare."
    assert fresh(plan).version == 1


def test_put_and_delete_are_not_offered(login, coordinator, plan):
    client = login(coordinator)

    assert client.put(detail(plan), {}, content_type="application/json").status_code == 405
    assert client.delete(detail(plan)).status_code == 405
    assert WorkPlan.objects.filter(pk=plan.pk).exists()


# --- machine clients ------------------------------------------------------------------------


def test_a_token_reads_and_writes_like_the_user(coordinator, plan):
    _token, secret = api_token_create(user=coordinator, name="Uppföljning")
    client = Client(headers={"Authorization": f"Token {secret}"})

    listed = client.get(LIST)
    changed = client.patch(
        detail(plan), {"version": 1, "goal_average_days": 210}, content_type="application/json"
    )

    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert changed.status_code == 200 and fresh(plan).goal_average_days == 210
    assert logged(AccessLog.Action.UPDATE, object_type="workplan").get().user == coordinator
