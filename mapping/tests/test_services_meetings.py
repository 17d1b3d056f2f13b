"""Meeting services (SPEC §4): a held meeting of a person, optionally within a joint mapping,
whose first meeting (a registration point, SPEC §3) and participants it keeps up to date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.models import Decision, JointMapping, Meeting
from mapping.services import (
    mapping_create,
    mapping_decide,
    mapping_sign,
    meeting_create,
    meeting_update,
)
from samverkan.services import AccessContext, ConcurrentEditError

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


@pytest.fixture
def mapping(person, fk_officer, af_officer):
    """Requested 30 days ago; the person took part in the request."""
    return mapping_create(
        person=person,
        initiated_by="AF",
        initiation_reason="Arbetslös och sjukskriven.",
        requested_on=days_ago(30),
        fk_officer=fk_officer,
        af_officer=af_officer,
        participants=["person"],
        context=AccessContext.for_user(af_officer),
    )


def meet(mapping, user, on, participants=(), kind="avstamningsmote"):
    return meeting_create(
        person=mapping.person,
        mapping=mapping,
        kind=kind,
        on=on,
        participants=list(participants),
        notes="  Genomgång av läget.  ",
        context=AccessContext.for_user(user),
    )


def stored(mapping):
    return JointMapping.objects.get(pk=mapping.pk)


def test_a_person_meeting_is_registered_and_logged(person, fk_officer):
    # when
    meeting = meeting_create(
        person=person,
        kind="kontaktmote",
        on=days_ago(2),
        participants=["employer"],
        context=AccessContext.for_user(fk_officer),
    )

    # then
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.mapping is None and meeting.case is None
    assert meeting.participants == ["employer"] and meeting.created_by == fk_officer
    assert AccessLog.objects.filter(
        action=AccessLog.Action.CREATE, object_type="meeting", person_id=person.pk
    ).exists()


def test_the_first_meeting_is_the_earliest_and_participants_are_merged(mapping, af_officer):
    # when a meeting is held 10 days ago
    meet(mapping, af_officer, days_ago(10), ["employer", "FK"])

    # then it is the first meeting, and its participants join the mapping's
    assert stored(mapping).first_meeting_on == days_ago(10)
    assert stored(mapping).participants == ["person", "FK", "employer"]

    # when an earlier meeting is registered afterwards, and a later one
    meet(mapping, af_officer, days_ago(15), ["healthcare"])
    meet(mapping, af_officer, days_ago(5), ["other"])

    # then the earliest one dates the mapping, and everyone who took part is there once
    mapping = stored(mapping)
    assert mapping.first_meeting_on == days_ago(15)
    assert mapping.participants == ["person", "FK", "employer", "healthcare", "other"]
    assert not mapping.waiting_for_first_meeting


def test_moving_the_first_meeting_moves_the_mappings_first_meeting_date(mapping, af_officer):
    first = meet(mapping, af_officer, days_ago(15))
    meet(mapping, af_officer, days_ago(10))

    meeting_update(
        meeting=first,
        expected_version=first.version,
        data={"date": days_ago(8)},
        context=AccessContext.for_user(af_officer),
    )

    assert stored(mapping).first_meeting_on == days_ago(10)


def test_a_meeting_before_the_request_is_refused(mapping, af_officer):
    with pytest.raises(ValidationError) as exc:
        meet(mapping, af_officer, days_ago(31))

    assert "date" in exc.value.message_dict
    assert not Meeting.objects.exists()
    assert stored(mapping).first_meeting_on is None


def test_a_future_meeting_is_refused(mapping, af_officer):
    with pytest.raises(ValidationError) as exc:
        meet(mapping, af_officer, TODAY() + dt.timedelta(days=1))

    assert exc.value.message_dict["date"] == ["Registrera mötet när det har hållits."]
    assert not Meeting.objects.exists()


def test_a_meeting_cannot_be_moved_into_the_future(mapping, af_officer):
    meeting = meet(mapping, af_officer, days_ago(5))

    with pytest.raises(ValidationError):
        meeting_update(
            meeting=meeting,
            expected_version=None,
            data={"date": TODAY() + dt.timedelta(days=3)},
            context=AccessContext.for_user(af_officer),
        )

    assert Meeting.objects.get(pk=meeting.pk).date == days_ago(5)


@pytest.mark.parametrize(
    ("kind", "participants", "field"),
    [("fika", ["person"], "kind"), ("follow_up", ["person", "cousin"], "participants")],
)
def test_an_unknown_kind_or_participant_is_refused(person, fk_officer, kind, participants, field):
    with pytest.raises(ValidationError) as exc:
        meeting_create(
            person=person,
            kind=kind,
            on=days_ago(1),
            participants=participants,
            context=AccessContext.for_user(fk_officer),
        )

    assert field in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_a_meeting_cannot_belong_to_another_persons_mapping_or_case(
    mapping, area, af_officer, fk_officer
):
    other = PersonFactory(area=area)

    with pytest.raises(ValidationError) as exc:
        meeting_create(
            person=other,
            mapping=mapping,
            kind="follow_up",
            on=days_ago(1),
            context=AccessContext.for_user(af_officer),
        )
    assert "mapping" in exc.value.message_dict

    with pytest.raises(ValidationError) as exc:
        meeting_create(
            person=other,
            case=CaseFactory(person=mapping.person),
            kind="follow_up",
            on=days_ago(1),
            context=AccessContext.for_user(af_officer),
        )
    assert "case" in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_an_ended_mapping_takes_no_meetings_and_its_meetings_cannot_change(
    mapping, fk_officer, af_officer
):
    # given an ended mapping
    meeting = meet(mapping, af_officer, days_ago(20))
    mapping_decide(
        mapping=mapping,
        expected_version=None,
        decision=Decision.NO_ACTION,
        decision_reason="Klarar sig med arbetsgivarens stöd.",
        decision_date=days_ago(10),
        context=AccessContext.for_user(af_officer),
    )
    mapping_sign(mapping=mapping, expected_version=None, context=AccessContext.for_user(fk_officer))

    # when / then
    with pytest.raises(ValidationError):
        meet(mapping, af_officer, days_ago(1))
    with pytest.raises(ValidationError):
        meeting_update(
            meeting=meeting,
            expected_version=None,
            data={"notes": "Efteråt"},
            context=AccessContext.for_user(af_officer),
        )
    assert Meeting.objects.count() == 1
    assert Meeting.objects.get().notes == "Genomgång av läget."


def test_a_stale_meeting_version_is_refused(mapping, af_officer):
    meeting = meet(mapping, af_officer, days_ago(5))
    meeting_update(
        meeting=meeting,
        expected_version=meeting.version,
        data={"notes": "Först"},
        context=AccessContext.for_user(af_officer),
    )

    with pytest.raises(ConcurrentEditError):
        meeting_update(
            meeting=meeting,
            expected_version=meeting.version,
            data={"notes": "Sedan"},
            context=AccessContext.for_user(af_officer),
        )

    assert Meeting.objects.get().notes == "Först"


# --- rules added after review -------------------------------------------------------------------


def test_a_new_meeting_clears_the_confirmations_of_a_pending_decision(mapping, fk_officer):
    # given a held mapping whose decision FK has confirmed
    meet(mapping, fk_officer, days_ago(20))
    decided = mapping_decide(
        mapping=stored(mapping),
        expected_version=stored(mapping).version,
        decision=Decision.NO_ACTION,
        decision_reason="Arbetar redan.",
        decision_date=days_ago(10),
        context=AccessContext.for_user(fk_officer),
    )
    assert decided.fk_signed_at is not None
    # when a meeting earlier than the first one is registered (it changes the mapping's date)
    meet(mapping, fk_officer, days_ago(25))
    # then the confirmation no longer stands
    assert stored(mapping).first_meeting_on == days_ago(25)
    assert stored(mapping).fk_signed_at is None
    assert stored(mapping).decision_pending


def test_the_only_meeting_cannot_move_past_the_decision(mapping, fk_officer):
    meeting = meet(mapping, fk_officer, days_ago(20))
    mapping_decide(
        mapping=stored(mapping),
        expected_version=stored(mapping).version,
        decision=Decision.NO_ACTION,
        decision_reason="Arbetar redan.",
        decision_date=days_ago(10),
        context=AccessContext.for_user(fk_officer),
    )
    with pytest.raises(ValidationError) as exc:
        meeting_update(
            meeting=meeting,
            expected_version=meeting.version,
            data={"date": days_ago(5)},
            context=AccessContext.for_user(fk_officer),
        )
    assert "date" in exc.value.message_dict
    assert Meeting.objects.get(pk=meeting.pk).date == days_ago(20)


def test_a_meeting_cannot_move_before_the_request_and_the_sick_leave_start(person, fk_officer):
    mapping = mapping_create(
        person=person,
        initiated_by="FK",
        initiation_reason="Lång sjukskrivning.",
        requested_on=days_ago(30),
        sick_leave_start=days_ago(40),
        context=AccessContext.for_user(fk_officer),
    )
    meeting = meet(mapping, fk_officer, days_ago(20))
    with pytest.raises(ValidationError):
        meeting_update(
            meeting=meeting,
            expected_version=meeting.version,
            data={"date": days_ago(45)},
            context=AccessContext.for_user(fk_officer),
        )
    assert stored(mapping).first_meeting_on == days_ago(20)


def test_the_request_cannot_move_after_the_first_meeting(mapping, af_officer):
    meet(mapping, af_officer, days_ago(20))
    from mapping.services import mapping_update

    with pytest.raises(ValidationError) as exc:
        mapping_update(
            mapping=stored(mapping),
            expected_version=stored(mapping).version,
            data={"requested_on": days_ago(10)},
            context=AccessContext.for_user(af_officer),
        )
    assert "requested_on" in exc.value.message_dict
    assert stored(mapping).requested_on == days_ago(30)
