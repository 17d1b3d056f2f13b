"""The timeliness report in the API (/api/v1/reports/timeliness/, issue 15 point 3): the figures of
the hand-counted population of test_metrics_timeliness.py, team and officer rows for the area's
coordinator only, suppression for roles without case access, 404 for another area, the access
log, CSV and the OpenAPI schema."""

import csv
import io

import pytest
import yaml
from django.urls import reverse

from audit.models import AccessLog

from . import test_metrics_timeliness

pytestmark = pytest.mark.django_db

population = test_metrics_timeliness.population
URL = reverse("api:report-timeliness")
JANUARY = {"from": "2025-01", "to": "2025-01"}


def get(client, **params):
    return client.get(URL, {**JANUARY, **params})


def test_the_coordinator_gets_the_area_with_teams_and_officers(
    login, coordinator, area, team, fk_officer, colleague, population
):
    response = get(login(coordinator), area="sdt")

    assert response.status_code == 200
    body = response.json()
    assert (body["report"], body["area"], body["suppressed"]) == ("timeliness", "sdt", False)
    data = body["data"]
    # as counted by hand in test_metrics_timeliness: A and I on time, B and C late
    assert data["areas"]["sdt"]["start"] == {
        "cases": 4,
        "on_time": 2,
        "late": 2,
        "open": 0,
        "share": "50%",
    }
    assert data["total"]["active_days"]["share"] == "46%"
    assert data["goals"]["plan"] == 100
    assert data["officers"][str(fk_officer.pk)]["start"]["share"] == "33%"
    assert data["teams"][str(team.pk)]["plan"]["late"] == 1
    assert data["names"]["officers"][str(colleague.pk)] == colleague.get_full_name()
    assert data["names"]["teams"] == {str(team.pk): "Team 1"}


def test_an_officer_gets_the_area_without_anyone_s_own_figures(login, fk_officer, population):
    data = get(login(fk_officer), area="sdt").json()["data"]

    assert data["areas"]["sdt"]["follow_up"]["share"] == "67%"
    assert "officers" not in data and "teams" not in data and "names" not in data


def test_the_management_group_gets_small_cells_hidden(login, management, population):
    body = get(login(management), area="sdt").json()

    assert body["suppressed"] is True
    start = body["data"]["areas"]["sdt"]["start"]
    # 2 on time and 2 late, both under 5: hidden with the share computed from them
    assert (start["on_time"], start["late"], start["share"]) == (None, None, None)
    assert "officers" not in body["data"]


@pytest.mark.parametrize("who", ["outsider", "other_coordinator"])
def test_another_area_s_staff_get_404_and_the_refusal_is_logged(
    login, request, area, population, who
):
    response = get(login(request.getfixturevalue(who)), area="sdt")

    assert response.status_code == 404
    entry = AccessLog.objects.filter(action=AccessLog.Action.DENIED, area=area).get()
    assert "timeliness" in entry.purpose


def test_the_other_area_s_coordinator_gets_only_their_own_area(
    login, other_coordinator, other_area, population
):
    data = get(login(other_coordinator)).json()["data"]

    assert list(data["areas"]) == ["ume"]
    assert data["total"]["follow_up"]["late"] == 1  # H in Umeå
    assert "officers" not in data  # no single area asked for


def test_every_answer_is_logged(login, coordinator, area, population):
    get(login(coordinator), area="sdt")

    entry = AccessLog.objects.exclude(action=AccessLog.Action.LOGIN).get()
    assert (entry.action, entry.object_type, entry.object_id) == ("view", "report", "timeliness")
    assert entry.area_id == area.pk


def test_the_report_as_csv_one_row_per_group_and_measure(
    login, coordinator, fk_officer, population
):
    response = get(login(coordinator), area="sdt", format="csv")

    assert response.status_code == 200
    assert 'filename="samverkan-timeliness-2025-01-sdt.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][:6] == ["group", "group_label", "key", "name", "measure", "measure_label"]
    by = {(r[0], r[2], r[4]): r for r in rows[1:]}
    assert by[("area", "sdt", "closing_doc")][6:10] == ["2", "1", "1", "0"]
    assert by[("area", "sdt", "active_days")][10:14] == ["112", "52", "46%", "80"]
    officer = by[("officer", str(fk_officer.pk), "start")]
    assert (officer[3], officer[12]) == (fk_officer.get_full_name(), "33%")


def test_the_report_is_in_the_schema(login, analyst):
    schema = yaml.safe_load(login(analyst).get(reverse("api:schema")).content)

    operation = schema["paths"]["/api/v1/reports/timeliness/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "from",
        "to",
        "area",
        "region",
        "format",
    }
    ok = operation["responses"]["200"]["content"]
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/TimelinessReport"}
    assert "Kolumner:" in ok["text/csv"]["schema"]["description"]
    row = schema["components"]["schemas"]["TimelinessRow"]["properties"]
    assert set(row) == {"start", "follow_up", "closing_doc", "plan", "active_days"}
