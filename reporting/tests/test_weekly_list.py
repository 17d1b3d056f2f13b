"""The weekly list (/veckolista/, issue 15 point 4): what fell due in an ISO week and whether it was
done on time, per officer, for a coordinator's area or team and for an officer's team; printable
and as CSV; scoped and logged like the worklist. The population is test_metrics_timeliness.py's,
its deadlines counted by hand there."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.tests.factories import MeetingFactory

from . import test_metrics_timeliness

pytestmark = pytest.mark.django_db

population = test_metrics_timeliness.population
URL = reverse("reporting:weekly_list")
# Thursday 9 January 2025, in ISO week 2025-W02 (6–12 January)
THURSDAY = dt.datetime(2025, 1, 9, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def on_thursday():
    with time_machine.travel(THURSDAY, tick=False):
        yield


def items(response):
    """{officer name: [(task, due, state label)]} as the page lists them."""
    return {
        group["name"]: [(str(i["task"]), i["due"], str(i["state_label"])) for i in group["items"]]
        for group in response.context["officers"]
    }


def test_an_officer_sees_the_week_of_their_team_per_officer(
    login, fk_officer, af_officer, colleague, population
):
    response = login(fk_officer).get(URL)

    assert response.status_code == 200
    assert response.context["label"] == "2025-W02"
    # F's follow-up was due on Tuesday 7th (10 Dec + 28) and is not held: missed; E's closing
    # documentation is due Friday 10th, B's start Saturday 11th: not yet passed. Each under both
    # officers of its case (E and F: the FK officer and the colleague; B: the team).
    follow_up = ("Uppföljning", dt.date(2025, 1, 7), "Missad")
    closing = ("Slutdokumentation", dt.date(2025, 1, 10), "Ej passerad")
    start = ("Starta behovsanalys", dt.date(2025, 1, 11), "Ej passerad")
    assert items(response) == {
        af_officer.get_full_name(): [start],
        colleague.get_full_name(): [follow_up, closing],
        fk_officer.get_full_name(): [follow_up, closing, start],
    }
    [summary] = [g for g in response.context["officers"] if g["officer"] == fk_officer]
    assert (summary["total"], summary["counts"]["overdue"], summary["counts"]["open"]) == (3, 1, 2)


def test_an_earlier_week_shows_what_was_done_on_time_and_late(
    login, coordinator, fk_officer, population
):
    # 30 December – 5 January (2025-W01): A's start due 3 Jan, met 2 Jan; F's plan due 5 Jan
    # (the move to introduction), the plan came on 8 Jan: late
    response = login(coordinator).get(URL, {"week": "2025-W01"})

    assert items(response)[fk_officer.get_full_name()] == [
        ("Starta behovsanalys", dt.date(2025, 1, 3), "I tid"),
        ("Plan före introduktion", dt.date(2025, 1, 5), "Gjort för sent"),
    ]


def test_a_coordinator_chooses_a_team(login, coordinator, team, fk_officer, colleague, population):
    # 13–19 January: I's start due 16 Jan (met 2 Jan) is the colleague's alone, G's start due
    # 19 Jan (referred 5 Jan, met 6 Jan) the team's. The colleague is in no team: with Team 1 chosen, I
    # goes.
    client = login(coordinator)
    everyone = items(client.get(URL, {"week": "2025-W03"}))
    response = client.get(URL, {"week": "2025-W03", "team": team.pk})

    i_start = ("Starta behovsanalys", dt.date(2025, 1, 16), "I tid")
    g_start = ("Starta behovsanalys", dt.date(2025, 1, 19), "I tid")
    assert everyone[colleague.get_full_name()] == [i_start]
    assert response.context["team"] == team
    assert colleague.get_full_name() not in items(response)
    assert items(response)[fk_officer.get_full_name()] == [g_start]


@pytest.mark.parametrize("who", ["outsider", "other_coordinator"])
def test_staff_of_another_area_see_nothing_of_this_one(login, request, population, who):
    response = login(request.getfixturevalue(who)).get(URL, {"week": "2025-W02"})

    assert response.status_code == 200
    assert response.context["officers"] == []
    assert b"weekly-empty" in response.content


@pytest.mark.parametrize("who", ["management", "analyst"])
def test_roles_without_case_access_are_refused(login, request, who):
    assert login(request.getfixturevalue(who)).get(URL).status_code == 403


def test_every_case_shown_is_logged(login, fk_officer, population):
    login(fk_officer).get(URL)

    entries = AccessLog.objects.filter(action=AccessLog.Action.VIEW, purpose="veckolista")
    # B, E and F
    assert entries.count() == 3
    assert {e.object_type for e in entries} == {"case"}


def test_the_list_as_csv(login, fk_officer, population):
    response = login(fk_officer).get(URL, {"week": "2025-W02", "csv": "1"})

    assert response.status_code == 200
    assert 'filename="veckolista-2025-W02.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0] == [
        "Vecka",
        "Handläggare",
        "Ärende",
        "Deltagare",
        "Frist",
        "Förfaller",
        "Gjort",
        "Läge",
    ]
    assert len(rows) == 1 + 6  # three deadlines, each under both officers of its case
    mine = [row for row in rows[1:] if row[1] == fk_officer.get_full_name()]
    assert [row[4:] for row in mine] == [
        ["Uppföljning", "2025-01-07", "", "Missad"],
        ["Slutdokumentation", "2025-01-10", "", "Ej passerad"],
        ["Starta behovsanalys", "2025-01-11", "", "Ej passerad"],
    ]
    assert {row[0] for row in rows[1:]} == {"2025-W02"}
    exported = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert exported.count() == 3 and not AccessLog.objects.filter(purpose="veckolista").exists()


def test_a_wrong_week_is_reported_and_this_week_shown(login, fk_officer):
    response = login(fk_officer).get(URL, {"week": "2025-53"})

    assert response.status_code == 200
    assert response.context["label"] == "2025-W02"
    assert "Ange veckan som ÅÅÅÅ-Vnn" in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_rows(login, area, fk_officer):
    client = login(fk_officer)

    def cases(n):
        for _ in range(n):
            case = CaseFactory(
                person=PersonFactory(area=area),
                fk_officer=fk_officer,
                start_date=dt.date(2024, 12, 10),
                referral_date=dt.date(2024, 12, 10),
            )
            MeetingFactory(person=case.person, case=case, date=dt.date(2024, 12, 12))

    cases(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    cases(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    # each case has two follow-ups due this week: 7 Jan (start 10 Dec + 28, held 12 Dec) and
    # 9 Jan (12 Dec + 28)
    assert response.context["officers"][0]["total"] == 44
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_list_prints_without_the_menu_and_the_filter(login, fk_officer, population):
    body = login(fk_officer).get(URL).content.decode()

    assert 'class="weekly-list"' in body and 'class="no-print"' in body
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert ".weekly-officer { break-inside: avoid-page; }" in print_rules


def test_the_worklist_and_the_caseload_page_lead_to_it(login, fk_officer, coordinator):
    assert URL in login(fk_officer).get(reverse("home")).content.decode()
    assert URL in login(coordinator).get(reverse("cases:caseload")).content.decode()
