"""The meeting suggestions of SPEC §3 rule 7, as flags on a case.

- kontaktmöte: where FK judges that return to the employer before day 181 of the sick-leave case
  is unlikely, a contact meeting is offered by day 181 (the first day of sick leave is day 1, so
  day 181 is sick_leave_start + 180 days);
- joint mapping: FK considers a joint mapping when the benefit period ends within 6 months.

The facts behind them (was a kontaktmöte held, was a mapping considered) come from
`mapping.selectors.suggestion_facts`; `cases.flags.case_flags` turns them into flags, the same
way on the case page, the worklist and the person overview."""

import datetime as dt

import pytest
import time_machine

from cases.deviations import case_deviations
from cases.flags import DUE_SOON, INFO, OVERDUE, case_flags
from cases.models import Consent, Phase
from cases.secrecy import hidden_case_fields
from cases.tests.factories import CaseFactory
from mapping.models import Decision, Meeting, sick_leave_day
from mapping.selectors import person_next_deadlines, suggestion_facts
from mapping.tests.factories import JointMappingFactory, MeetingFactory

TODAY = dt.date(2026, 3, 10)
SICK_LEAVE_START = dt.date(2025, 11, 1)
DAY_181 = dt.date(2026, 4, 30)  # by hand: Nov 30 is day 30, Dec 31 day 61, Jan 31 day 92,
#                                  Feb 28 day 120, Mar 31 day 151, Apr 30 day 181


def flags_for(case, *, today=TODAY, reader=None) -> dict:
    """The case's flags by code, as `reader` (None: someone who may see everything) sees them."""
    hidden = (
        hidden_case_fields(user=reader, person=case.person, on=today) if reader else frozenset()
    )
    flags = case_flags(case, today=today, hidden=hidden, **suggestion_facts([case])[case.pk])
    return {flag.code: flag for flag in flags}


@pytest.fixture
def sick_case(person, fk_officer, af_officer):
    """On sjukpenning since 1 November 2025; FK judges return before day 181 unlikely."""
    return CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        referral_date=dt.date(2026, 1, 8),
        start_date=dt.date(2026, 1, 15),
        benefit="sjukpenning",
        sick_leave_start=SICK_LEAVE_START,
        benefit_end_date=dt.date(2027, 6, 30),
        return_unlikely_before_181=True,
    )


# --- kontaktmöte ------------------------------------------------------------------------------


def test_kontaktmote_is_suggested_by_day_181_of_the_sick_leave(sick_case):
    # when the flags are read on 10 March 2026 (day 130)
    flag = flags_for(sick_case)["contact_meeting_due"]

    # then the kontaktmöte is due on day 181: 30 April 2026, 180 days after day 1
    assert flag.deadline == DAY_181
    assert flag.deadline == SICK_LEAVE_START + dt.timedelta(days=180)
    assert sick_leave_day(SICK_LEAVE_START, flag.deadline) == 181
    assert flag.level == INFO  # 51 days ahead
    assert "dag 181" in flag.wording


def test_kontaktmote_suggestion_ends_after_day_181_and_is_recorded_as_missed(sick_case):
    # due soon in its last week, still on time on day 181 ...
    week_before = DAY_181 - dt.timedelta(days=7)
    assert flags_for(sick_case, today=week_before)["contact_meeting_due"].level == DUE_SOON
    assert flags_for(sick_case, today=DAY_181)["contact_meeting_due"].level == DUE_SOON
    # ... and the day after, it can no longer help: no open deadline, a deviation on the case
    late = DAY_181 + dt.timedelta(days=1)
    assert "contact_meeting_due" not in flags_for(sick_case, today=late)
    inputs = suggestion_facts([sick_case])[sick_case.pk]
    deviations = case_deviations(sick_case, today=late, **inputs)
    assert [d.code for d in deviations] == ["contact_meeting_missed"]
    assert "2026-04-30" in deviations[0].wording
    assert not case_deviations(sick_case, today=DAY_181, **inputs)


def test_kontaktmote_suggestion_ends_when_the_case_moves_on_from_the_needs_analysis(sick_case):
    assert "contact_meeting_due" in flags_for(sick_case)
    sick_case.phase = Phase.INTRODUCTION_TRIAL
    assert "contact_meeting_due" not in flags_for(sick_case)


@pytest.mark.parametrize("held_on", [SICK_LEAVE_START, dt.date(2026, 2, 1)])
def test_no_kontaktmote_suggestion_once_one_is_held_in_this_sick_leave(sick_case, held_on):
    # given a kontaktmöte on or after the first day of the sick-leave case
    MeetingFactory(person=sick_case.person, kind=Meeting.Kind.CONTACT, date=held_on)

    # then it is not suggested again
    assert "contact_meeting_due" not in flags_for(sick_case)


def test_kontaktmote_from_an_earlier_sick_leave_does_not_count(sick_case):
    # given a kontaktmöte the day before this sick-leave case began
    MeetingFactory(
        person=sick_case.person,
        kind=Meeting.Kind.CONTACT,
        date=SICK_LEAVE_START - dt.timedelta(days=1),
    )

    # then this sick-leave case still needs its own
    assert "contact_meeting_due" in flags_for(sick_case)


def test_other_meetings_do_not_replace_the_kontaktmote(sick_case):
    # given an avstämningsmöte in this sick-leave case
    MeetingFactory(
        person=sick_case.person, kind=Meeting.Kind.RECONCILIATION, date=dt.date(2026, 2, 1)
    )

    assert "contact_meeting_due" in flags_for(sick_case)


def test_no_kontaktmote_suggestion_without_fks_assessment(sick_case):
    # given FK has not judged return before day 181 unlikely
    sick_case.return_unlikely_before_181 = False

    assert "contact_meeting_due" not in flags_for(sick_case)


def test_no_kontaktmote_suggestion_on_sjukersattning(sick_case):
    # given sickness compensation (not a sick-leave case with a day 181)
    sick_case.benefit = "sjukersattning"

    assert "contact_meeting_due" not in flags_for(sick_case)


def test_no_kontaktmote_suggestion_without_a_sick_leave_start(sick_case):
    sick_case.sick_leave_start = None

    assert "contact_meeting_due" not in flags_for(sick_case)


def test_rehabiliteringspenning_is_a_sick_leave_case_too(sick_case):
    sick_case.benefit = "rehabiliteringspenning"

    assert flags_for(sick_case)["contact_meeting_due"].deadline == DAY_181


def test_no_kontaktmote_suggestion_on_a_closed_case(sick_case):
    sick_case.phase = Phase.CLOSED
    sick_case.end_date = dt.date(2026, 3, 1)
    sick_case.exit_reason = "completed"

    assert "contact_meeting_due" not in flags_for(sick_case)


def test_kontaktmote_suggestion_is_hidden_from_af_without_consent(sick_case, af_officer):
    # given no consent covers sharing: the flag would reveal FK's sick-leave facts
    # then the AF officer does not see it, and the FK officer does
    assert "contact_meeting_due" not in flags_for(sick_case, reader=af_officer)
    assert "contact_meeting_due" in flags_for(sick_case, reader=sick_case.fk_officer)


def test_kontaktmote_suggestion_reaches_af_under_consent(sick_case, af_officer):
    # given the person's consent covers sharing between the agencies
    Consent.objects.create(
        person=sick_case.person, given_on=dt.date(2026, 1, 8), covers_sharing=True
    )

    assert "contact_meeting_due" in flags_for(sick_case, reader=af_officer)


def test_the_overview_puts_the_kontaktmote_among_the_next_deadlines(sick_case, fk_officer):
    # given the same case on 10 March 2026, on the clock this time
    with time_machine.travel(dt.datetime(2026, 3, 10, 12), tick=False):
        deadlines = person_next_deadlines(
            person=sick_case.person, user=fk_officer, today=dt.date(2026, 3, 10)
        )

    # then the overview lists the kontaktmöte with its day-181 deadline
    contact = [d for d in deadlines if d.kind == "contact_meeting_due"]
    assert [(d.date, d.days_left) for d in contact] == [(DAY_181, 51)]


# --- joint mapping ----------------------------------------------------------------------------


@pytest.fixture
def ending_case(person, fk_officer, af_officer):
    """Registered 15 January 2026; the benefit end date is set by each test."""
    return CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        referral_date=dt.date(2026, 1, 8),
        start_date=dt.date(2026, 1, 15),
        benefit="sjukpenning",
    )


@pytest.mark.parametrize(
    ("benefit_end", "suggested"),
    [
        (dt.date(2026, 9, 10), True),  # exactly 6 months ahead
        (dt.date(2026, 9, 11), False),  # 6 months and a day
        (dt.date(2026, 5, 1), True),  # well within
        (TODAY, True),  # ends today
        (TODAY - dt.timedelta(days=1), False),  # ended yesterday
    ],
)
def test_mapping_is_suggested_when_the_benefit_ends_within_six_months(
    ending_case, benefit_end, suggested
):
    # given the benefit period ends on `benefit_end`, and no mapping has been considered
    ending_case.benefit_end_date = benefit_end

    # when the flags are read on 10 March 2026
    flags = flags_for(ending_case)

    # then a joint mapping is suggested only within the last 6 months, due by the end date
    assert ("mapping_suggested" in flags) is suggested
    if suggested:
        assert flags["mapping_suggested"].deadline == benefit_end
        # information until the last week before the end
        expected = DUE_SOON if (benefit_end - TODAY).days <= 7 else INFO
        assert flags["mapping_suggested"].level == expected


def test_ended_benefit_gives_the_benefit_ended_flag_instead(ending_case):
    ending_case.benefit_end_date = TODAY - dt.timedelta(days=1)

    flags = flags_for(ending_case)

    assert "mapping_suggested" not in flags
    assert flags["benefit_ended"].level == OVERDUE


def test_no_mapping_suggestion_for_a_case_opened_from_a_mapping(ending_case):
    # given the case was opened by a joint mapping's decision (requested before the case began)
    ending_case.benefit_end_date = dt.date(2026, 6, 1)
    JointMappingFactory(
        person=ending_case.person,
        requested_on=dt.date(2025, 12, 1),
        first_meeting_on=dt.date(2025, 12, 10),
        decision=Decision.JOINT_ACTIVE_SUPPORT,
        decision_date=dt.date(2025, 12, 10),
        ended_on=dt.date(2025, 12, 10),
        case=ending_case,
    )

    assert "mapping_suggested" not in flags_for(ending_case)


def test_no_mapping_suggestion_once_one_is_requested_during_the_case(ending_case):
    # given a mapping requested after the case began (from its preparation group on)
    ending_case.benefit_end_date = dt.date(2026, 6, 1)
    JointMappingFactory(person=ending_case.person, requested_on=ending_case.referral_date)

    assert "mapping_suggested" not in flags_for(ending_case)


def test_a_mapping_from_before_the_case_does_not_count(ending_case):
    # given an earlier mapping, ended without action, before this case began
    ending_case.benefit_end_date = dt.date(2026, 6, 1)
    JointMappingFactory(
        person=ending_case.person,
        requested_on=dt.date(2025, 3, 1),
        first_meeting_on=dt.date(2025, 3, 10),
        decision=Decision.NO_ACTION,
        decision_date=dt.date(2025, 3, 10),
        ended_on=dt.date(2025, 3, 10),
    )

    assert "mapping_suggested" in flags_for(ending_case)


def test_mapping_suggestion_is_hidden_from_af_without_consent(ending_case, af_officer):
    ending_case.benefit_end_date = dt.date(2026, 6, 1)

    assert "mapping_suggested" not in flags_for(ending_case, reader=af_officer)
    assert "mapping_suggested" in flags_for(ending_case, reader=ending_case.fk_officer)


def test_suggestion_facts_take_one_query_for_any_number_of_cases(
    ending_case, django_assert_num_queries
):
    # given twelve cases of different people
    cases = [ending_case] + [CaseFactory() for _ in range(11)]

    # then their facts are read in one query (meetings and mappings as subqueries), not per case
    with django_assert_num_queries(1):
        facts = suggestion_facts(cases)
    assert set(facts) == {c.pk for c in cases}
