"""The deviation-report resource of the API (issue 6 point 1, SPEC §5, §6): read by everyone who
sees the area's aggregates, worked on by the area's management group and coordinators through
reporting.deviations (analysis and dialogue, actions, closing), never created through the API
(the monthly detection opens reports), with the pages' rules: another area's report is the
same 404 as an unknown id, small counts hidden as on the report's page, every read and write in
the access log, no edit overwriting another."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import staff
from accounts.tokens import api_token_create
from audit.models import AccessLog
from reporting.models import DeviationAction, DeviationReport

# Fixtures are also looked up at run time (request.getfixturevalue).
pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
LIST = reverse("api:deviation-report-list")
INFLOW_MONTHS = [
    {"month": "2026-02", "actual": 4, "planned": 12, "tolerance_percent": 10},
    {"month": "2026-03", "actual": 5, "planned": 14, "tolerance_percent": 10},
    {"month": "2026-04", "actual": 3, "planned": 9, "tolerance_percent": 10},
]
SHARE_MONTHS = [
    # February: 3 of 20 in work: 3 is small, so it and the share are hidden.
    {"month": "2026-02", "in_work_or_education": 3, "measured": 20, "goal_percent": 40},
    # March: 18 of 20, but the 2 who are not are small and 20 − 18 gives them away, so the 18
    # is hidden too (the page's secondary suppression); the 20 measured stay shown.
    {"month": "2026-03", "in_work_or_education": 18, "measured": 20, "goal_percent": 40},
    # April: 7 of 25, nothing small.
    {"month": "2026-04", "in_work_or_education": 7, "measured": 25, "goal_percent": 40},
]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(
        dt.datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Europe/Stockholm")), tick=False
    ):
        yield TODAY


def make_report(area, kind=DeviationReport.Kind.INFLOW_BELOW_PLAN, months=None, **fields):
    fields.setdefault("run_start", dt.date(2026, 2, 1))
    fields.setdefault("opened_for", dt.date(2026, 4, 1))
    return DeviationReport.objects.create(
        area=area,
        kind=kind,
        figures={"months": INFLOW_MONTHS if months is None else months},
        **fields,
    )


def make_action(report, due_on=dt.date(2026, 7, 1), **fields):
    return DeviationAction.objects.create(
        report=report,
        description="Besök vårdcentralerna",
        owner="Ledningsgruppen",
        due_on=due_on,
        **fields,
    )


def url(name, report_or_id):
    return reverse(f"api:deviation-report-{name}", args=[getattr(report_or_id, "pk", report_or_id)])


def detail(report_or_id):
    return url("detail", report_or_id)


def send(client, method, address, data):
    return getattr(client, method)(address, data, content_type="application/json")


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def state(report):
    """Everything a write could change about a report and its actions."""
    report = fresh(report)
    return (
        report.version,
        report.status,
        report.analysis,
        report.dialogue_on,
        report.dialogue_with,
        report.closed_on,
        [(a.pk, a.version, a.done_on, a.follow_up) for a in report.actions.all()],
    )


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def report(area):
    return make_report(area)


@pytest.fixture
def other_report(other_area):
    return make_report(other_area)


@pytest.fixture
def other_management(other_area):
    return staff("management", areas=[other_area], username="ledning.ume")


@pytest.fixture
def ready(report):
    """A report with its analysis, dialogue and one action done: ready to close."""
    report.analysis = "Färre remisser från vården."
    report.dialogue_on = dt.date(2026, 5, 10)
    report.dialogue_with = "Ledningsgruppen"
    report.status = DeviationReport.Status.IN_DIALOGUE
    report.save()
    make_action(report, done_on=dt.date(2026, 6, 1))
    return report


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["fk_officer", "coordinator", "management"])
def test_everyone_who_sees_the_areas_aggregates_lists_its_reports_and_no_other_areas(
    request, login, report, other_report, who
):
    assert ids(login(request.getfixturevalue(who)).get(LIST)) == [report.pk]


def test_the_analyst_lists_every_areas_reports(login, analyst, report, other_report):
    assert sorted(ids(login(analyst).get(LIST))) == sorted([report.pk, other_report.pk])


def test_the_detail_shows_the_report_its_actions_and_no_person(login, coordinator, report):
    action = make_action(report, due_on=dt.date(2026, 6, 1))

    data = login(coordinator).get(detail(report)).json()

    assert (data["area"], data["kind"], data["status"]) == ("sdt", "inflow_below_plan", "open")
    assert (data["run_start"], data["opened_for"]) == ("2026-02-01", "2026-04-01")
    assert data["version"] == 1 and data["may_work_on"] is True
    assert [a["id"] for a in data["actions"]] == [action.pk]
    assert data["actions"][0]["overdue"] is True  # due 1 June, not done on 15 June
    assert set(data["actions"][0]).isdisjoint({"owner_user", "report"})
    # a coordinator (case access) sees every month's inflow as stored
    assert [m["actual"] for m in data["months"]] == [4, 5, 3]
    assert [m["planned"] for m in data["months"]] == [12, 14, 9]
    assert data["suppressed"] is False


def test_the_management_group_sees_small_inflow_counts_hidden_as_on_the_page(
    login, management, report
):
    data = login(management).get(detail(report)).json()

    assert data["suppressed"] is True
    # 4 and 3 new participants are small; 5 is not; the plan is not a count of people
    assert [(m["month"], m["actual"], m["planned"]) for m in data["months"]] == [
        ("2026-02", None, 12),
        ("2026-03", 5, 14),
        ("2026-04", None, 9),
    ]
    page = login(management).get(reverse("reporting:deviation_detail", args=[report.pk]))
    assert [row[1] for row in page.context["figures"]["rows"]] == ["<5 (dolt)", 5, "<5 (dolt)"]


def test_the_day_365_figures_are_hidden_with_what_gives_them_away(
    login, management, coordinator, area
):
    report = make_report(area, kind=DeviationReport.Kind.SHARE_BELOW_GOAL, months=SHARE_MONTHS)

    managers = login(management).get(detail(report)).json()["months"]
    coordinators = login(coordinator).get(detail(report)).json()["months"]

    shown = [(m["in_work_or_education"], m["measured"], m["share"]) for m in managers]
    assert shown == [(None, 20, None), (None, 20, None), (7, 25, "28%")]
    assert [(m["in_work_or_education"], m["measured"], m["share"]) for m in coordinators] == [
        (3, 20, "15%"),
        (18, 20, "90%"),
        (7, 25, "28%"),
    ]
    assert {m["goal_percent"] for m in managers} == {40}
    assert managers[0]["actual"] is None and managers[0]["planned"] is None


def test_each_listed_report_and_each_detail_is_in_the_access_log(login, management, report, area):
    client = login(management)

    client.get(LIST)
    client.get(detail(report))

    entries = AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, object_type="deviationreport", object_id=str(report.pk)
    )
    assert entries.count() == 2
    assert {(entry.user, entry.area_id) for entry in entries} == {(management, area.pk)}


@pytest.mark.parametrize("who", ["outsider", "other_management", "other_coordinator"])
def test_another_areas_staff_get_404_like_an_unknown_id_for_every_operation(
    request, login, report, area, who
):
    client = login(request.getfixturevalue(who))
    before = state(report)

    answers = [
        client.get(detail(report)),
        send(client, "patch", detail(report), {"version": 1, "analysis": "x"}),
        send(client, "post", url("actions", report), {"description": "x", "owner": "x"}),
        send(client, "post", url("close", report), {"version": 1}),
        send(client, "post", url("action-done", report), {"action": 1}),
        client.get(detail(987654)),
        send(client, "patch", detail(987654), {"version": 1}),
    ]

    assert [a.status_code for a in answers] == [404] * 7
    assert answers[0].json() == answers[5].json()
    assert report.pk not in ids(client.get(LIST))
    assert state(report) == before
    denied = AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, object_type="deviationreport", object_id=str(report.pk)
    )
    assert denied.count() == 5 and {entry.area_id for entry in denied} == {area.pk}


def test_a_role_without_statistics_is_refused(login, area, report):
    client = login(staff("sysadmin", areas=[area], username="admin.sdt"))

    assert client.get(LIST).status_code == 403
    assert client.get(detail(report)).status_code == 403


# --- filters ----------------------------------------------------------------------------------


def test_the_filters_narrow_the_list(login, analyst, area, report, other_report):
    share = make_report(
        area,
        kind=DeviationReport.Kind.SHARE_BELOW_GOAL,
        months=SHARE_MONTHS,
        run_start=dt.date(2025, 10, 1),
        opened_for=dt.date(2025, 12, 1),
    )
    closed = make_report(
        area,
        run_start=dt.date(2025, 6, 1),
        opened_for=dt.date(2025, 8, 1),
        status=DeviationReport.Status.CLOSED,
        closed_on=dt.date(2025, 11, 1),
    )
    client = login(analyst)

    assert sorted(ids(client.get(LIST, {"area": "sdt"}))) == sorted(
        [report.pk, share.pk, closed.pk]
    )
    assert ids(client.get(LIST, {"area": "sdt", "kind": "share_below_goal"})) == [share.pk]
    assert ids(client.get(LIST, {"area": "sdt", "open": "false"})) == [closed.pk]
    assert ids(client.get(LIST, {"area": "sdt", "open": "true"})) == [report.pk, share.pk]
    assert ids(client.get(LIST, {"status": "closed"})) == [closed.pk]
    # the period is on the month the report was opened after
    assert ids(client.get(LIST, {"area": "sdt", "from": "2025-09", "to": "2025-12"})) == [share.pk]
    assert ids(client.get(LIST, {"area": "sdt", "to": "2025-08-31"})) == [closed.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "other"}, "kind"),
        ({"status": "gone"}, "status"),
        ({"open": "kanske"}, "open"),
        ({"from": "2026-00"}, "from"),
        ({"to": "2026-04-31"}, "to"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(login, management, report, params, field):
    response = login(management).get(LIST, params)

    assert response.status_code == 400
    assert field in response.json()


# --- analysis and dialogue (PATCH) ------------------------------------------------------------


@pytest.mark.parametrize("who", ["management", "coordinator"])
def test_the_management_group_and_the_coordinator_record_analysis_and_dialogue(
    request, login, report, who
):
    user = request.getfixturevalue(who)
    response = send(
        login(user),
        "patch",
        detail(report),
        {
            "version": 1,
            "analysis": "Färre remisser från vården.",
            "dialogue_on": "2026-05-10",
            "dialogue_with": "Ledningsgruppen och vårdcentralerna",
        },
    )

    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["version"], data["status"], data["dialogue_on"]) == (
        2,
        "in_dialogue",
        "2026-05-10",
    )
    assert fresh(report).analysis == "Färre remisser från vården."
    entry = AccessLog.objects.get(action=AccessLog.Action.UPDATE, object_type="deviationreport")
    assert entry.user == user and "analysis" in entry.purpose


@pytest.mark.parametrize("who", ["fk_officer", "analyst"])
def test_roles_that_read_but_do_not_work_on_reports_get_403(request, login, report, who):
    client = login(request.getfixturevalue(who))
    before = state(report)

    answers = [
        send(client, "patch", detail(report), {"version": 1, "analysis": "x"}),
        send(
            client,
            "post",
            url("actions", report),
            {"description": "x", "owner": "y", "due_on": "2026-07-01"},
        ),
        send(client, "post", url("close", report), {"version": 1}),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403]
    assert answers[0].json()["detail"] == "Avvikelserapporten hanteras av områdets ledningsgrupp."
    assert state(report) == before


def test_a_stale_version_is_409_and_changes_nothing(login, management, report):
    client = login(management)
    assert (
        send(client, "patch", detail(report), {"version": 1, "analysis": "Först"}).status_code
        == 200
    )
    before = state(report)

    response = send(client, "patch", detail(report), {"version": 1, "analysis": "Sedan"})

    assert response.status_code == 409
    assert state(report) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dialogue_on": "2026-07-01", "dialogue_with": "Ledningen"}, "dialogue_on"),
        ({"dialogue_on": "2026-03-31", "dialogue_with": "Ledningen"}, "dialogue_on"),
        ({"dialogue_on": "2026-05-10"}, "dialogue_with"),
        ({"dialogue_on": "igår", "dialogue_with": "Ledningen"}, "dialogue_on"),
        ({"dialogue_on": "1800-01-01", "dialogue_with": "Ledningen"}, "dialogue_on"),
        ({"dialogue_with": "x" * 301}, "dialogue_with"),
        ({"analysis": ["en", "lista"]}, "analysis"),
        ({"status": "closed"}, "status"),
        ({"closed_on": "2026-06-01"}, "closed_on"),
        ({"version": "två"}, "version"),
    ],
)
def test_bad_values_are_400_naming_the_field_and_change_nothing(
    login, management, report, body, field
):
    before = state(report)

    response = send(login(management), "patch", detail(report), {"version": 1, **body})

    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert state(report) == before


def test_a_patch_needs_the_version(login, management, report):
    response = send(login(management), "patch", detail(report), {"analysis": "Utan version"})

    assert response.status_code == 400 and "version" in response.json()
    assert fresh(report).analysis == ""


def test_a_closed_report_is_not_changed(login, management, ready):
    closed = send(login(management), "post", url("close", ready), {"version": ready.version})
    assert closed.status_code == 200
    before = state(ready)

    response = send(
        login(management),
        "patch",
        detail(ready),
        {"version": fresh(ready).version, "analysis": "Ny"},
    )

    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert state(ready) == before


# --- actions ----------------------------------------------------------------------------------


def test_the_management_group_adds_an_action(login, management, report):
    response = send(
        login(management),
        "post",
        url("actions", report),
        {
            "description": "Träffa vårdcentralerna",
            "owner": "Områdeschef AF",
            "due_on": "2026-09-01",
        },
    )

    assert response.status_code == 201, response.json()
    action = DeviationAction.objects.get(report=report)
    assert response.json()["id"] == action.pk and action.owner == "Områdeschef AF"
    assert response.json()["done_on"] is None and response.json()["overdue"] is False
    entry = AccessLog.objects.get(action=AccessLog.Action.CREATE, object_type="deviationaction")
    assert entry.user == management and entry.area_id == report.area_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"owner": ""}, "owner"),
        ({"description": "   "}, "description"),
        ({"due_on": None}, "due_on"),
        ({"due_on": "1800-01-01"}, "due_on"),
        ({"due_on": "snart"}, "due_on"),
        ({"owner": "x" * 201}, "owner"),
        ({"owner_user": 1}, "owner_user"),
    ],
)
def test_a_bad_action_is_400_naming_the_field(login, management, report, body, field):
    data = {"description": "Träffa vården", "owner": "Ledningen", "due_on": "2026-09-01", **body}

    response = send(login(management), "post", url("actions", report), data)

    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not DeviationAction.objects.exists()


def test_an_action_is_marked_done_with_its_own_version(login, management, report):
    action = make_action(report)
    client = login(management)
    body = {"action": action.pk, "version": 1, "done_on": "2026-06-10", "follow_up": "Klart."}

    done = send(client, "post", url("action-done", report), body)
    again = send(client, "post", url("action-done", report), body)

    assert done.status_code == 200, done.json()
    assert (done.json()["done_on"], done.json()["version"]) == ("2026-06-10", 2)
    assert fresh(action).follow_up == "Klart."
    assert again.status_code == 409  # version 1 is stale now
    assert AccessLog.objects.filter(
        action=AccessLog.Action.UPDATE, object_type="deviationaction", object_id=str(action.pk)
    ).exists()


def test_an_action_of_another_report_is_400_and_nothing_changes(
    login, management, report, area, other_report
):
    ours_elsewhere = make_action(make_report(area, run_start=dt.date(2025, 1, 1)))
    theirs = make_action(other_report)
    client = login(management)

    answers = [
        send(
            client,
            "post",
            url("action-done", report),
            {"action": a, "version": 1, "done_on": "2026-06-10"},
        )
        for a in (ours_elsewhere.pk, theirs.pk, 987654)
    ]

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert list(answers[0].json()) == ["action"]
    assert fresh(ours_elsewhere).done_on is None and fresh(theirs).done_on is None


def test_an_action_cannot_be_done_in_the_future(login, management, report):
    action = make_action(report)

    response = send(
        login(management),
        "post",
        url("action-done", report),
        {"action": action.pk, "version": 1, "done_on": "2026-06-16"},
    )

    assert response.status_code == 400 and "done_on" in response.json()
    assert fresh(action).done_on is None


# --- closing ----------------------------------------------------------------------------------


def test_a_report_with_analysis_dialogue_and_every_action_done_is_closed(login, management, ready):
    response = send(login(management), "post", url("close", ready), {"version": ready.version})

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["closed_on"]) == ("closed", "2026-06-15")
    assert response.json()["may_work_on"] is False
    assert fresh(ready).status == DeviationReport.Status.CLOSED


def test_closing_too_early_is_400_with_the_reason(login, management, report):
    before = state(report)

    response = send(login(management), "post", url("close", report), {"version": 1})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Skriv analysen innan rapporten stängs."]}
    assert state(report) == before


def test_closing_with_a_stale_version_is_409(login, management, ready):
    response = send(login(management), "post", url("close", ready), {"version": ready.version + 1})

    assert response.status_code == 409
    assert fresh(ready).status == DeviationReport.Status.IN_DIALOGUE


def test_closing_needs_the_version(login, management, ready):
    response = send(login(management), "post", url("close", ready), {})

    assert response.status_code == 400 and "version" in response.json()


# --- what is not offered ----------------------------------------------------------------------


def test_reports_are_not_created_put_or_deleted_through_the_api(
    login, management, coordinator, report
):
    body = {"area": "sdt", "kind": "inflow_below_plan", "run_start": "2026-01-01"}
    for user in (management, coordinator):
        client = login(user)
        assert send(client, "post", LIST, body).status_code == 405
        assert send(client, "put", detail(report), body).status_code == 405
        assert client.delete(detail(report)).status_code == 405
    assert DeviationReport.objects.count() == 1


# --- machine clients ------------------------------------------------------------------------


def test_a_token_reads_and_writes_like_the_user(management, report):
    _token, secret = api_token_create(user=management, name="Ledningsgruppen")
    client = Client(headers={"Authorization": f"Token {secret}"})

    read = client.get(detail(report))
    written = send(client, "patch", detail(report), {"version": 1, "analysis": "Via nyckel"})

    assert read.status_code == 200 and read.json()["suppressed"] is True
    assert written.status_code == 200 and fresh(report).analysis == "Via nyckel"
    assert AccessLog.objects.get(action=AccessLog.Action.UPDATE).user == management
