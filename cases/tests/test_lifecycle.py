"""The case lifecycle of SPEC §3: only the allowed phase moves, each dated, by whom and kept as a
PhaseTransition; closing from every open phase with a reason; dates neither in the future nor
before the previous move; one open case per person; officers of the right agency and area.

Cases are opened and moved through cases.services only, with `today=` or time_machine."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.tests.factories import staff
from cases.models import ALLOWED_TRANSITIONS, Case, ExitReason, Phase, PhaseTransition
from cases.services import case_open, case_transition, case_update
from mapping.services import plan_save
from samverkan.services import AccessContext, ConcurrentEditError

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = dt.timedelta(days=1)
REFERRAL = dt.date(2026, 3, 2)
ON = {
    Phase.REFERRED: REFERRAL,
    Phase.NEEDS_ANALYSIS: REFERRAL + dt.timedelta(days=7),
    Phase.INTRODUCTION_TRIAL: REFERRAL + dt.timedelta(days=14),
    Phase.WORK_ORIENTED: REFERRAL + dt.timedelta(days=30),
}
NEXT = REFERRAL + dt.timedelta(days=50)  # after every step above, well inside 365 days
TODAY = dt.date(2026, 6, 1)
FORWARD = [Phase.REFERRED, Phase.NEEDS_ANALYSIS, Phase.INTRODUCTION_TRIAL, Phase.WORK_ORIENTED]
OPEN_PHASES = FORWARD

ALLOWED = [(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in sorted(targets)]
ILLEGAL = [(a, b) for a in Phase for b in Phase if b not in ALLOWED_TRANSITIONS[a]]


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=STOCKHOLM)


def a_plan(case):
    return plan_save(
        case=case,
        goal="Arbete inom vården",
        activities="Praktik två dagar i veckan",
        context=AccessContext.system("test"),
    )


def case_in(phase, person, user) -> Case:
    """A case walked through the services to `phase` (a plan saved on the way); a closed one is
    closed from the needs analysis."""
    case = case_open(
        person=person, referral_date=REFERRAL, context=AccessContext.for_user(user), today=TODAY
    )
    a_plan(case)
    target = Phase.NEEDS_ANALYSIS if phase == Phase.CLOSED else phase
    for step in FORWARD[1 : FORWARD.index(target) + 1]:
        case = case_transition(
            case=case, to_phase=step, on=ON[step], context=AccessContext.for_user(user), today=TODAY
        )
    if phase == Phase.CLOSED:
        case = case_transition(
            case=case,
            to_phase=Phase.CLOSED,
            on=ON[Phase.NEEDS_ANALYSIS] + DAY,
            exit_reason="completed",
            context=AccessContext.for_user(user),
            today=TODAY,
        )
    return case


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.phase,
        case.version,
        case.start_date,
        case.end_date,
        case.exit_reason,
        case.transitions.count(),
        case.history.count(),
    )


def test_the_transition_table_is_the_faros_model_forward_only():
    assert ALLOWED_TRANSITIONS == {
        Phase.REFERRED: {Phase.NEEDS_ANALYSIS, Phase.CLOSED},
        Phase.NEEDS_ANALYSIS: {Phase.INTRODUCTION_TRIAL, Phase.CLOSED},
        Phase.INTRODUCTION_TRIAL: {Phase.WORK_ORIENTED, Phase.CLOSED},
        Phase.WORK_ORIENTED: {Phase.CLOSED},
        Phase.CLOSED: set(),
    }


def test_opening_a_case_records_the_first_dated_transition_by_whom(person, fk_officer):
    case = case_open(
        person=person,
        referral_date=REFERRAL,
        context=AccessContext.for_user(fk_officer),
        today=REFERRAL,
    )

    (first,) = case.transitions.all()
    assert (first.from_phase, first.to_phase, first.date, first.by) == (
        "",
        Phase.REFERRED,
        REFERRAL,
        fk_officer,
    )
    assert case.phase == Phase.REFERRED and case.start_date is None


@pytest.mark.parametrize("from_phase, to_phase", ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_transition_is_dated_by_whom_and_kept_as_history(
    person, fk_officer, af_officer, from_phase, to_phase
):
    case = case_in(from_phase, person, fk_officer)
    before = case.version

    moved = case_transition(
        case=case,
        to_phase=to_phase,
        on=NEXT,
        exit_reason="completed" if to_phase == Phase.CLOSED else "",
        note="  Överens vid avstämningsmöte  ",
        context=AccessContext.for_user(af_officer),
        today=TODAY,
    )

    moved.refresh_from_db()
    assert moved.phase == to_phase
    assert moved.version == before + 1
    last = moved.transitions.order_by("-date", "-id").first()
    assert (last.from_phase, last.to_phase, last.date, last.by) == (
        from_phase,
        to_phase,
        NEXT,
        af_officer,
    )
    assert last.note == "Överens vid avstämningsmöte"
    assert moved.history.first().history_user == af_officer
    if to_phase == Phase.NEEDS_ANALYSIS:
        assert moved.start_date == NEXT
    if to_phase == Phase.CLOSED:
        assert (moved.end_date, moved.exit_reason) == (NEXT, "completed")


def test_walking_the_whole_path_keeps_every_move_in_order(person, fk_officer):
    case = case_in(Phase.WORK_ORIENTED, person, fk_officer)
    case = case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=NEXT,
        exit_reason="completed",
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )

    assert [(t.from_phase, t.to_phase, t.date) for t in case.transitions.all()] == [
        ("", Phase.REFERRED, REFERRAL),
        (Phase.REFERRED, Phase.NEEDS_ANALYSIS, ON[Phase.NEEDS_ANALYSIS]),
        (Phase.NEEDS_ANALYSIS, Phase.INTRODUCTION_TRIAL, ON[Phase.INTRODUCTION_TRIAL]),
        (Phase.INTRODUCTION_TRIAL, Phase.WORK_ORIENTED, ON[Phase.WORK_ORIENTED]),
        (Phase.WORK_ORIENTED, Phase.CLOSED, NEXT),
    ]
    assert case.start_date == ON[Phase.NEEDS_ANALYSIS] and case.end_date == NEXT


@pytest.mark.parametrize("from_phase, to_phase", ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_every_illegal_transition_is_refused_in_swedish_and_changes_nothing(
    person, fk_officer, from_phase, to_phase
):
    case = case_in(from_phase, person, fk_officer)  # with a plan, so only the table can refuse
    before = snapshot(case)

    with pytest.raises(ValidationError) as refused:
        case_transition(
            case=case,
            to_phase=to_phase,
            on=NEXT,
            exit_reason="completed",
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )

    message = refused.value.message_dict["to_phase"][0]
    assert message == (
        f"Ärendet kan inte gå från {Phase(from_phase).label} till {Phase(to_phase).label}."
    )
    assert snapshot(case) == before


@pytest.mark.parametrize("phase", OPEN_PHASES)
def test_closing_from_every_open_phase_needs_a_valid_reason_and_sets_the_end_date(
    person, fk_officer, phase
):
    case = case_in(phase, person, fk_officer)
    before = snapshot(case)

    for reason in ("", "tired_of_it"):
        with pytest.raises(ValidationError) as refused:
            case_transition(
                case=case,
                to_phase=Phase.CLOSED,
                on=NEXT,
                exit_reason=reason,
                context=AccessContext.for_user(fk_officer),
                today=TODAY,
            )
        assert refused.value.message_dict["exit_reason"] == ["Välj avslutsorsak."]
        assert snapshot(case) == before

    closed = case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=NEXT,
        exit_reason="too_ill",
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )
    closed.refresh_from_db()
    assert (closed.phase, closed.end_date, closed.exit_reason) == (Phase.CLOSED, NEXT, "too_ill")
    assert not closed.is_open


@pytest.mark.parametrize("reason", [value for value, _label in ExitReason.closing_choices()])
def test_each_exit_reason_of_the_spec_closes_a_case(person, fk_officer, reason):
    # the officer's reasons (SPEC §3); "not admitted" is the preparation group's decision
    assert {value for value, _label in ExitReason.closing_choices()} == {
        "completed",
        "benefit_ended",
        "too_ill",
        "aborted_consent_withdrawn",
        "aborted_own_initiative",
        "moved",
        "died",
        "other",
    }
    case = case_in(Phase.NEEDS_ANALYSIS, person, fk_officer)

    closed = case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=NEXT,
        exit_reason=reason,
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )

    assert closed.exit_reason == reason and closed.end_date == NEXT


def test_a_started_case_cannot_be_closed_as_not_admitted(person, fk_officer):
    case = case_in(Phase.NEEDS_ANALYSIS, person, fk_officer)
    with pytest.raises(ValidationError) as refused:
        case_transition(
            case=case,
            to_phase=Phase.CLOSED,
            on=NEXT,
            exit_reason=ExitReason.NOT_ADMITTED,
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )
    assert "exit_reason" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).phase == Phase.NEEDS_ANALYSIS


# --- dates -------------------------------------------------------------------------------------


def test_a_transition_dated_in_the_future_is_refused_and_today_is_allowed(person, fk_officer):
    case = case_open(
        person=person,
        referral_date=REFERRAL,
        context=AccessContext.for_user(fk_officer),
        today=REFERRAL,
    )
    day = REFERRAL + dt.timedelta(days=3)

    with time_machine.travel(noon(day), tick=False):
        with pytest.raises(ValidationError) as refused:
            case_transition(
                case=case,
                to_phase=Phase.NEEDS_ANALYSIS,
                on=day + DAY,
                context=AccessContext.for_user(fk_officer),
            )
        assert refused.value.message_dict["on"] == ["Datumet får inte ligga i framtiden."]
        assert snapshot(case)[:3] == (Phase.REFERRED, 1, None)

        moved = case_transition(
            case=case,
            to_phase=Phase.NEEDS_ANALYSIS,
            on=day,
            context=AccessContext.for_user(fk_officer),
        )
    assert moved.start_date == day


def test_a_transition_before_the_previous_one_is_refused_and_the_same_day_is_allowed(
    person, fk_officer
):
    case = case_in(Phase.INTRODUCTION_TRIAL, person, fk_officer)
    previous = ON[Phase.INTRODUCTION_TRIAL]
    before = snapshot(case)

    with pytest.raises(ValidationError) as refused:
        case_transition(
            case=case,
            to_phase=Phase.WORK_ORIENTED,
            on=previous - DAY,
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )
    assert "kan inte ligga före förra fasbytet" in refused.value.message_dict["on"][0]
    assert snapshot(case) == before

    moved = case_transition(
        case=case,
        to_phase=Phase.WORK_ORIENTED,
        on=previous,
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )
    assert moved.phase == Phase.WORK_ORIENTED


def test_closing_before_the_previous_move_is_refused(person, fk_officer):
    case = case_in(Phase.NEEDS_ANALYSIS, person, fk_officer)
    before = snapshot(case)

    with pytest.raises(ValidationError):
        case_transition(
            case=case,
            to_phase=Phase.CLOSED,
            on=ON[Phase.NEEDS_ANALYSIS] - DAY,
            exit_reason="completed",
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )

    assert snapshot(case) == before


def test_a_start_before_the_preparation_group_is_refused_when_opening(area, person):
    with pytest.raises(ValidationError) as refused:
        case_open(
            person=person,
            phase=Phase.NEEDS_ANALYSIS,
            referral_date=REFERRAL,
            start_date=REFERRAL - DAY,
            today=TODAY,
            context=AccessContext.system("test"),
        )

    assert refused.value.message_dict["start_date"] == [
        "Starten kan inte ligga före beredningsgruppen."
    ]
    assert not Case.objects.exists()
    same_day = case_open(
        person=person,
        phase=Phase.NEEDS_ANALYSIS,
        referral_date=REFERRAL,
        start_date=REFERRAL,
        today=TODAY,
        context=AccessContext.system("test"),
    )
    assert same_day.start_date == REFERRAL


def test_a_start_before_the_preparation_group_is_refused_when_moving(person, fk_officer):
    case = case_open(
        person=person,
        referral_date=REFERRAL,
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )
    before = snapshot(case)

    with pytest.raises(ValidationError):
        case_transition(
            case=case,
            to_phase=Phase.NEEDS_ANALYSIS,
            on=REFERRAL - DAY,
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )

    assert snapshot(case) == before


def test_moving_the_preparation_group_after_the_start_is_refused(person, fk_officer):
    case = case_in(Phase.NEEDS_ANALYSIS, person, fk_officer)

    with pytest.raises(ValidationError) as refused:
        case_update(
            case=case,
            expected_version=case.version,
            data={"referral_date": ON[Phase.NEEDS_ANALYSIS] + DAY},
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )

    assert "Beredningsgruppen kan inte ligga efter starten" in str(refused.value)
    case.refresh_from_db()
    assert case.referral_date == REFERRAL


def test_opening_with_a_future_referral_date_is_refused(person):
    with time_machine.travel(noon(REFERRAL), tick=False):
        with pytest.raises(ValidationError) as refused:
            case_open(
                person=person, referral_date=REFERRAL + DAY, context=AccessContext.system("test")
            )
        assert refused.value.message_dict["referral_date"] == [
            "Datumet får inte ligga i framtiden."
        ]
        assert (
            case_open(
                person=person, referral_date=REFERRAL, context=AccessContext.system("test")
            ).referral_date
            == REFERRAL
        )


@pytest.mark.parametrize("phase", [Phase.INTRODUCTION_TRIAL, Phase.WORK_ORIENTED, Phase.CLOSED])
def test_a_case_cannot_be_opened_in_a_later_phase(person, phase):
    with pytest.raises(ValidationError) as refused:
        case_open(
            person=person,
            phase=phase,
            referral_date=REFERRAL,
            start_date=REFERRAL,
            today=TODAY,
            context=AccessContext.system("test"),
        )

    assert "börjar som anmält eller i behovsanalys" in str(refused.value)
    assert not Case.objects.exists()


def test_stale_version_on_a_transition_is_refused(person, fk_officer):
    case = case_in(Phase.NEEDS_ANALYSIS, person, fk_officer)
    stale = case.version - 1
    before = snapshot(case)

    with pytest.raises(ConcurrentEditError):
        case_transition(
            case=case,
            to_phase=Phase.CLOSED,
            on=NEXT,
            exit_reason="completed",
            expected_version=stale,
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )

    assert snapshot(case) == before


# --- one open case per person ----------------------------------------------------------------


def test_a_person_never_has_two_open_cases_but_may_have_a_new_one_after_closing(person, fk_officer):
    first = case_open(
        person=person, referral_date=REFERRAL, today=TODAY, context=AccessContext.system("test")
    )

    with pytest.raises(ValidationError) as refused:
        case_open(
            person=person,
            referral_date=REFERRAL + DAY,
            today=TODAY,
            context=AccessContext.system("test"),
        )
    assert "Personen har redan ett öppet ärende." in refused.value.messages
    assert person.cases.count() == 1

    case_transition(
        case=first,
        to_phase=Phase.CLOSED,
        on=REFERRAL + dt.timedelta(days=10),
        exit_reason="moved",
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )
    second = case_open(
        person=person,
        referral_date=REFERRAL + dt.timedelta(days=20),
        today=TODAY,
        context=AccessContext.system("test"),
    )

    assert person.cases.count() == 2
    assert list(person.cases.open()) == [second]


def test_a_new_case_cannot_start_while_the_previous_one_was_still_open(person, fk_officer):
    """Never two open cases at once (SPEC §3) holds over time too: a case referred before the
    previous case's end date would make both open on the days in between."""
    first = case_open(
        person=person, referral_date=REFERRAL, today=TODAY, context=AccessContext.system("test")
    )
    end = REFERRAL + dt.timedelta(days=10)
    case_transition(
        case=first,
        to_phase=Phase.CLOSED,
        on=end,
        exit_reason="moved",
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )

    with pytest.raises(ValidationError):
        case_open(
            person=person,
            referral_date=end - DAY,
            today=TODAY,
            context=AccessContext.system("test"),
        )

    assert person.cases.count() == 1


# --- officers ------------------------------------------------------------------------------------


def test_a_case_opens_with_an_fk_and_an_af_officer_of_the_persons_area(
    person, fk_officer, af_officer, colleague
):
    case = case_open(
        person=person,
        referral_date=REFERRAL,
        fk_officer=fk_officer,
        af_officer=colleague,
        today=TODAY,
        context=AccessContext.system("test"),
    )

    assert (case.fk_officer, case.af_officer, case.area) == (fk_officer, colleague, person.area)


@pytest.mark.parametrize(
    "field, who",
    [
        ("fk_officer", "af_officer"),  # wrong agency
        ("af_officer", "fk_officer"),  # wrong agency
        ("fk_officer", "outsider"),  # FK, but another area
        ("af_officer", "af_elsewhere"),  # AF, but another area
        ("fk_officer", "coordinator"),  # not an officer
    ],
)
def test_officers_of_the_wrong_agency_or_area_are_refused(request, person, other_area, field, who):
    if who == "af_elsewhere":
        officer = staff("af_officer", areas=[other_area], username="af.ume")
    else:
        officer = request.getfixturevalue(who)

    with pytest.raises(ValidationError) as refused:
        case_open(
            person=person,
            referral_date=REFERRAL,
            today=TODAY,
            context=AccessContext.system("test"),
            **{field: officer},
        )

    assert refused.value.message_dict[field] == [
        "Välj en handläggare från rätt myndighet i ärendets område."
    ]
    assert not Case.objects.exists()
    assert not PhaseTransition.objects.exists()


def test_a_case_is_opened_in_the_persons_own_area_only(person, other_area):
    with pytest.raises(ValidationError) as refused:
        case_open(
            person=person,
            area=other_area,
            referral_date=REFERRAL,
            today=TODAY,
            context=AccessContext.system("test"),
        )

    assert "area" in refused.value.message_dict
    assert not Case.objects.exists()
