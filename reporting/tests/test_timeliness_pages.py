"""The timeliness figures on the pages (issue 15 point 3): the dashboard's section from the
monthly snapshot with the goals, and the timeliness page for any period with team and officer
rows for the area's coordinator; scoping, suppression, the access log and CSV. The population
is test_metrics_timeliness.py's, counted by hand there."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from audit.models import AccessLog
from reporting.snapshots import snapshot_compute

from . import test_metrics_timeliness

pytestmark = pytest.mark.django_db

population = test_metrics_timeliness.population
PAGE = reverse("reporting:timeliness")
JANUARY = {"omrade": "sdt", "fran": "2025-01", "till": "2025-01"}


def table(response, key):
    """{row header: [cell texts]} of one table of the page."""
    tables = response.context.get("tables")
    if tables is None:
        tables = [t for section in response.context["sections"] for t in section.tables]
    for one in tables:
        if one.key == key:
            return {row.header.text: [cell.text for cell in row.cells] for row in one.rows}
    raise AssertionError(f"no table {key}")


def keys(response):
    return [t.key for t in response.context["tables"]]


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_shows_the_month_against_the_goals(login, coordinator, area, population):
    snapshot_compute(area=area, month=dt.date(2025, 1, 1))

    response = login(coordinator).get(reverse("reporting:overview"), {"omrade": "sdt"})

    # start 50 %, follow-up 67 %, closing documentation 50 %, plan 50 %, active days 46 %: all
    # under their goals (90, 90, 90, 100, 80)
    row = table(response, "tidsfrister")["2025-01"]
    assert row[:5] == ["50%", "67%", "50%", "50%", "46%"]
    assert row[5].startswith("Under målet: behovsanalys startad i tid, uppföljning i tid")
    detail = table(response, "tidsfrister-manad")
    assert detail["Slutdokumentation i tid"] == [
        "2",
        "1",
        "1",
        "0",
        "–",
        "–",
        "50%",
        "90%",
        "Under målet",
    ]
    assert detail["Dagar med pågående insats"][4:7] == ["112", "52", "46%"]
    section = next(s for s in response.context["sections"] if s.key == "tidsfrister")
    assert len(section.charts) == 5  # one per measure, each with its goal line
    assert section.links[0][0] == f"{PAGE}?omrade=sdt"


def test_the_management_group_sees_the_section_suppressed(login, management, area, population):
    snapshot_compute(area=area, month=dt.date(2025, 1, 1))

    response = login(management).get(reverse("reporting:overview"), {"omrade": "sdt"})

    # every deadline count is under 5: hidden, and the shares with them
    assert table(response, "tidsfrister")["2025-01"][:4] == ["dolt"] * 4
    assert table(response, "tidsfrister-manad")["Behovsanalys startad i tid"][1] == "<5"


# --- the timeliness page ------------------------------------------------------------------------


def test_the_coordinator_sees_the_area_its_teams_and_its_officers(
    login, coordinator, fk_officer, colleague, population
):
    response = login(coordinator).get(PAGE, JANUARY)

    assert response.status_code == 200
    assert keys(response) == ["fristerna", "team", "handlaggare"]
    assert table(response, "fristerna")["Uppföljning i tid"][:4] == ["3", "2", "1", "0"]
    # Team 1 is the FK and the AF officer: A–F, as the FK officer's own row
    assert table(response, "team")["Team 1"][0] == "33% (1 av 3)"
    officers = table(response, "handlaggare")
    assert officers[f"{fk_officer.get_full_name()} (FK)"][:2] == ["33% (1 av 3)", "50% (1 av 2)"]
    assert officers[f"{colleague.get_full_name()} (AF)"][4] == "34% (21 av 61)"


def test_an_officer_sees_the_area_and_their_own_team_but_no_officer(login, fk_officer, population):
    response = login(fk_officer).get(PAGE, JANUARY)

    assert keys(response) == ["fristerna", "team"]
    assert list(table(response, "team")) == ["Team 1"]


def test_the_management_group_sees_the_area_suppressed_and_no_one_s_own(
    login, management, population
):
    response = login(management).get(PAGE, JANUARY)

    assert keys(response) == ["fristerna"]
    assert table(response, "fristerna")["Behovsanalys startad i tid"][:3] == ["<5", "<5", "<5"]
    assert b"small-cell-note" in response.content


def test_the_analyst_sees_the_nation_area_by_area(login, analyst, population):
    response = login(analyst).get(PAGE, {"omrade": "riket", "fran": "2025-01", "till": "2025-01"})

    assert keys(response) == ["fristerna", "omraden"]
    assert set(table(response, "omraden")) == {"Södertörn", "Umeå"}


@pytest.mark.parametrize("who", ["outsider", "other_coordinator"])
def test_another_area_s_staff_get_404_logged(login, request, area, population, who):
    response = login(request.getfixturevalue(who)).get(PAGE, JANUARY)

    assert response.status_code == 404
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED, area=area).exists()


def test_any_period_of_days(login, coordinator, population):
    # 1–10 January: A's start (due 3 Jan) on time, B's (due 11 Jan) not in it; F's follow-up
    # due 7 Jan late; E's closing documentation due 10 Jan missed
    response = login(coordinator).get(
        PAGE, {"omrade": "sdt", "fran": "2025-01-01", "till": "2025-01-10"}
    )

    figures = table(response, "fristerna")
    assert figures["Behovsanalys startad i tid"][:3] == ["1", "1", "0"]
    assert figures["Uppföljning i tid"][:3] == ["1", "0", "1"]
    assert figures["Slutdokumentation i tid"][:3] == ["1", "0", "1"]


def test_a_wrong_period_is_reported_and_the_last_month_shown(login, coordinator):
    response = login(coordinator).get(PAGE, {"omrade": "sdt", "fran": "januari"})

    assert response.status_code == 200
    assert "Ange en månad (ÅÅÅÅ-MM) eller en dag (ÅÅÅÅ-MM-DD)." in response.content.decode()


def test_each_view_and_csv_is_logged(login, coordinator, area, fk_officer, population):
    client = login(coordinator)
    client.get(PAGE, JANUARY)
    response = client.get(PAGE, {**JANUARY, "csv": "handlaggare"})

    body = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][0] == "Handläggare"
    assert any(row[0] == f"{fk_officer.get_full_name()} (FK)" for row in rows)
    logged = AccessLog.objects.filter(object_type="timeliness").order_by("id")
    assert [(e.action, e.area_id) for e in logged] == [("view", area.pk), ("export", area.pk)]
    assert "2025-01-01–2025-01-31" in logged[0].purpose
