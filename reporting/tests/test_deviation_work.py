"""The management group's work on a deviation report (SPEC §5): analysis, dialogue, actions
with owners and due dates, overdue actions flagged, closing only when every action is done."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AccessLog
from reporting.deviations import (
    deviation_action_add,
    deviation_action_done,
    deviation_close,
    deviation_update,
    overdue_actions,
)
from reporting.models import DeviationReport
from samverkan.services import AccessContext

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def report(area):
    return DeviationReport.objects.create(
        area=area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=dt.date(2026, 2, 1),
        opened_for=dt.date(2026, 4, 1),
        figures={"months": []},
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_recording_the_dialogue_moves_the_report_into_dialogue(report, management):
    updated = deviation_update(
        report=report,
        expected_version=report.version,
        data={
            "analysis": "Färre anvisningar från vården.",
            "dialogue_on": dt.date(2026, 5, 20),
            "dialogue_with": "Ledningsgruppen, vårdcentralerna",
        },
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    assert updated.status == DeviationReport.Status.IN_DIALOGUE
    assert AccessLog.objects.filter(user=management, action=AccessLog.Action.UPDATE).exists()


def test_a_dialogue_needs_its_participants_and_cannot_be_in_the_future(report, management):
    with pytest.raises(ValidationError) as exc:
        deviation_update(
            report=report,
            expected_version=report.version,
            data={"dialogue_on": dt.date(2026, 5, 20), "dialogue_with": ""},
            context=AccessContext.for_user(management),
            today=TODAY,
        )
    assert "dialogue_with" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        deviation_update(
            report=report,
            expected_version=report.version,
            data={"dialogue_on": dt.date(2026, 7, 1), "dialogue_with": "Ledningsgruppen"},
            context=AccessContext.for_user(management),
            today=TODAY,
        )
    assert "dialogue_on" in exc.value.message_dict
    assert fresh(report).status == DeviationReport.Status.OPEN


def test_only_the_areas_management_group_and_coordinators_work_on_it(
    report, fk_officer, outsider, other_coordinator, analyst
):
    for user in (fk_officer, outsider, other_coordinator, analyst):
        with pytest.raises(PermissionDenied):
            deviation_action_add(
                report=report,
                description="x",
                owner="y",
                due_on=TODAY,
                context=AccessContext.for_user(user),
            )
    assert not report.actions.exists()


def test_a_new_action_cannot_be_due_in_the_past(report, coordinator):
    with pytest.raises(ValidationError) as refused:
        deviation_action_add(
            report=report,
            description="Informera vårdcentralerna.",
            owner="Samordnaren",
            due_on=TODAY - dt.timedelta(days=1),
            context=AccessContext.for_user(coordinator),
            today=TODAY,
        )
    assert "redan har passerat" in str(refused.value.message_dict["due_on"])
    assert not report.actions.exists()


def test_an_action_past_its_due_date_is_flagged_until_done(report, coordinator):
    action = deviation_action_add(
        report=report,
        description="Informera vårdcentralerna om samarbetet.",
        owner="Samordnaren",
        due_on=dt.date(2026, 6, 1),
        context=AccessContext.for_user(coordinator),
        today=dt.date(2026, 5, 20),
    )
    assert action.is_overdue(TODAY)
    assert list(overdue_actions(reports=[report], today=TODAY)) == [action]
    deviation_action_done(
        action=action,
        expected_version=action.version,
        done_on=dt.date(2026, 6, 10),
        follow_up="Tre träffar hållna.",
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )
    assert not fresh(action).is_overdue(TODAY)
    assert not overdue_actions(reports=[report], today=TODAY).exists()


def test_the_report_closes_only_when_analysis_dialogue_and_every_action_are_done(
    report, management
):
    # given an analysed report with a dialogue and two actions, one still open
    report = deviation_update(
        report=report,
        expected_version=report.version,
        data={
            "analysis": "Färre anvisningar.",
            "dialogue_on": dt.date(2026, 5, 20),
            "dialogue_with": "Ledningsgruppen",
        },
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    first = deviation_action_add(
        report=report,
        description="A",
        owner="FK",
        due_on=dt.date(2026, 7, 1),
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    deviation_action_add(
        report=report,
        description="B",
        owner="AF",
        due_on=dt.date(2026, 7, 1),
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    deviation_action_done(
        action=first,
        expected_version=first.version,
        done_on=TODAY,
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    # when the group tries to close it
    with pytest.raises(ValidationError):
        deviation_close(
            report=report,
            expected_version=None,
            context=AccessContext.for_user(management),
            today=TODAY,
        )
    # then it stays in dialogue until the second action is done too
    assert fresh(report).status == DeviationReport.Status.IN_DIALOGUE
    second = report.actions.get(description="B")
    deviation_action_done(
        action=second,
        expected_version=second.version,
        done_on=TODAY,
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    closed = deviation_close(
        report=report,
        expected_version=None,
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    assert closed.status == DeviationReport.Status.CLOSED and closed.closed_on == TODAY


def test_a_report_without_actions_cannot_be_closed(report, management):
    report = deviation_update(
        report=report,
        expected_version=report.version,
        data={"analysis": "A", "dialogue_on": dt.date(2026, 5, 20), "dialogue_with": "L"},
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        deviation_close(
            report=report,
            expected_version=None,
            context=AccessContext.for_user(management),
            today=TODAY,
        )


def test_a_stale_version_is_refused(report, management):
    deviation_update(
        report=report,
        expected_version=report.version,
        data={"analysis": "Först"},
        context=AccessContext.for_user(management),
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        deviation_update(
            report=report,
            expected_version=report.version,
            data={"analysis": "Sen"},
            context=AccessContext.for_user(management),
            today=TODAY,
        )
    assert fresh(report).analysis == "Först"
