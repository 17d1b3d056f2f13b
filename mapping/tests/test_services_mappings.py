"""Joint-mapping services (SPEC §4, ADR 0008): the request and its facts, the decision, both
agencies' confirmations, and the case that active support opens.

Mappings and meetings are made through the services, as the pages make them, so versions,
history and the first meeting's date are what they would be in use."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case, Phase
from cases.tests.factories import CaseFactory
from mapping.models import Decision, JointMapping, SickLeaveBand
from mapping.services import (
    mapping_create,
    mapping_decide,
    mapping_sign,
    mapping_update,
    meeting_create,
)
from samverkan.services import AccessContext, ConcurrentEditError

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


def request_mapping(person, user, **overrides):
    fields = {
        "initiated_by": "FK",
        "initiation_reason": "Svårt att återgå till arbetsgivaren.",
        "requested_on": days_ago(30),
        "request_received_on": days_ago(28),
        "participants": ["person", "FK"],
        "rough_plan": "Kartlägga arbetsförmåga.",
    }
    fields.update(overrides)
    return mapping_create(person=person, context=AccessContext.for_user(user), **fields)


def hold_meeting(mapping, user, *, on=None, participants=("person", "FK", "AF")):
    meeting_create(
        person=mapping.person,
        mapping=mapping,
        kind="avstamningsmote",
        on=on or days_ago(20),
        participants=list(participants),
        context=AccessContext.for_user(user),
    )
    mapping.refresh_from_db()
    return mapping


def decide(mapping, user, decision=Decision.JOINT_ACTIVE_SUPPORT, **overrides):
    fields = {
        "decision": decision,
        "decision_reason": "Behöver arbetsförberedande insatser.",
        "decision_date": days_ago(10),
        "case_target_group": "sick_unemployed",
        "case_phase": Phase.NEEDS_ANALYSIS,
        "case_date": days_ago(5),
    }
    fields.update(overrides)
    return mapping_decide(
        mapping=mapping, expected_version=None, context=AccessContext.for_user(user), **fields
    )


@pytest.fixture
def requested(person, fk_officer, af_officer):
    """Requested by FK 30 days ago with FK's benefit facts; both officers named."""
    return request_mapping(
        person,
        fk_officer,
        fk_officer=fk_officer,
        af_officer=af_officer,
        benefit="sjukpenning",
        benefit_end_date=TODAY() + dt.timedelta(days=200),
        sick_leave_start=days_ago(130),
    )


@pytest.fixture
def held(requested, fk_officer):
    """The first meeting was 20 days ago."""
    return hold_meeting(requested, fk_officer)


@pytest.fixture
def pending(held, fk_officer):
    """Active support recorded (and so confirmed) by the FK officer; AF has not confirmed."""
    return decide(held, fk_officer)


def stored(mapping):
    return JointMapping.objects.get(pk=mapping.pk)


# --- the request ------------------------------------------------------------------------------


def test_a_request_is_registered_with_its_facts_history_and_log_entry(person, fk_officer):
    # when
    mapping = request_mapping(person, fk_officer, benefit="sjukpenning")

    # then
    mapping = stored(mapping)
    assert mapping.area == person.area and mapping.is_open
    assert mapping.participants == ["person", "FK"]
    assert mapping.waiting_for_first_meeting
    assert mapping.created_by == fk_officer
    assert mapping.history.get().history_user == fk_officer
    assert AccessLog.objects.filter(
        action=AccessLog.Action.CREATE, object_type="jointmapping", object_id=str(mapping.pk)
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"initiation_reason": "  "}, "initiation_reason"),
        ({"requested_on": None}, "requested_on"),
        ({"requested_on": TODAY() + dt.timedelta(days=1)}, "requested_on"),
        ({"initiated_by": "XX"}, "initiated_by"),
        ({"participants": ["person", "cousin"]}, "participants"),
        ({"benefit": "lottovinst"}, "benefit"),
    ],
)
def test_a_request_with_bad_input_is_refused_and_nothing_is_saved(
    person, fk_officer, overrides, field
):
    # when
    with pytest.raises(ValidationError) as exc:
        request_mapping(person, fk_officer, **overrides)

    # then
    assert field in exc.value.message_dict
    assert not JointMapping.objects.exists()


def test_a_request_cannot_be_received_before_it_was_sent(person, fk_officer):
    with pytest.raises(ValidationError) as exc:
        request_mapping(
            person, fk_officer, requested_on=days_ago(10), request_received_on=days_ago(11)
        )

    assert exc.value.message_dict["request_received_on"] == [
        "Begäran kan inte tas emot innan den skickades."
    ]
    assert not JointMapping.objects.exists()


def test_the_sick_leave_cannot_start_after_the_mapping(person, fk_officer):
    with pytest.raises(ValidationError) as exc:
        request_mapping(
            person, fk_officer, requested_on=days_ago(30), sick_leave_start=days_ago(29)
        )

    assert "sick_leave_start" in exc.value.message_dict
    assert not JointMapping.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("benefit", "sjukpenning"),
        ("benefit_end_date", TODAY() + dt.timedelta(days=100)),
        ("sick_leave_start", dt.date(2020, 1, 1)),
    ],
)
def test_an_af_officer_cannot_record_fks_benefit_facts(person, af_officer, field, value):
    with pytest.raises(ValidationError) as exc:
        request_mapping(person, af_officer, initiated_by="AF", **{field: value})

    assert exc.value.message_dict[field] == ["Uppgiften registreras av den andra myndigheten."]
    assert not JointMapping.objects.exists()


def test_an_officer_of_the_wrong_agency_cannot_be_named(person, fk_officer, af_officer):
    with pytest.raises(ValidationError) as exc:
        request_mapping(person, fk_officer, fk_officer=af_officer)

    assert "fk_officer" in exc.value.message_dict
    assert not JointMapping.objects.exists()


def test_a_person_has_at_most_one_open_mapping(requested, person, af_officer):
    with pytest.raises(ValidationError) as exc:
        request_mapping(person, af_officer, initiated_by="AF")

    assert exc.value.messages == ["Personen har redan en pågående kartläggning."]
    assert JointMapping.objects.count() == 1


def test_a_new_mapping_can_be_requested_once_the_previous_one_has_ended(
    held, person, fk_officer, af_officer
):
    # given an ended mapping
    decide(held, fk_officer, Decision.NO_ACTION)
    mapping_sign(mapping=held, expected_version=None, context=AccessContext.for_user(af_officer))

    # when
    again = request_mapping(
        person, af_officer, initiated_by="AF", requested_on=days_ago(1), request_received_on=None
    )

    # then
    assert again.is_open
    assert JointMapping.objects.filter(person=person).count() == 2


def test_the_sick_leave_band_counts_from_the_first_meeting_once_held(person, fk_officer):
    # given a sick-leave case that began 205 days ago: the request was on its day 176
    mapping = request_mapping(person, fk_officer, sick_leave_start=days_ago(205))
    assert mapping.sick_leave_band == SickLeaveBand.FROM_90_TO_180

    # when the first meeting is held on day 186
    mapping = hold_meeting(mapping, fk_officer)

    # then the band is that of the day the mapping was held
    assert mapping.sick_leave_band == SickLeaveBand.FROM_180_TO_365


# --- changing the facts -----------------------------------------------------------------------


def test_changing_the_facts_saves_a_new_version(requested, fk_officer):
    mapping = mapping_update(
        mapping=requested,
        expected_version=requested.version,
        data={"rough_plan": "Ny planering", "participants": ["AF", "person", "AF"]},
        context=AccessContext.for_user(fk_officer),
    )

    mapping = stored(mapping)
    assert mapping.version == requested.version + 1
    assert mapping.rough_plan == "Ny planering"
    assert mapping.participants == ["person", "AF"]


def test_a_stale_version_is_refused_and_nothing_is_saved(requested, fk_officer):
    # given someone saved since the form was opened
    mapping_update(
        mapping=requested,
        expected_version=requested.version,
        data={"rough_plan": "Först"},
        context=AccessContext.for_user(fk_officer),
    )

    # when
    with pytest.raises(ConcurrentEditError):
        mapping_update(
            mapping=requested,
            expected_version=requested.version,
            data={"rough_plan": "Sedan"},
            context=AccessContext.for_user(fk_officer),
        )

    # then
    assert stored(requested).rough_plan == "Först"


def test_an_af_officer_cannot_change_fks_benefit_facts(requested, af_officer):
    with pytest.raises(ValidationError) as exc:
        mapping_update(
            mapping=requested,
            expected_version=None,
            data={"benefit": "ingen"},
            context=AccessContext.for_user(af_officer),
        )

    assert "benefit" in exc.value.message_dict
    assert stored(requested).benefit == "sjukpenning"


def test_editing_a_pending_mapping_clears_both_confirmations(pending, fk_officer):
    # given FK has confirmed the pending decision
    assert pending.fk_signed_at is not None

    # when the facts change
    mapping_update(
        mapping=pending,
        expected_version=pending.version,
        data={"rough_plan": "Ändrad efter beslutet"},
        context=AccessContext.for_user(fk_officer),
    )

    # then nobody's confirmation covers the new facts
    mapping = stored(pending)
    assert mapping.decision_pending
    assert mapping.fk_signed_at is None and mapping.fk_signed_by is None
    assert mapping.af_signed_at is None


def test_an_ended_mapping_cannot_be_changed(held, fk_officer, af_officer):
    decide(held, fk_officer, Decision.NO_ACTION)
    mapping_sign(mapping=held, expected_version=None, context=AccessContext.for_user(af_officer))

    with pytest.raises(ValidationError):
        mapping_update(
            mapping=held,
            expected_version=None,
            data={"rough_plan": "Sent"},
            context=AccessContext.for_user(fk_officer),
        )

    assert stored(held).rough_plan == "Kartlägga arbetsförmåga."


# --- the decision -----------------------------------------------------------------------------


def test_a_decision_needs_a_meeting_first(requested, fk_officer):
    with pytest.raises(ValidationError) as exc:
        decide(requested, fk_officer, Decision.NO_ACTION)

    assert exc.value.message_dict["decision"] == [
        "Registrera minst ett kartläggningsmöte innan beslutet fattas."
    ]
    assert stored(requested).decision == ""


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({"decision_reason": " "}, "decision_reason"),
        ({"decision_date": None}, "decision_date"),
        ({"decision_date": TODAY() + dt.timedelta(days=1)}, "decision_date"),
        ({"decision_date": days_ago(21)}, "decision_date"),  # before the first meeting
    ],
)
def test_a_decision_needs_a_reason_and_a_valid_date(held, fk_officer, overrides, field):
    with pytest.raises(ValidationError) as exc:
        decide(held, fk_officer, **{"decision": Decision.NO_ACTION, **overrides})

    assert field in exc.value.message_dict
    mapping = stored(held)
    assert mapping.decision == "" and mapping.fk_signed_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"case_target_group": ""}, "case_target_group"),
        ({"case_phase": ""}, "case_phase"),
        ({"case_phase": Phase.INTRODUCTION_TRIAL}, "case_phase"),
        ({"case_date": None}, "case_date"),
        ({"case_date": days_ago(11)}, "case_date"),  # before the decision
        ({"case_date": TODAY() + dt.timedelta(days=1)}, "case_date"),
    ],
)
def test_active_support_needs_target_group_phase_and_date(held, fk_officer, overrides, field):
    with pytest.raises(ValidationError) as exc:
        decide(held, fk_officer, **overrides)

    assert field in exc.value.message_dict
    assert stored(held).decision == ""


def test_active_support_is_refused_while_the_person_has_an_open_case(held, fk_officer):
    CaseFactory(person=held.person)

    with pytest.raises(ValidationError) as exc:
        decide(held, fk_officer)

    assert "decision" in exc.value.message_dict
    assert stored(held).decision == ""


def test_recording_the_decision_confirms_it_for_the_recorders_agency(held, fk_officer):
    # when
    decide(held, fk_officer)

    # then FK has confirmed, AF has not, and nothing has been carried out yet
    mapping = stored(held)
    assert mapping.decision_pending
    assert mapping.fk_signed_by == fk_officer and mapping.fk_signed_at is not None
    assert mapping.af_signed_by is None and mapping.af_signed_at is None
    assert mapping.case is None and mapping.is_open
    assert not Case.objects.exists()


def test_a_coordinator_records_the_decision_without_confirming_it(held, coordinator):
    decide(held, coordinator, Decision.NO_ACTION)

    mapping = stored(held)
    assert mapping.decision == Decision.NO_ACTION and mapping.decision_pending
    assert mapping.fk_signed_at is None and mapping.af_signed_at is None


def test_changing_the_decision_replaces_the_other_agencys_confirmation(pending, af_officer):
    # when AF records a different decision
    decide(pending, af_officer, Decision.JOB_SEEKER_WITHOUT_JOINT_SUPPORT)

    # then FK's confirmation of the old decision is gone; AF's covers the new one
    mapping = stored(pending)
    assert mapping.decision == Decision.JOB_SEEKER_WITHOUT_JOINT_SUPPORT
    assert mapping.case_target_group == "" and mapping.case_date is None
    assert mapping.fk_signed_at is None
    assert mapping.af_signed_by == af_officer


# --- the confirmations ------------------------------------------------------------------------


def test_the_second_confirmation_opens_the_case_in_the_needs_analysis(
    pending, fk_officer, af_officer
):
    # when AF confirms
    mapping = mapping_sign(
        mapping=pending,
        expected_version=pending.version,
        context=AccessContext.for_user(af_officer),
    )

    # then the case is open with the mapping's officers and FK's benefit facts, and linked
    mapping = stored(mapping)
    case = Case.objects.get()
    assert mapping.case == case
    assert mapping.ended_on == days_ago(10)  # the decision date
    assert mapping.af_signed_by == af_officer
    assert case.phase == Phase.NEEDS_ANALYSIS
    assert case.start_date == days_ago(5) and case.referral_date is None
    assert case.target_group == "sick_unemployed"
    assert (case.fk_officer, case.af_officer) == (fk_officer, af_officer)
    assert case.benefit == "sjukpenning"
    assert case.benefit_end_date == TODAY() + dt.timedelta(days=200)
    assert case.sick_leave_start == days_ago(130)


def test_a_case_that_starts_as_referred_is_dated_by_the_preparation_group(
    held, fk_officer, af_officer
):
    decide(held, af_officer, case_phase=Phase.REFERRED, case_date=days_ago(6))

    mapping_sign(mapping=held, expected_version=None, context=AccessContext.for_user(fk_officer))

    case = stored(held).case
    assert case.phase == Phase.REFERRED
    assert case.referral_date == days_ago(6) and case.start_date is None


@pytest.mark.parametrize(
    "decision",
    [
        Decision.JOB_SEEKER_WITHOUT_JOINT_SUPPORT,
        Decision.EMPLOYER_AND_FK_SUPPORT_ONLY,
        Decision.NO_ACTION,
    ],
)
def test_other_decisions_end_the_mapping_without_a_case(held, fk_officer, af_officer, decision):
    decide(held, fk_officer, decision)

    mapping_sign(mapping=held, expected_version=None, context=AccessContext.for_user(af_officer))

    mapping = stored(held)
    assert mapping.ended_on == days_ago(10) and mapping.case is None
    assert not Case.objects.exists()


def test_confirming_twice_for_the_same_agency_is_refused(pending, fk_officer):
    with pytest.raises(ValidationError) as exc:
        mapping_sign(
            mapping=pending, expected_version=None, context=AccessContext.for_user(fk_officer)
        )

    assert exc.value.messages == ["Beslutet är redan bekräftat för din myndighet."]
    assert stored(pending).is_open


def test_a_colleague_who_is_not_the_named_officer_cannot_confirm(pending, colleague):
    with pytest.raises(ValidationError) as exc:
        mapping_sign(
            mapping=pending, expected_version=None, context=AccessContext.for_user(colleague)
        )

    assert exc.value.messages == [
        "Kartläggningens handläggare på din myndighet bekräftar beslutet."
    ]
    mapping = stored(pending)
    assert mapping.af_signed_at is None and mapping.is_open


@pytest.mark.parametrize("who", ["coordinator", "outsider"])
def test_only_an_officer_of_the_mappings_area_can_confirm(pending, request, who):
    with pytest.raises(ValidationError):
        mapping_sign(
            mapping=pending,
            expected_version=None,
            context=AccessContext.for_user(request.getfixturevalue(who)),
        )

    mapping = stored(pending)
    assert mapping.af_signed_at is None and mapping.is_open
    assert not Case.objects.exists()


def test_without_a_named_officer_any_officer_of_the_agency_confirms_and_becomes_it(
    person, fk_officer, colleague
):
    # given a mapping naming only the FK officer, decided by FK
    mapping = hold_meeting(request_mapping(person, fk_officer, fk_officer=fk_officer), fk_officer)
    decide(mapping, fk_officer, Decision.NO_ACTION)

    # when an AF officer of the area confirms
    mapping_sign(mapping=mapping, expected_version=None, context=AccessContext.for_user(colleague))

    # then
    mapping = stored(mapping)
    assert mapping.af_officer == colleague and mapping.af_signed_by == colleague
    assert not mapping.is_open


def test_there_is_nothing_to_confirm_before_a_decision(held, af_officer):
    with pytest.raises(ValidationError):
        mapping_sign(
            mapping=held, expected_version=None, context=AccessContext.for_user(af_officer)
        )

    assert stored(held).af_signed_at is None


def test_a_confirmation_of_a_changed_decision_is_refused(pending, fk_officer, af_officer):
    # given AF read version N, then FK changed the decision
    read = pending.version
    decide(pending, fk_officer, Decision.NO_ACTION)

    # when AF confirms what they read
    with pytest.raises(ConcurrentEditError):
        mapping_sign(
            mapping=pending, expected_version=read, context=AccessContext.for_user(af_officer)
        )

    # then
    mapping = stored(pending)
    assert mapping.af_signed_at is None and mapping.is_open


def test_if_the_case_cannot_open_nothing_is_saved(pending, af_officer):
    # given the person got an open case after the decision was recorded
    CaseFactory(person=pending.person)
    version = stored(pending).version

    # when AF confirms
    with pytest.raises(ValidationError):
        mapping_sign(
            mapping=pending, expected_version=version, context=AccessContext.for_user(af_officer)
        )

    # then neither the confirmation nor a second case was saved
    mapping = stored(pending)
    assert mapping.version == version
    assert mapping.af_signed_at is None and mapping.is_open and mapping.case is None
    assert Case.objects.count() == 1


def test_a_case_that_would_begin_before_the_previous_one_ended_rolls_everything_back(
    pending, af_officer
):
    # given a previous case that ended after the chosen start of the new one
    CaseFactory(
        person=pending.person,
        phase=Phase.CLOSED,
        start_date=days_ago(60),
        end_date=days_ago(2),
    )

    # when
    with pytest.raises(ValidationError) as exc:
        mapping_sign(
            mapping=pending, expected_version=None, context=AccessContext.for_user(af_officer)
        )

    # then the rule of case_open is applied before anything is written
    assert "case_date" in exc.value.message_dict
    assert "avslutades" in exc.value.message_dict["case_date"][0]
    mapping = stored(pending)
    assert mapping.af_signed_at is None and mapping.is_open and mapping.case is None
    assert Case.objects.count() == 1
