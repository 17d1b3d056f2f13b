"""The report API's parameters (SPEC §7 "bad input gets a clear message"): whole months as
ÅÅÅÅ-MM within 1900–2100, at most 36 of them, `to` not before `from`, the status report's
`day`; every mistake a 400 naming its field in Swedish, never a 500. Without a period the last
complete month (Europe/Stockholm) is reported."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from .test_report_api import get

# Every test here needs the database, some through fixtures looked up at run time: marked, so
# pytest-django runs them before the transactional tests that flush the reference data.
pytestmark = pytest.mark.django_db

NAMES = ["outcomes", "average-days", "mappings", "inflow", "status"]
FORMAT = "Ange månaden som ÅÅÅÅ-MM, till exempel 2026-04."
RANGE = "Ange en månad mellan 1900-01 och 2100-12."
DAY_FORMAT = "Ange dagen som ÅÅÅÅ-MM-DD, till exempel 2026-04-30."
DAY_RANGE = "Ange ett datum mellan 1900-01-01 och 2100-12-31."


@pytest.fixture
def client(login, coordinator):
    return login(coordinator)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"from": "2025-13", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": "2025-00", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": "2025-1", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": "25-01", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": "2025/01", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": "2025-01-01", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": " 2025-01", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": "januari", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": "٢٠٢٥-٠١", "to": "2025-12"}, {"from": [FORMAT]}),  # Arabic-Indic digits
        ({"from": "2025-01\x00", "to": "2025-12"}, {"from": [FORMAT]}),
        ({"from": "2025-01", "to": "2025-12x"}, {"to": [FORMAT]}),
        ({"from": "x", "to": "y"}, {"from": [FORMAT], "to": [FORMAT]}),
        ({"from": "1899-12", "to": "1900-01"}, {"from": [RANGE]}),
        ({"from": "0000-01", "to": "0000-02"}, {"from": [RANGE], "to": [RANGE]}),
        ({"from": "2100-12", "to": "2101-01"}, {"to": [RANGE]}),
        ({"from": "9999-12", "to": "9999-12"}, {"from": [RANGE], "to": [RANGE]}),
        (
            {"from": "2025-03", "to": "2025-02"},
            {"to": ["Slutmånaden (to) får inte ligga före startmånaden (from)."]},
        ),
        (
            {"from": "2022-01", "to": "2025-01"},
            {"to": ["Perioden får vara högst 36 månader, den begärda är 37."]},
        ),
    ],
)
@pytest.mark.parametrize("name", NAMES)
def test_a_bad_period_is_400_with_its_field(client, name, params, errors):
    response = get(client, name, **params)

    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"day": "2025-02-30"}, {"day": [DAY_FORMAT]}),
        ({"day": "2025-2-3"}, {"day": [DAY_FORMAT]}),
        ({"day": "20250203"}, {"day": [DAY_FORMAT]}),
        ({"day": "2025-02"}, {"day": [DAY_FORMAT]}),
        ({"day": "1899-12-31"}, {"day": [DAY_RANGE]}),
        ({"day": "2101-01-01"}, {"day": [DAY_RANGE]}),
        (
            {"day": "2025-02-03", "from": "2025-01"},
            {"day": ["Ange antingen day eller from och to, inte båda."]},
        ),
        (
            {"day": "2025-02-03", "to": "2025-01"},
            {"day": ["Ange antingen day eller from och to, inte båda."]},
        ),
    ],
)
def test_a_bad_day_is_400_with_its_field(client, params, errors):
    response = get(client, "status", **params)

    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize(
    "params",
    [
        {"from": "1900-01", "to": "1900-02"},
        {"from": "2100-11", "to": "2100-12"},
        {"from": "2022-02", "to": "2025-01"},  # 36 months
    ],
)
@pytest.mark.parametrize("name", NAMES)
def test_the_edges_of_the_accepted_periods_are_answered(client, name, params):
    assert get(client, name, **params).status_code == 200


@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31", "2024-02-29"])
def test_the_edges_of_the_accepted_days_are_answered(client, day):
    response = get(client, "status", day=day)

    assert response.status_code == 200
    assert response.json()["day"] == day


def test_day_belongs_to_the_status_report_only(client):
    # the other reports are by whole months; an extra parameter is ignored there
    body = get(client, "inflow", day="2025-01-31", **{"from": "2025-01", "to": "2025-01"}).json()
    assert (body["from"], body["to"]) == ("2025-01", "2025-01")


def test_a_bad_parameter_is_json_even_when_csv_is_asked_for(client):
    response = get(client, "outcomes", format="csv", **{"from": "2025-13"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"from": [FORMAT]}
    assert not response.has_header("Content-Disposition")


# --- the defaults ------------------------------------------------------------------------------


@pytest.fixture
def march_15():
    with time_machine.travel(
        dt.datetime(2025, 3, 15, 12, tzinfo=ZoneInfo("Europe/Stockholm")), tick=False
    ):
        yield


def period(response):
    assert response.status_code == 200, response.content
    return response.json()["from"], response.json()["to"]


@pytest.mark.parametrize("name", NAMES)
def test_without_a_period_the_last_complete_month_is_reported(client, march_15, name):
    assert period(get(client, name)) == ("2025-02", "2025-02")


def test_only_to_is_that_one_month(client, march_15):
    assert period(get(client, "outcomes", to="2024-06")) == ("2024-06", "2024-06")


def test_only_from_runs_to_the_last_complete_month(client, march_15):
    assert period(get(client, "outcomes", **{"from": "2024-11"})) == ("2024-11", "2025-02")


def test_only_from_after_the_last_complete_month_is_400(client, march_15):
    response = get(client, "outcomes", **{"from": "2025-03"})

    assert response.status_code == 400
    assert response.json() == {
        "from": ["Startmånaden ligger efter den senaste hela månaden (2025-02); ange också to."]
    }


def test_only_from_too_long_ago_names_from(client, march_15):
    response = get(client, "outcomes", **{"from": "2022-02"})

    assert response.status_code == 400
    assert response.json() == {"from": ["Perioden får vara högst 36 månader, den begärda är 37."]}


def test_empty_parameters_are_missing_ones(client, march_15):
    assert period(get(client, "mappings", **{"from": "", "to": ""})) == ("2025-02", "2025-02")
    assert get(client, "status", day="").json()["day"] is None


def test_the_last_complete_month_follows_swedish_time(client):
    # 00:30 on 1 March in Stockholm is still 28 February in UTC: February is complete
    with time_machine.travel(
        dt.datetime(2025, 3, 1, 0, 30, tzinfo=ZoneInfo("Europe/Stockholm")), tick=False
    ):
        assert period(get(client, "inflow")) == ("2025-02", "2025-02")
