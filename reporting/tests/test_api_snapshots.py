"""The monthly-snapshot resource of the API (issue 6 point 1, SPEC §5, §6): the stored figures
of the monthly job, read-only, every version; scoped like the dashboard (an area's snapshots for
those who see its aggregates, the nation's for national roles), small cells suppressed for
roles without case access exactly as on the dashboard, every read in the access log.

The snapshots are made by the monthly job's own service (reporting.snapshots.snapshot_compute)
from cases registered here; expected counts are worked out by hand in the comments."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import staff
from accounts.tokens import api_token_create
from audit.models import AccessLog
from reporting.models import MonthlySnapshot
from reporting.snapshots import snapshot_compute
from reporting.views.dashboard import dashboard_load

from .test_dashboard import started

# Fixtures are also looked up at run time (request.getfixturevalue).
pytestmark = pytest.mark.django_db

LIST = reverse("api:snapshot-list")
JAN, FEB, MAR = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)
PARTS = {
    "outcomes",
    "average_days",
    "mapping_stats",
    "inflow",
    "status_report",
    "caseload",
    "timeliness",
}


def detail(snapshot_or_id):
    return reverse("api:snapshot-detail", args=[getattr(snapshot_or_id, "pk", snapshot_or_id)])


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def new_in_month(data) -> int | None:
    """New participants of the snapshot's month, all sexes (None when hidden)."""
    return data["figures"]["inflow"]["period"]["all"]["count"]


@pytest.fixture
def months(area, other_area):
    """Södertörn: 6 new participants in January, 3 in February, 7 in March (all women), a
    snapshot of each month; Umeå: 5 new in February and its snapshot. Returns Södertörn's
    snapshots by month and Umeå's February."""
    started(area, dt.date(2025, 1, 10), 6)
    started(area, dt.date(2025, 2, 3), 3)
    started(area, dt.date(2025, 3, 4), 7)
    started(other_area, dt.date(2025, 2, 5), 5)
    ours = {month: snapshot_compute(area=area, month=month)[0] for month in (JAN, FEB, MAR)}
    theirs, _ = snapshot_compute(area=other_area, month=FEB)
    return ours, theirs


@pytest.fixture
def february_v2(area, months):
    """February recomputed after a late registration: a fourth new participant, version 2."""
    started(area, dt.date(2025, 2, 20), 1)
    snapshot, created = snapshot_compute(area=area, month=FEB)
    assert created and snapshot.version == 2
    return snapshot


@pytest.fixture
def other_management(other_area):
    return staff("management", areas=[other_area], username="ledning.ume")


# --- reading ----------------------------------------------------------------------------------


def test_a_coordinator_reads_the_areas_snapshots_with_exact_figures(login, coordinator, months):
    ours, _theirs = months
    client = login(coordinator)
    listed = rows(client.get(LIST))

    assert [(row["month"], row["version"]) for row in listed] == [
        ("2025-03", 1),
        ("2025-02", 1),
        ("2025-01", 1),
    ]
    assert listed[1]["id"] == ours[FEB].pk and "figures" not in listed[1]
    february = client.get(detail(ours[FEB])).json()
    assert february["area"] == "sdt" and february["month"] == "2025-02"
    assert february["national"] is False and february["latest"] is True
    assert february["suppressed"] is False and february["small_cell"] == 5
    assert set(february["figures"]) == PARTS
    assert new_in_month(february) == 3  # February's three, shown to a role with case access


def test_the_management_group_sees_the_small_cells_hidden_as_on_the_dashboard(
    login, management, coordinator, months, area
):
    ours, _ = months
    managers = login(management).get(detail(ours[FEB])).json()

    assert managers["suppressed"] is True
    assert new_in_month(managers) is None  # 3 people: hidden
    assert new_in_month(login(management).get(detail(ours[JAN])).json()) == 6
    # the very figures the dashboard shows the management group for February
    board = dashboard_load(user=management, area=area)
    shown = {month.label: month for month in board.months}["2025-02"]
    assert managers["figures"]["inflow"] == shown.inflow
    assert managers["figures"]["outcomes"] == shown.outcomes
    assert managers["figures"]["average_days"] == shown.average_days


def test_every_part_goes_through_the_suppression_for_roles_without_case_access(
    login, management, coordinator, months, monkeypatch
):
    ours, _ = months
    kinds = []

    def recording(kind, data):
        kinds.append(kind)
        return {"hidden": kind}

    monkeypatch.setattr("reporting.suppression.suppress_report", recording)

    managers = login(management).get(detail(ours[FEB])).json()["figures"]
    assert sorted(kinds) == sorted(
        ["outcomes", "average_days", "mappings", "inflow", "status", "caseload", "timeliness"]
    )
    assert managers["caseload"] == {"hidden": "caseload"}
    kinds.clear()
    login(coordinator).get(detail(ours[FEB]))
    assert kinds == []


def test_a_part_the_api_does_not_know_is_never_shown(login, management, coordinator, area):
    snapshot = MonthlySnapshot.objects.create(
        area=area,
        month=JAN,
        version=1,
        figures={"month": "2025-01", "area_ids": [area.pk], "per_person": {"x": 1}},
        digest="d",
    )

    for user in (management, coordinator):
        figures = login(user).get(detail(snapshot)).json()["figures"]
        assert "per_person" not in figures and set(figures) == PARTS


def test_no_digest_is_shown_that_could_be_matched_against_guessed_figures(
    login, management, months
):
    ours, _ = months
    data = login(management).get(detail(ours[FEB])).json()

    assert "digest" not in data and ours[FEB].digest not in str(data)


def test_the_status_report_names_areas_by_code(login, coordinator, months):
    ours, _ = months
    status = login(coordinator).get(detail(ours[MAR])).json()["figures"]["status_report"]

    assert list(status["areas"]) == ["sdt"]


def test_each_listed_snapshot_and_each_detail_is_in_the_access_log(login, management, months, area):
    ours, _ = months
    client = login(management)

    client.get(LIST)
    client.get(detail(ours[FEB]))

    entries = AccessLog.objects.filter(action=AccessLog.Action.VIEW, object_type="monthlysnapshot")
    assert entries.count() == 4  # three rows, one detail
    assert {entry.area_id for entry in entries} == {area.pk}
    assert entries.filter(object_id=str(ours[FEB].pk)).count() == 2


# --- scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "other_management"])
def test_another_areas_staff_get_404_like_an_unknown_id(request, login, months, who):
    ours, theirs = months
    client = login(request.getfixturevalue(who))

    mine = client.get(detail(ours[FEB]))
    unknown = client.get(detail(987654))

    assert mine.status_code == unknown.status_code == 404
    assert mine.json() == unknown.json()
    assert [row["id"] for row in rows(client.get(LIST))] == [theirs.pk]
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED,
        object_type="monthlysnapshot",
        object_id=str(ours[FEB].pk),
    ).exists()


def test_the_nation_is_for_national_roles_only(login, analyst, coordinator, management, months):
    nation, _ = snapshot_compute(area=None, month=FEB)

    analysts = rows(login(analyst).get(LIST, {"national": "true"}))
    assert [(row["id"], row["area"], row["national"]) for row in analysts] == [
        (nation.pk, None, True)
    ]
    # 3 + 5 new in February: 8, not small, so shown to the analyst too
    assert new_in_month(login(analyst).get(detail(nation)).json()) == 8
    for user in (coordinator, management):
        client = login(user)
        assert client.get(detail(nation)).status_code == 404
        assert nation.pk not in [row["id"] for row in rows(client.get(LIST))]


def test_the_analyst_reads_every_area_suppressed(login, analyst, months):
    ours, theirs = months
    listed = rows(login(analyst).get(LIST, {"national": "false"}))

    assert sorted(row["id"] for row in listed) == sorted(
        [*(s.pk for s in ours.values()), theirs.pk]
    )
    assert all(row["suppressed"] for row in listed)


def test_a_role_without_statistics_is_refused(login, area, months):
    client = login(staff("api_client", areas=[area], username="export"))

    assert client.get(LIST).status_code == 403
    assert client.get(detail(months[0][FEB])).status_code == 403


def test_anonymous_gets_401(client, months):
    assert client.get(LIST).status_code == 401


# --- snapshots are immutable ---------------------------------------------------------------


def test_nothing_can_be_written(login, coordinator, months):
    ours, _ = months
    client = login(coordinator)
    body = {"area": "sdt", "month": "2025-04", "figures": {}}

    answers = [
        client.post(LIST, body, content_type="application/json"),
        client.patch(detail(ours[FEB]), {"version": 9}, content_type="application/json"),
        client.put(detail(ours[FEB]), body, content_type="application/json"),
        client.delete(detail(ours[FEB])),
    ]

    assert [a.status_code for a in answers] == [405, 405, 405, 405]
    assert MonthlySnapshot.objects.count() == 4
    assert MonthlySnapshot.objects.get(pk=ours[FEB].pk).version == 1


# --- versions and filters ---------------------------------------------------------------------


def test_every_version_is_listed_and_latest_narrows_to_the_newest(
    login, coordinator, months, february_v2
):
    ours, _ = months
    client = login(coordinator)

    everything = rows(client.get(LIST))
    latest = rows(client.get(LIST, {"latest": "true"}))
    older = rows(client.get(LIST, {"latest": "false"}))

    assert [(r["month"], r["version"], r["latest"]) for r in everything] == [
        ("2025-03", 1, True),
        ("2025-02", 2, True),
        ("2025-02", 1, False),
        ("2025-01", 1, True),
    ]
    assert [r["id"] for r in latest] == [ours[MAR].pk, february_v2.pk, ours[JAN].pk]
    assert [r["id"] for r in older] == [ours[FEB].pk]
    assert new_in_month(client.get(detail(february_v2)).json()) == 4
    assert new_in_month(client.get(detail(ours[FEB])).json()) == 3
    assert client.get(detail(ours[FEB])).json()["latest"] is False
    assert client.get(LIST, {"latest": "kanske"}).status_code == 400


def test_the_period_filter_takes_months_or_days(login, coordinator, months):
    ours, _ = months
    client = login(coordinator)

    def ids(**params):
        return [row["id"] for row in rows(client.get(LIST, params))]

    assert ids(**{"from": "2025-02", "to": "2025-02"}) == [ours[FEB].pk]
    assert ids(**{"from": "2025-02"}) == [ours[MAR].pk, ours[FEB].pk]
    assert ids(to="2025-01") == [ours[JAN].pk]
    # a day: the months whose first day lies in the range
    assert ids(**{"from": "2025-01-15", "to": "2025-03-01"}) == [ours[MAR].pk, ours[FEB].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13"}, "from"),
        ({"to": "februari"}, "to"),
        ({"from": "2025-02-30"}, "from"),
        ({"to": "1800-01"}, "to"),
        ({"area": "a b"}, "area"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(login, coordinator, months, params, field):
    response = login(coordinator).get(LIST, params)

    assert response.status_code == 400
    assert field in response.json()


def test_the_area_filter(login, analyst, months):
    _ours, theirs = months

    assert [row["id"] for row in rows(login(analyst).get(LIST, {"area": "ume"}))] == [theirs.pk]


# --- machine clients ------------------------------------------------------------------------


def test_a_token_reads_like_the_user(management, months):
    ours, _ = months
    _token, secret = api_token_create(user=management, name="Uppföljning")
    client = Client(headers={"Authorization": f"Token {secret}"})

    data = client.get(detail(ours[FEB])).json()

    assert data["suppressed"] is True and new_in_month(data) is None
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, user=management, object_type="monthlysnapshot"
    ).exists()
