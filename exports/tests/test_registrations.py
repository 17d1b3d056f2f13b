"""The SUS-style export (issue 20 point 7, SPEC §3 "Registration points"): one row per
registration point, worked out by hand for one participant's mapping, case and interventions;
the same scoping, access log and coarsening as the other kinds."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case, Situation
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.models import Intervention
from mapping.tests.factories import InterventionFactory, JointMappingFactory
from national.models import RegistrationPoint

from .conftest import body, json_rows

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/registrations/"


@pytest.fixture
def participation(area, fk_officer, af_officer):
    """One participant of Södertörn on the team's caseload: a joint mapping, the case it led to
    (aborted on the person's own initiative), a work-preparatory intervention, the move to a
    work-oriented one, and one more planned but not started."""
    person = PersonFactory(area=area)
    case = CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        referral_date=dt.date(2025, 2, 3),
        start_date=dt.date(2025, 2, 5),
        phase=Case.Phase.CLOSED,
    )
    Case.objects.filter(pk=case.pk).update(
        end_date=dt.date(2025, 6, 30),
        exit_reason="aborted_own_initiative",
        sus_registered_on=dt.date(2025, 2, 20),
        sus_id="S-17",
    )
    Situation.objects.create(
        case=case, moment="start", employed=False, working="no", public_support_months=14
    )
    mapping = JointMappingFactory(
        person=person,
        case=case,
        requested_on=dt.date(2025, 1, 10),
        request_received_on=dt.date(2025, 1, 12),
        first_meeting_on=dt.date(2025, 1, 20),
        ended_on=dt.date(2025, 2, 1),
        decision="joint_active_support",
        decision_date=dt.date(2025, 2, 1),
    )
    preparatory = InterventionFactory(case=case, kind="wellness", start_date=dt.date(2025, 2, 10))
    oriented = InterventionFactory(
        case=case, kind="work_trial", start_date=dt.date(2025, 3, 1), moved_from=preparatory
    )
    planned = InterventionFactory(case=case, kind="job_search")  # not started: waiting
    return {"case": case, "mapping": mapping, "i1": preparatory, "i2": oriented, "i3": planned}


def test_each_registration_point_is_one_row_as_worked_out_by_hand(
    coordinator, login, participation
):
    p = participation
    case, mapping = p["case"], p["mapping"]
    today = timezone.localdate()
    rows = json_rows(login(coordinator).get(URL, {"format": "json"}))
    # (an empty cell is null in JSON)
    got = {(r["point"], r["point_date"], r["category"], r["ended_how"]) for r in rows}
    assert got == {
        # the mapping: request sent, received, waiting from the receipt to the first meeting
        ("mapping_requested", "2025-01-10", None, None),
        ("mapping_request_received", "2025-01-12", None, None),
        ("waiting_first_meeting", "2025-01-12", None, None),
        ("mapping_first_meeting", "2025-01-20", None, None),
        ("mapping_ended", "2025-02-01", None, None),
        # the case: registered in samverkan, ended on the person's own initiative (aborted)
        ("registered", "2025-02-05", None, None),
        ("ended", "2025-06-30", None, "aborted"),
        # the interventions: one started, the move to work-oriented, one still planned (its
        # waiting began the day it was registered, today)
        ("intervention_started", "2025-02-10", "work_preparatory", None),
        ("intervention_moved", "2025-03-01", "work_oriented", None),
        ("waiting_intervention", today.isoformat(), "work_oriented", None),
    }
    assert len(rows) == 10
    by_point = {r["point"]: r for r in rows}
    # ids: the source row's id × 16 + the point's number
    assert by_point["mapping_requested"]["point_id"] == mapping.pk * 16 + 1
    assert by_point["registered"]["point_id"] == case.pk * 16 + 6
    assert by_point["intervention_moved"]["point_id"] == p["i2"].pk * 16 + 9
    assert by_point["intervention_moved"]["intervention_id"] == p["i2"].pk
    # the situation at the start rides on the registration; the end has none recorded
    assert by_point["registered"]["situation_public_support_months"] == 14
    assert by_point["registered"]["situation_employed"] is False
    assert by_point["ended"]["situation_public_support_months"] is None
    assert by_point["ended"]["exit_reason"] == "aborted_own_initiative"
    # the case's registration in SUS (and none in AIS) on every row of the case
    assert {(r["sus_registered_on"], r["sus_id"], r["ais_registered_on"]) for r in rows} == {
        ("2025-02-20", "S-17", None)
    }


def test_the_period_applies_to_the_points_date(coordinator, login, participation):
    rows = json_rows(
        login(coordinator).get(URL, {"format": "json", "from": "2025-02-01", "to": "2025-02-28"})
    )
    assert sorted(r["point"] for r in rows) == [
        "intervention_started",
        "mapping_ended",
        "registered",
    ]


def test_another_areas_points_are_not_exported_and_each_row_is_logged(
    other_area, coordinator, outsider, login, participation
):
    umea = CaseFactory(person=PersonFactory(area=other_area), fk_officer=outsider)
    mine = json_rows(login(coordinator).get(URL, {"format": "json"}))
    theirs = json_rows(login(outsider).get(URL, {"format": "json"}))
    assert umea.pk not in {r["case_id"] for r in mine}
    assert {r["case_id"] for r in theirs} == {umea.pk}  # only its registration
    assert [r["point"] for r in theirs] == ["registered"]
    logged = AccessLog.objects.filter(
        user=coordinator, action=AccessLog.Action.EXPORT, object_type="registrationpoint"
    )
    assert logged.count() == 10
    assert set(logged.values_list("person_id", flat=True)) == {participation["case"].person_id}


def test_a_coarsened_export_shows_months_and_no_identity(analyst, login, participation):
    response = login(analyst).get(URL, {"format": "json"})
    rows = json_rows(response)
    # one person alone is fewer than 5: the k-anonymity check withholds them
    assert rows == []
    text = body(login(analyst).get(URL)).decode("utf-8")
    header = text[1:].split("\r\n")[0].split(";")
    assert "personnummer" not in header and "sus_id" not in header and "ais_id" not in header
    assert "point_date" in header and "age_band" in header


def test_a_coarsened_export_shows_five_alike_by_month_under_their_case_rows_grading(
    area, token_client, analyst
):
    from .test_grading_changes import PERIOD, five_alike

    five_alike(area)
    client = token_client(analyst)
    participants = client.get("/api/v1/exports/participants/", PERIOD)
    points = client.get(URL, {**PERIOD, "export_id": participants["X-Export-Id"]})
    from .conftest import csv_rows

    cases, rows = csv_rows(participants), csv_rows(points)
    # five registrations in March, one per person, shown as their case rows are (level 0)
    assert [r["point"] for r in rows] == ["registered"] * 5
    assert {r["point_date"] for r in rows} == {"2026-03"}
    assert {(r["age_band"], r["generalised"]) for r in rows} == {
        (c["age_band"], c["generalised"]) for c in cases
    }
    # the same person key in both files
    assert {r["person_key"] for r in rows} == {c["person_key"] for c in cases}


def test_a_planned_intervention_waits_from_the_swedish_day_it_was_registered(participation):
    # registered at 00:30 in Stockholm on 8 December, which is still 7 December in UTC
    Intervention.objects.filter(pk=participation["i3"].pk).update(
        created_at=dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)
    )
    waiting = RegistrationPoint.objects.get(
        intervention_id=participation["i3"].pk, point="waiting_intervention"
    )
    assert waiting.date == dt.date(2026, 12, 8)
