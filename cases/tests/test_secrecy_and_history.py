"""Secrecy between the agencies, concurrent edits, change history and moving a case to another
area (SPEC §3, §7).

FK's benefit facts reach AF staff, and AF's notes reach FK staff, only while a consent (or a
recorded legal basis) covering sharing is in force on the day asked about."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Agency, StaffProfile
from accounts.tests.factories import staff
from cases.deviations import case_deviations
from cases.models import Case, CaseAreaMove, Person, Phase
from cases.secrecy import (
    AF_FIELDS,
    FK_DERIVED,
    FK_FIELDS,
    editable_case_fields,
    hidden_case_fields,
)
from cases.selectors import worklist_rows
from cases.services import (
    case_move_area,
    case_open,
    case_transition,
    case_update,
    consent_record,
    consent_withdraw,
)
from samverkan.services import AccessContext, ConcurrentEditError

DAY = dt.timedelta(days=1)
D = dt.date(2026, 5, 4)
TODAY = dt.date(2026, 6, 1)
EVERYTHING = FK_FIELDS | FK_DERIVED | AF_FIELDS


def _coordinator_of(area, agency_code, username):
    user = staff("coordinator", areas=[area], username=username)
    agency = Agency.objects.get(code=agency_code) if agency_code else None
    StaffProfile.objects.filter(user=user).update(agency=agency)
    return user


@pytest.fixture
def neutral_coordinator(area):
    """A coordinator recorded with no agency: neither side's details without consent."""
    return _coordinator_of(area, None, "samordnare.utan")


@pytest.fixture
def af_coordinator(area):
    return _coordinator_of(area, "AF", "samordnare.af")


def sharing(person, given_on, **kwargs):
    return consent_record(
        person=person,
        given_on=given_on,
        covers_sharing=True,
        covers_follow_up=False,
        today=TODAY,
        context=AccessContext.system("test"),
        **kwargs,
    )


# --- hidden_case_fields ------------------------------------------------------------------------


def test_without_consent_each_agency_sees_only_its_own_details(
    person, fk_officer, af_officer, coordinator, neutral_coordinator, af_coordinator
):
    assert hidden_case_fields(user=fk_officer, person=person, on=D) == AF_FIELDS
    assert hidden_case_fields(user=af_officer, person=person, on=D) == FK_FIELDS | FK_DERIVED
    assert "benefit_end_date" in FK_FIELDS and "benefit_ends_priority" in FK_DERIVED
    assert hidden_case_fields(user=neutral_coordinator, person=person, on=D) == EVERYTHING
    assert hidden_case_fields(user=af_coordinator, person=person, on=D) == FK_FIELDS | FK_DERIVED
    # The conftest coordinator is recorded with FK (accounts.tests.factories.staff's default).
    assert hidden_case_fields(user=coordinator, person=person, on=D) == AF_FIELDS


CONSENT_STATES = {
    # name: (record the consent, does it cover sharing on D)
    "none": (lambda p: None, False),
    "active": (lambda p: sharing(p, D - dt.timedelta(days=30)), True),
    "given-that-day": (lambda p: sharing(p, D), True),
    "legal-basis": (
        lambda p: sharing(p, D - DAY, legal_basis="Lag (2003:1210) om finansiell samordning"),
        True,
    ),
    "future": (lambda p: sharing(p, D + DAY), False),
    "follow-up-only": (
        lambda p: consent_record(
            person=p,
            given_on=D - dt.timedelta(days=30),
            covers_sharing=False,
            covers_follow_up=True,
            today=TODAY,
            context=AccessContext.system("test"),
        ),
        False,
    ),
    "withdrawn-that-day": (
        lambda p: consent_withdraw(
            consent=sharing(p, D - dt.timedelta(days=30)),
            withdrawn_on=D,
            today=TODAY,
            context=AccessContext.system("test"),
        ),
        False,
    ),
    "withdrawn-before": (
        lambda p: consent_withdraw(
            consent=sharing(p, D - dt.timedelta(days=30)),
            withdrawn_on=D - DAY,
            today=TODAY,
            context=AccessContext.system("test"),
        ),
        False,
    ),
    "withdrawn-after": (
        lambda p: consent_withdraw(
            consent=sharing(p, D - dt.timedelta(days=30)),
            withdrawn_on=D + DAY,
            today=TODAY,
            context=AccessContext.system("test"),
        ),
        True,
    ),
}


@pytest.mark.parametrize("state", CONSENT_STATES)
def test_a_consent_covering_sharing_on_the_day_opens_both_sides_and_nothing_else_does(
    person, fk_officer, af_officer, neutral_coordinator, state
):
    record, covers = CONSENT_STATES[state]
    record(person)

    hidden = {
        user: hidden_case_fields(user=user, person=person, on=D)
        for user in (fk_officer, af_officer, neutral_coordinator)
    }

    if covers:
        assert hidden == {
            fk_officer: frozenset(),
            af_officer: frozenset(),
            neutral_coordinator: frozenset(),
        }
    else:
        assert hidden == {
            fk_officer: AF_FIELDS,
            af_officer: FK_FIELDS | FK_DERIVED,
            neutral_coordinator: EVERYTHING,
        }


def test_each_agency_edits_only_its_own_details(
    fk_officer, af_officer, neutral_coordinator, af_coordinator
):
    assert editable_case_fields(user=fk_officer) == FK_FIELDS
    assert editable_case_fields(user=af_officer) == AF_FIELDS
    assert editable_case_fields(user=af_coordinator) == AF_FIELDS
    assert editable_case_fields(user=neutral_coordinator) == frozenset()


# --- case_update and the other agency's fields ----------------------------------------------


@pytest.fixture
def open_case(person, fk_officer, af_officer):
    return case_open(
        person=person,
        phase=Phase.NEEDS_ANALYSIS,
        start_date=dt.date(2026, 1, 12),
        fk_officer=fk_officer,
        af_officer=af_officer,
        benefit="sjukpenning",
        benefit_end_date=dt.date(2026, 4, 30),
        context=AccessContext.for_user(fk_officer),
        today=dt.date(2026, 1, 12),
    )


def _row(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.benefit_end_date,
        case.fk_notes,
        case.af_notes,
        case.version,
        case.history.count(),
    )


def test_an_af_officer_cannot_set_the_benefit_end_date_even_with_consent(
    open_case, person, af_officer
):
    sharing(person, dt.date(2026, 1, 1))
    before = _row(open_case)

    with pytest.raises(ValidationError) as refused:
        case_update(
            case=open_case,
            expected_version=open_case.version,
            data={"benefit_end_date": dt.date(2026, 12, 31)},
            context=AccessContext.for_user(af_officer),
            today=TODAY,
        )

    assert refused.value.message_dict["benefit_end_date"] == [
        "Uppgiften registreras av den andra myndigheten."
    ]
    assert _row(open_case) == before


@pytest.mark.parametrize(
    "who, field, value, allowed",
    [
        ("fk_officer", "benefit_end_date", dt.date(2026, 12, 31), True),
        ("fk_officer", "fk_notes", "Läkarintyg inkommet", True),
        ("fk_officer", "af_notes", "Skrivet av FK", False),
        ("af_officer", "af_notes", "Praktik ordnad", True),
        ("af_officer", "fk_notes", "Skrivet av AF", False),
        ("af_officer", "sick_leave_start", dt.date(2025, 6, 1), False),
        ("neutral_coordinator", "benefit", "ingen", False),
        ("neutral_coordinator", "af_notes", "Skrivet av samordnare", False),
    ],
)
def test_case_update_lets_each_agency_write_only_its_own_fields(
    request, open_case, who, field, value, allowed
):
    user = request.getfixturevalue(who)
    before = _row(open_case)

    if allowed:
        updated = case_update(
            case=open_case,
            expected_version=open_case.version,
            data={field: value},
            context=AccessContext.for_user(user),
            today=TODAY,
        )
        assert getattr(updated, field) == value and updated.version == before[3] + 1
    else:
        with pytest.raises(ValidationError) as refused:
            case_update(
                case=open_case,
                expected_version=open_case.version,
                data={field: value},
                context=AccessContext.for_user(user),
                today=TODAY,
            )
        assert field in refused.value.message_dict
        assert _row(open_case) == before


# --- the worklist follows the secrecy rules ----------------------------------------------------

BENEFIT_FLAGS = {"benefit_ended"}


def _worklist_row(user, case, today):
    (row,) = worklist_rows(user=user, cases=Case.objects.filter(pk=case.pk), today=today)
    return row


def test_an_af_officer_without_consent_gets_no_benefit_based_flags_or_priority(
    open_case, person, fk_officer, af_officer
):
    fk_row = _worklist_row(fk_officer, open_case, D)
    af_row = _worklist_row(af_officer, open_case, D)

    assert BENEFIT_FLAGS <= {f.code for f in fk_row["flags"]}
    assert fk_row["benefit_ends"] is True
    af_codes = {f.code for f in af_row["flags"]}
    assert not BENEFIT_FLAGS & af_codes
    assert "follow_up_due" in af_codes  # the rest of the worklist is still there
    assert af_row["benefit_ends"] is None
    assert not any(f.deadline == open_case.benefit_end_date for f in af_row["flags"])
    # nor the deviation built on the benefit's end (registered with too little left)
    fk_hidden = hidden_case_fields(user=fk_officer, person=person, on=D)
    af_hidden = hidden_case_fields(user=af_officer, person=person, on=D)
    assert "benefit_left_short" in {
        d.code for d in case_deviations(open_case, today=D, hidden=fk_hidden)
    }
    assert not case_deviations(open_case, today=D, hidden=af_hidden)


def test_an_af_officer_with_consent_sees_the_benefit_based_flags(open_case, person, af_officer):
    sharing(person, dt.date(2026, 1, 12))

    row = _worklist_row(af_officer, open_case, D)

    assert BENEFIT_FLAGS <= {f.code for f in row["flags"]}
    assert row["benefit_ends"] is True


def test_the_worklist_hides_them_again_from_the_day_consent_is_withdrawn(
    open_case, person, af_officer
):
    consent = sharing(person, dt.date(2026, 1, 12))
    consent_withdraw(
        consent=consent, withdrawn_on=D, today=TODAY, context=AccessContext.system("test")
    )

    before = _worklist_row(af_officer, open_case, D - DAY)
    on_the_day = _worklist_row(af_officer, open_case, D)

    assert "benefit_ended" in {f.code for f in before["flags"]}
    assert not BENEFIT_FLAGS & {f.code for f in on_the_day["flags"]}
    assert on_the_day["benefit_ends"] is None


# --- concurrent edits and change history ------------------------------------------------------


def test_a_stale_case_edit_is_refused_and_the_first_save_stands(open_case, fk_officer, af_officer):
    opened_at = open_case.version
    case_update(
        case=open_case,
        expected_version=opened_at,
        data={"af_notes": "Första versionen"},
        context=AccessContext.for_user(af_officer),
        today=TODAY,
    )
    after_first = _row(open_case)

    with pytest.raises(ConcurrentEditError) as refused:
        case_update(
            case=open_case,
            expected_version=opened_at,
            data={"target_group": "exhausted_insurance", "fk_notes": "Andra versionen"},
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )

    assert "Någon annan har ändrat uppgifterna" in refused.value.messages[0]
    assert _row(open_case) == after_first
    assert Case.objects.get(pk=open_case.pk).target_group == ""


def test_case_history_records_who_changed_what_from_old_to_new(open_case, fk_officer):
    case_update(
        case=open_case,
        expected_version=open_case.version,
        data={"target_group": "sick_unemployed", "benefit_end_date": dt.date(2026, 10, 1)},
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )

    latest = Case.objects.get(pk=open_case.pk).history.first()
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes == {
        "target_group": ("", "sick_unemployed"),
        "benefit_end_date": (dt.date(2026, 4, 30), dt.date(2026, 10, 1)),
    }
    assert latest.history_user == fk_officer
    assert latest.history_type == "~"


def test_case_history_records_phase_moves_by_whom(open_case, af_officer):
    case_transition(
        case=open_case,
        to_phase=Phase.CLOSED,
        on=dt.date(2026, 3, 1),
        exit_reason="completed",
        context=AccessContext.for_user(af_officer),
        today=TODAY,
    )

    latest = Case.objects.get(pk=open_case.pk).history.first()
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes["phase"] == (Phase.NEEDS_ANALYSIS, Phase.CLOSED)
    assert changes["end_date"] == (None, dt.date(2026, 3, 1))
    assert latest.history_user == af_officer


# --- moving a case to another area ------------------------------------------------------------


def test_moving_a_case_moves_person_and_case_and_the_old_area_loses_access(
    open_case,
    person,
    area,
    other_area,
    fk_officer,
    af_officer,
    coordinator,
    other_coordinator,
    outsider,
):
    assert list(Case.objects.visible_to(fk_officer)) == [open_case]
    day = dt.date(2026, 3, 16)

    moved = case_move_area(
        case=open_case,
        to_area=other_area,
        on=day,
        context=AccessContext.for_user(coordinator),
        today=day,
    )

    moved.refresh_from_db()
    person.refresh_from_db()
    assert moved.area == other_area and person.area == other_area
    assert (moved.fk_officer, moved.af_officer) == (None, None)
    move = CaseAreaMove.objects.get(case=moved)
    assert (move.from_area, move.to_area, move.date, move.by) == (
        area,
        other_area,
        day,
        coordinator,
    )
    # Its history goes with it.
    assert moved.transitions.count() == 1
    assert moved.history.first().history_user == coordinator

    for old in (fk_officer, af_officer, coordinator):
        assert not Case.objects.visible_to(old).exists()
        assert not Person.objects.visible_to(old).exists()
    assert list(Case.objects.visible_to(other_coordinator)) == [moved]
    assert list(Person.objects.visible_to(outsider)) == [person]


def test_a_move_cannot_be_dated_ahead_or_go_to_the_same_area_or_move_a_closed_case(
    open_case, area, other_area, coordinator
):
    with pytest.raises(ValidationError) as ahead:
        case_move_area(
            case=open_case,
            to_area=other_area,
            on=TODAY + DAY,
            context=AccessContext.for_user(coordinator),
            today=TODAY,
        )
    assert "inte i förväg" in str(ahead.value)
    with pytest.raises(ValidationError):
        case_move_area(
            case=open_case,
            to_area=area,
            on=TODAY,
            context=AccessContext.for_user(coordinator),
            today=TODAY,
        )
    assert Case.objects.get(pk=open_case.pk).area == area

    case_transition(
        case=open_case,
        to_phase=Phase.CLOSED,
        on=dt.date(2026, 3, 1),
        exit_reason="moved",
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )
    with pytest.raises(ValidationError) as closed:
        case_move_area(
            case=open_case,
            to_area=other_area,
            on=TODAY,
            context=AccessContext.for_user(coordinator),
            today=TODAY,
        )
    assert "avslutat ärende flyttas inte" in str(closed.value)
    assert not CaseAreaMove.objects.exists()
