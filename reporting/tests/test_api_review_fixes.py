"""Findings of the review of the follow-up resources, each pinned by a test:

- FK's facts reach no AF officer or coordinator through statistics either: the joint-mapping
  table by benefit and by time in the sick-leave case is left out for case-access readers who
  are not FK staff (reporting.secrecy), in the report API and in the snapshots;
- the snapshot's status report, tied to the caseload by sums, is not shown to readers without
  case access;
- a reader without case access sees only the newest version of a month's snapshot;
- a decimal id in a request body ("12.0") is an id like 12, not a server error."""

import datetime as dt

import pytest
from django.urls import reverse

from mapping.tests.factories import JointMappingFactory
from reporting.models import MonthlySnapshot
from reporting.snapshots import snapshot_compute

pytestmark = pytest.mark.django_db

FEB = dt.date(2025, 2, 1)


@pytest.fixture
def mapping_held(person):
    """One mapping held in February 2025, with FK's facts, for a person without consent."""
    return JointMappingFactory(
        person=person,
        area=person.area,
        first_meeting_on=dt.date(2025, 2, 10),
        benefit="sjukersattning",
        sick_leave_start=dt.date(2023, 1, 1),
    )


def _report(client):
    response = client.get(
        reverse("api:report-mappings"), {"from": "2025-02", "to": "2025-02", "area": "sdt"}
    )
    assert response.status_code == 200, response.content[:300]
    return response.json()["data"]


@pytest.mark.parametrize("who", ["af_officer", "colleague"])
def test_the_mapping_report_leaves_fk_facts_out_for_others_than_fk(
    request, login, mapping_held, who
):
    data = _report(login(request.getfixturevalue(who)))
    assert data["rows"]["total"]["total"]["count"] == 1
    assert "benefit" not in data["rows"] and "sick_leave_band" not in data["rows"]
    assert "benefit" not in data["levels"]


def test_fk_staff_and_management_see_the_benefit_table(login, fk_officer, management, mapping_held):
    assert _report(login(fk_officer))["rows"]["benefit"]["sjukersattning"]["count"] == 1
    # management has no case access: the table is there, suppressed (1 is a small count)
    assert "benefit" in _report(login(management))["rows"]


def _snapshot_figures(client, snapshot):
    response = client.get(reverse("api:snapshot-detail", args=[snapshot.pk]))
    assert response.status_code == 200, response.content[:300]
    return response.json()["figures"]


def test_a_snapshot_leaves_fk_facts_out_for_an_af_officer(login, af_officer, mapping_held, area):
    snapshot, _ = snapshot_compute(area=area, month=FEB)
    figures = _snapshot_figures(login(af_officer), snapshot)
    assert figures["mapping_stats"]["rows"]["total"]["total"]["count"] == 1
    assert "benefit" not in figures["mapping_stats"]["rows"]
    assert "sick_leave_band" not in figures["mapping_stats"]["rows"]


def test_the_status_report_of_a_snapshot_is_for_case_access_only(
    login, management, coordinator, mapping_held, area
):
    snapshot, _ = snapshot_compute(area=area, month=FEB)
    assert _snapshot_figures(login(management), snapshot)["status_report"] is None
    assert _snapshot_figures(login(coordinator), snapshot)["status_report"] is not None


def test_without_case_access_only_the_newest_version_is_shown(login, management, coordinator, area):
    older = MonthlySnapshot.objects.create(area=area, month=FEB, version=1, figures={}, digest="a")
    newer = MonthlySnapshot.objects.create(area=area, month=FEB, version=2, figures={}, digest="b")
    listed = login(management).get(reverse("api:snapshot-list")).json()
    assert [row["id"] for row in listed["results"]] == [newer.pk]
    assert login(management).get(reverse("api:snapshot-detail", args=[older.pk])).status_code == 404
    everything = login(coordinator).get(reverse("api:snapshot-list")).json()
    assert {row["id"] for row in everything["results"]} == {older.pk, newer.pk}


def test_a_decimal_id_in_a_body_is_read_as_a_number(login, fk_officer):
    response = login(fk_officer).post(
        reverse("api:meeting-list"),
        {"person": "99999.0", "kind": "kontaktmote", "date": str(dt.date.today())},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "person" in response.json()
