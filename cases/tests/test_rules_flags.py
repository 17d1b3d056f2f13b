"""The time rules of SPEC §3 as flags, at their exact edges, with time travel.

Flags are derived on read (cases.flags.case_flags, cases.selectors.worklist_rows) from the case,
the rule set in force for it and the day asked about; the services that refuse moves take
`today=` or read the clock, which time_machine moves. Day counts follow samverkan.dates: the
start is day 0 and "day 365" is start + 365 days."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import StaffProfile
from cases.deviations import case_deviations
from cases.flags import (
    DUE_SOON,
    INFO,
    OVERDUE,
    benefit_ends_priority,
    case_flags,
    is_young,
)
from cases.models import Case, Phase, PhaseTransition, RuleSet
from cases.selectors import caseload_by_officer, worklist_rows
from cases.services import case_open, case_transition, case_update
from cases.tests.factories import CaseFactory, PersonFactory, make_personnummer
from mapping.services import meeting_create, plan_save
from samverkan.services import AccessContext

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = dt.timedelta(days=1)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=STOCKHOLM)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def person_born(area, birth: dt.date, serial: int):
    return PersonFactory(area=area, personnummer=make_personnummer(birth, serial=serial))


def referred(person, on: dt.date, **fields) -> Case:
    return case_open(
        person=person, referral_date=on, today=on, context=AccessContext.system("test"), **fields
    )


def started(person, start: dt.date, referral: dt.date | None = None, **fields) -> Case:
    return case_open(
        person=person,
        phase=Phase.NEEDS_ANALYSIS,
        referral_date=referral,
        start_date=start,
        today=start,
        context=AccessContext.system("test"),
        **fields,
    )


def flags_on(case: Case, today: dt.date, **kwargs) -> dict:
    return {flag.code: flag for flag in case_flags(case, today=today, **kwargs)}


def a_plan(case):
    return plan_save(
        case=case,
        goal="Arbete inom handel",
        activities="Arbetsträning tre dagar",
        context=AccessContext.system("test"),
    )


def worklist_flags(user, case, today):
    (row,) = worklist_rows(user=user, cases=Case.objects.filter(pk=case.pk), today=today)
    return {flag.code: flag for flag in row["flags"]}


# --- Rule 1: at most 14 days from the preparation group to the start ---------------------------

REFERRAL = dt.date(2026, 3, 2)


def test_a_start_on_day_14_is_on_time_and_on_day_15_is_flagged_started_late(area, fk_officer):
    on_time = referred(PersonFactory(area=area), REFERRAL)
    late = referred(PersonFactory(area=area), REFERRAL)

    with time_machine.travel(noon(REFERRAL + days(14)), tick=False):
        on_time = case_transition(
            case=on_time,
            to_phase=Phase.NEEDS_ANALYSIS,
            on=REFERRAL + days(14),
            context=AccessContext.for_user(fk_officer),
        )
    with time_machine.travel(noon(REFERRAL + days(15)), tick=False):
        late = case_transition(
            case=late,
            to_phase=Phase.NEEDS_ANALYSIS,
            on=REFERRAL + days(15),
            context=AccessContext.for_user(fk_officer),
        )

    assert on_time.start_date == REFERRAL + days(14)
    assert "start_due" not in flags_on(on_time, REFERRAL + days(14))
    assert not case_deviations(on_time, today=REFERRAL + days(14))
    # a start already made late is a recorded deviation, not an open deadline
    assert "started_late" not in flags_on(late, REFERRAL + days(15))
    [deviation] = case_deviations(late, today=REFERRAL + days(15))
    assert (deviation.code, deviation.day) == ("started_late", REFERRAL + days(15))
    assert "15 dagar efter beredningsgruppen (högst 14)" in deviation.wording


def test_a_referred_case_without_start_is_due_on_day_14_and_overdue_on_day_15(person):
    case = referred(person, REFERRAL)

    on_day_6 = flags_on(case, REFERRAL + days(6))["start_due"]
    on_day_7 = flags_on(case, REFERRAL + days(7))["start_due"]
    on_day_14 = flags_on(case, REFERRAL + days(14))["start_due"]
    on_day_15 = flags_on(case, REFERRAL + days(15))["start_due"]

    assert on_day_6.deadline == on_day_15.deadline == dt.date(2026, 3, 16)
    # information until the last week, due soon in it, overdue after it
    levels = (on_day_6.level, on_day_7.level, on_day_14.level, on_day_15.level)
    assert levels == (INFO, DUE_SOON, DUE_SOON, OVERDUE)
    assert "högst 14 dagar från beredningsgruppen" in on_day_14.wording


def test_a_closed_referred_case_is_no_longer_due_to_start(person, fk_officer):
    case = referred(person, REFERRAL)
    assert "start_due" in flags_on(case, REFERRAL + days(20))

    case = case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=REFERRAL + days(3),
        exit_reason="aborted_own_initiative",
        context=AccessContext.for_user(fk_officer),
        today=REFERRAL + days(3),
    )

    assert "start_due" not in flags_on(case, REFERRAL + days(20))


# --- Rule 2: at most 365 days, warned from day 300 ---------------------------------------------


@pytest.mark.parametrize(
    "start, day_365, day_366",
    [
        (dt.date(2026, 1, 5), dt.date(2027, 1, 5), dt.date(2027, 1, 6)),
        # A case started 31 January.
        (dt.date(2026, 1, 31), dt.date(2027, 1, 31), dt.date(2027, 2, 1)),
        # Started on a leap day: day 365 is 28 February, the calendar anniversary is over.
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), dt.date(2025, 3, 1)),
        # Day 365 crosses 29 February 2024, so it lands one date before the anniversary.
        (dt.date(2023, 3, 1), dt.date(2024, 2, 29), dt.date(2024, 3, 1)),
    ],
    ids=["ordinary", "31-january", "leap-day-start", "crosses-29-february"],
)
def test_day_300_warns_day_365_is_the_last_day_and_day_366_is_over(person, start, day_365, day_366):
    case = started(person, start)
    assert start + days(365) == day_365  # the table's own arithmetic

    day_299 = flags_on(case, start + days(299))
    day_300 = flags_on(case, start + days(300))
    last = flags_on(case, day_365)
    over = flags_on(case, day_366)

    assert not {"near_max_days", "over_max_days"} & set(day_299)
    assert day_300["near_max_days"].level == DUE_SOON
    assert day_300["near_max_days"].deadline == day_365
    assert "Dag 300 av högst 365" in day_300["near_max_days"].wording
    assert "over_max_days" not in day_300
    assert last["near_max_days"].deadline == day_365 and "over_max_days" not in last
    assert over["over_max_days"].level == OVERDUE
    assert over["over_max_days"].deadline == day_365
    assert "near_max_days" not in over


def test_the_day_limit_flags_only_open_cases(person, fk_officer):
    start = dt.date(2025, 1, 10)
    case = started(person, start)
    assert "over_max_days" in flags_on(case, start + days(400))

    case = case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=start + days(200),
        exit_reason="completed",
        context=AccessContext.for_user(fk_officer),
        today=start + days(400),
    )

    assert not {"near_max_days", "over_max_days"} & set(flags_on(case, start + days(400)))


def test_a_phase_move_after_day_365_is_refused_in_swedish_and_day_365_is_allowed(
    person, fk_officer
):
    start = dt.date(2025, 1, 31)
    case = started(person, start)
    a_plan(case)

    with time_machine.travel(noon(start + days(366)), tick=False):
        with pytest.raises(ValidationError) as refused:
            case_transition(
                case=case,
                to_phase=Phase.INTRODUCTION_TRIAL,
                on=start + days(366),
                context=AccessContext.for_user(fk_officer),
            )
        assert "passerat 365 dagar i samverkan och kan bara avslutas" in str(refused.value)
        case.refresh_from_db()
        assert case.phase == Phase.NEEDS_ANALYSIS and case.version == 1
        assert case.transitions.count() == 1

        moved = case_transition(
            case=case,
            to_phase=Phase.INTRODUCTION_TRIAL,
            on=start + days(365),
            context=AccessContext.for_user(fk_officer),
        )
    assert moved.phase == Phase.INTRODUCTION_TRIAL


def test_closing_after_day_365_is_allowed_on_the_day_a_move_is_refused(person, fk_officer):
    start = dt.date(2024, 2, 29)
    case = started(person, start)
    a_plan(case)
    late = start + days(400)

    with pytest.raises(ValidationError):
        case_transition(
            case=case,
            to_phase=Phase.INTRODUCTION_TRIAL,
            on=late,
            context=AccessContext.for_user(fk_officer),
            today=late,
        )
    closed = case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=late,
        exit_reason="completed",
        context=AccessContext.for_user(fk_officer),
        today=late,
    )

    assert closed.phase == Phase.CLOSED and closed.end_date == late


# --- Rule 3: at least 6 months of benefit left at registration ---------------------------------


@pytest.mark.parametrize(
    "start, exactly_six_months",
    [
        (dt.date(2026, 1, 31), dt.date(2026, 7, 31)),
        # 31 August + 6 months is the last day of February.
        (dt.date(2025, 8, 31), dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), dt.date(2024, 8, 29)),
        (dt.date(2023, 8, 31), dt.date(2024, 2, 29)),
    ],
    ids=["31-january", "31-august", "leap-day-start", "ends-on-leap-day"],
)
def test_exactly_six_months_of_benefit_left_is_enough_and_a_day_less_is_flagged(
    person, fk_officer, start, exactly_six_months
):
    case = started(person, start, benefit="sjukpenning", benefit_end_date=exactly_six_months)
    assert "benefit_left_short" not in flags_on(case, start)

    case = case_update(
        case=case,
        expected_version=case.version,
        data={"benefit_end_date": exactly_six_months - DAY},
        context=AccessContext.for_user(fk_officer),
        today=start,
    )

    # a fact of the registration: a deviation on the case, not a deadline
    assert "benefit_left_short" not in flags_on(case, start)
    [deviation] = case_deviations(case, today=start)
    assert (deviation.code, deviation.day) == ("benefit_left_short", start)
    assert "minst 6 månader ska återstå" in deviation.wording


# --- Priority flags: young, benefit ends -------------------------------------------------------


def test_young_is_true_the_day_before_the_30th_birthday_and_false_on_it(area):
    birth = dt.date(1996, 3, 10)
    day_before = started(person_born(area, birth, 11), dt.date(2026, 3, 9))
    birthday = started(person_born(area, birth, 13), dt.date(2026, 3, 10))

    assert is_young(day_before) is True
    assert is_young(birthday) is False


def test_young_for_someone_born_29_february_ends_on_1_march_of_a_common_year(area):
    """samverkan.dates: someone born 29 February turns a year older on 1 March in common
    years (as Person.age_on counts), so on 28 February 2026 they are still 29."""
    birth = dt.date(1996, 2, 29)
    on_28_february = started(person_born(area, birth, 21), dt.date(2026, 2, 28))
    on_1_march = started(person_born(area, birth, 23), dt.date(2026, 3, 1))

    assert on_28_february.person.age_on(dt.date(2026, 2, 28)) == 29
    assert is_young(on_28_february) is True
    assert is_young(on_1_march) is False


def test_young_counts_age_at_start_not_today(area):
    person = person_born(area, dt.date(1996, 6, 1), 31)
    case = started(person, dt.date(2026, 5, 31))

    with time_machine.travel(noon(dt.date(2026, 11, 1)), tick=False):
        assert person.age_on(dt.date.today()) == 30
        assert is_young(case) is True


@pytest.mark.parametrize(
    "start, twelve_months",
    [
        (dt.date(2026, 3, 10), dt.date(2027, 3, 10)),
        (dt.date(2026, 1, 31), dt.date(2027, 1, 31)),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
    ],
    ids=["ordinary", "31-january", "leap-day-start"],
)
def test_benefit_ends_priority_holds_up_to_12_months_after_start_and_not_a_day_later(
    person, fk_officer, start, twelve_months
):
    case = started(person, start, benefit="sjukpenning", benefit_end_date=twelve_months)
    assert benefit_ends_priority(case) is True

    case = case_update(
        case=case,
        expected_version=case.version,
        data={"benefit_end_date": twelve_months + DAY},
        context=AccessContext.for_user(fk_officer),
        today=start,
    )
    assert benefit_ends_priority(case) is False


# --- Rule 4: an individual plan before introduction and trial ----------------------------------


def test_introduction_without_a_plan_is_refused_in_swedish_and_nothing_changes(person, fk_officer):
    start = dt.date(2026, 4, 1)
    case = started(person, start)

    with pytest.raises(ValidationError) as refused:
        case_transition(
            case=case,
            to_phase=Phase.INTRODUCTION_TRIAL,
            on=start + days(10),
            context=AccessContext.for_user(fk_officer),
            today=start + days(10),
        )

    assert "En individuell plan måste finnas före introduktion och prövning" in str(refused.value)
    case.refresh_from_db()
    assert (case.phase, case.version, case.start_date) == (Phase.NEEDS_ANALYSIS, 1, start)
    assert not PhaseTransition.objects.filter(to_phase=Phase.INTRODUCTION_TRIAL).exists()

    a_plan(case)
    moved = case_transition(
        case=case,
        to_phase=Phase.INTRODUCTION_TRIAL,
        on=start + days(10),
        context=AccessContext.for_user(fk_officer),
        today=start + days(10),
    )
    assert moved.phase == Phase.INTRODUCTION_TRIAL
    assert PhaseTransition.objects.filter(case=case, to_phase=Phase.INTRODUCTION_TRIAL).exists()


def test_the_worklist_flags_a_missing_plan_until_one_is_saved(person, fk_officer):
    start = dt.date(2026, 4, 1)
    case = started(person, start, fk_officer=fk_officer)
    assert "plan_missing" in worklist_flags(fk_officer, case, start + days(5))

    a_plan(case)

    assert "plan_missing" not in worklist_flags(fk_officer, case, start + days(5))


# --- Rule 5: closing documentation within 21 days ----------------------------------------------


def closed_case(person, user, start, end):
    case = started(person, start)
    return case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=end,
        exit_reason="completed",
        context=AccessContext.for_user(user),
        today=end,
    )


def test_closing_documentation_warns_on_day_21_and_is_overdue_on_day_22(person, fk_officer):
    end = dt.date(2026, 2, 20)
    case = closed_case(person, fk_officer, dt.date(2025, 9, 1), end)

    day_21 = flags_on(case, end + days(21))["closing_doc_due"]
    day_22 = flags_on(case, end + days(22))["closing_doc_due"]

    assert day_21.deadline == day_22.deadline == dt.date(2026, 3, 13)
    assert (day_21.level, day_22.level) == (DUE_SOON, OVERDUE)
    assert "inom 21 dagar" in day_21.wording


def test_the_closing_documentation_date_is_not_a_case_detail(person, fk_officer):
    # The date is the day FK confirms the closing document (mapping.services
    # .closing_document_confirm, tested in mapping/tests/test_closing_documents.py): the case's
    # own edit cannot set it, so the 21-day rule reads one date with one source.
    end = dt.date(2026, 2, 20)
    case = closed_case(person, fk_officer, dt.date(2025, 9, 1), end)

    with pytest.raises(ValueError, match="closing_doc_date"):
        case_update(
            case=case,
            expected_version=case.version,
            data={"closing_doc_date": end + days(5)},
            context=AccessContext.for_user(fk_officer),
            today=end + days(5),
        )

    case.refresh_from_db()
    assert case.closing_doc_date is None
    assert "closing_doc_due" in flags_on(case, end + days(30))


# --- Rule 6: the benefit period has ended ------------------------------------------------------


def test_an_open_case_is_overdue_the_day_after_its_benefit_ended(person, fk_officer):
    benefit_end = dt.date(2026, 9, 30)
    case = started(
        person, dt.date(2026, 1, 12), benefit="sjukpenning", benefit_end_date=benefit_end
    )

    assert "benefit_ended" not in flags_on(case, benefit_end)
    flag = flags_on(case, benefit_end + DAY)["benefit_ended"]
    assert flag.level == OVERDUE and flag.deadline == benefit_end
    assert "Förmånstiden har tagit slut" in flag.wording

    case = case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=benefit_end,
        exit_reason="benefit_ended",
        context=AccessContext.for_user(fk_officer),
        today=benefit_end + DAY,
    )
    assert "benefit_ended" not in flags_on(case, benefit_end + DAY)


# --- Follow-up cadence: 28 days ------------------------------------------------------------------


def test_follow_up_is_due_28_days_after_start_and_overdue_on_day_29(person, fk_officer):
    start = dt.date(2026, 1, 31)
    case = started(person, start, fk_officer=fk_officer)

    day_20 = worklist_flags(fk_officer, case, start + days(20))["follow_up_due"]
    day_21 = worklist_flags(fk_officer, case, start + days(21))["follow_up_due"]
    day_28 = worklist_flags(fk_officer, case, start + days(28))["follow_up_due"]
    day_29 = worklist_flags(fk_officer, case, start + days(29))["follow_up_due"]

    assert day_28.deadline == day_29.deadline == dt.date(2026, 2, 28)
    assert (day_20.level, day_21.level, day_28.level, day_29.level) == (
        INFO,
        DUE_SOON,
        DUE_SOON,
        OVERDUE,
    )


def test_a_meeting_resets_the_follow_up_cadence(person, fk_officer):
    start = dt.date(2026, 3, 2)
    case = started(person, start, fk_officer=fk_officer)
    meeting_day = start + days(20)
    meeting_create(
        person=person,
        case=case,
        kind="avstamningsmote",
        on=meeting_day,
        context=AccessContext.for_user(fk_officer),
        today=meeting_day,
    )

    day_29 = worklist_flags(fk_officer, case, start + days(29))["follow_up_due"]
    after_meeting_28 = worklist_flags(fk_officer, case, meeting_day + days(28))["follow_up_due"]
    after_meeting_29 = worklist_flags(fk_officer, case, meeting_day + days(29))["follow_up_due"]

    assert day_29.level == INFO and day_29.deadline == meeting_day + days(28)
    assert after_meeting_28.level == DUE_SOON
    assert after_meeting_29.level == OVERDUE


def test_the_worklist_is_sorted_by_the_nearest_deadline(area, fk_officer):
    today = dt.date(2026, 5, 4)
    # Created first, so the queryset's own order (newest first) puts it last.
    sooner = started(PersonFactory(area=area), today - days(20), fk_officer=fk_officer)
    later = started(PersonFactory(area=area), today - days(3), fk_officer=fk_officer)

    rows = worklist_rows(
        user=fk_officer, cases=Case.objects.filter(pk__in=[later.pk, sooner.pk]), today=today
    )

    assert [row["case"] for row in rows] == [sooner, later]
    assert rows[0]["deadline"] == today - days(20) + days(28)
    assert rows[0]["days"] == 20


# --- Rule parameters are data ------------------------------------------------------------------

NEW_RULES_FROM = dt.date(2026, 3, 1)


@pytest.fixture
def plan_2026(db):
    return RuleSet.objects.create(
        name="Handlingsplan 2026",
        valid_from=NEW_RULES_FROM,
        prep_to_start_days=10,
        max_days=200,
        warn_day=150,
    )


def test_a_case_referred_after_a_new_rule_set_uses_it_and_an_older_one_keeps_the_old(
    area, plan_2026
):
    old = referred(PersonFactory(area=area), NEW_RULES_FROM - DAY)
    new = referred(PersonFactory(area=area), NEW_RULES_FROM)

    old_flag = flags_on(old, NEW_RULES_FROM + days(5))["start_due"]
    new_flag = flags_on(new, NEW_RULES_FROM + days(5))["start_due"]

    assert old_flag.deadline == NEW_RULES_FROM - DAY + days(14)
    assert "högst 14 dagar" in old_flag.wording
    assert new_flag.deadline == NEW_RULES_FROM + days(10)
    assert "högst 10 dagar" in new_flag.wording
    assert flags_on(new, NEW_RULES_FROM + days(11))["start_due"].level == OVERDUE
    assert flags_on(old, NEW_RULES_FROM + days(11))["start_due"].level == DUE_SOON


def test_a_started_case_follows_the_day_limits_of_its_own_rule_set(area, plan_2026):
    old = started(PersonFactory(area=area), NEW_RULES_FROM - DAY)
    new = started(PersonFactory(area=area), NEW_RULES_FROM)

    assert "near_max_days" not in flags_on(old, NEW_RULES_FROM - DAY + days(150))
    assert flags_on(new, NEW_RULES_FROM + days(150))["near_max_days"].deadline == (
        NEW_RULES_FROM + days(200)
    )
    assert "over_max_days" in flags_on(new, NEW_RULES_FROM + days(201))
    assert "over_max_days" not in flags_on(old, NEW_RULES_FROM - DAY + days(365))


def test_the_phase_move_limit_comes_from_the_case_rule_set(person, fk_officer, plan_2026):
    case = started(person, NEW_RULES_FROM)
    a_plan(case)
    day_201 = NEW_RULES_FROM + days(201)

    with pytest.raises(ValidationError) as refused:
        case_transition(
            case=case,
            to_phase=Phase.INTRODUCTION_TRIAL,
            on=day_201,
            context=AccessContext.for_user(fk_officer),
            today=day_201,
        )
    assert "passerat 200 dagar" in str(refused.value)


def test_a_case_referred_under_the_old_rules_keeps_its_start_deadline_when_it_starts_under_new(
    person, fk_officer, plan_2026
):
    """The deadline shown while the case waited (referral + 14 under the set in force at the
    referral) must not move back after the start: a start on day 11 was on time."""
    referral = NEW_RULES_FROM - days(4)
    case = referred(person, referral)
    assert flags_on(case, referral + days(11))["start_due"].deadline == referral + days(14)

    case = case_transition(
        case=case,
        to_phase=Phase.NEEDS_ANALYSIS,
        on=referral + days(11),
        context=AccessContext.for_user(fk_officer),
        today=referral + days(11),
    )

    assert "started_late" not in flags_on(case, referral + days(11))


def test_rule_set_for_date_is_the_latest_on_or_before_and_the_first_before_any(plan_2026):
    first = RuleSet.objects.order_by("valid_from").first()
    assert first.valid_from == dt.date(2010, 1, 1) and first.prep_to_start_days == 14

    assert RuleSet.for_date(NEW_RULES_FROM) == plan_2026
    assert RuleSet.for_date(NEW_RULES_FROM - DAY) == first
    assert RuleSet.for_date(dt.date(2009, 6, 1)) == first


def test_rule_set_for_date_without_a_date_reads_the_clock(plan_2026):
    with time_machine.travel(noon(NEW_RULES_FROM - DAY), tick=False):
        assert RuleSet.for_date(None).valid_from == dt.date(2010, 1, 1)
    with time_machine.travel(noon(NEW_RULES_FROM), tick=False):
        assert RuleSet.for_date(None) == plan_2026


# --- Caseload against the norms ----------------------------------------------------------------


def _open_cases_for(area, count, **officers):
    for _ in range(count):
        CaseFactory(person=PersonFactory(area=area), **officers)


def _rows_by_user(area, today):
    return {
        row["profile"].user: row for row in caseload_by_officer(area_ids=[area.pk], today=today)
    }


def test_caseload_counts_open_cases_per_officer_and_scales_the_norm_by_working_time(
    area, fk_officer, af_officer, coordinator
):
    StaffProfile.objects.filter(user=af_officer).update(working_time_share=Decimal("0.50"))
    _open_cases_for(area, 3, fk_officer=fk_officer, af_officer=af_officer)
    _open_cases_for(area, 1, fk_officer=fk_officer)
    CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        af_officer=af_officer,
        phase=Phase.CLOSED,
    )

    rows = _rows_by_user(area, dt.date(2026, 6, 1))

    assert coordinator not in rows  # not an officer
    assert rows[fk_officer]["open"] == 4
    assert rows[fk_officer]["norm"] == Decimal("70.0")
    assert rows[af_officer]["open"] == 3
    assert rows[af_officer]["norm"] == Decimal("20.0")
    assert rows[af_officer]["per_fte"] == Decimal("6.0")
    assert rows[af_officer]["above"] is False


def test_an_officer_above_the_norm_is_flagged_and_one_at_the_norm_is_not(
    area, fk_officer, af_officer
):
    RuleSet.objects.create(name="Låg norm", valid_from=dt.date(2026, 1, 1), norm_af=4, norm_fk=2)
    StaffProfile.objects.filter(user=af_officer).update(working_time_share=Decimal("0.50"))
    _open_cases_for(area, 2, af_officer=af_officer)
    _open_cases_for(area, 3, fk_officer=fk_officer)

    rows = _rows_by_user(area, dt.date(2026, 6, 1))
    before = _rows_by_user(area, dt.date(2025, 12, 31))

    assert (rows[af_officer]["norm"], rows[af_officer]["above"]) == (Decimal("2.0"), False)
    assert (rows[fk_officer]["norm"], rows[fk_officer]["above"]) == (Decimal("2.0"), True)
    assert before[fk_officer]["norm"] == Decimal("70.0")
    assert before[fk_officer]["above"] is False
