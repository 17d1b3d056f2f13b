"""The rule picks exactly the persons due, at the boundary of the period."""

import datetime as dt

import pytest

from cases.models import Case, Consent, Person, StatusEntry
from cases.tests.factories import CaseFactory
from mapping.tests.factories import JointMappingFactory, MeetingFactory
from retention.models import RetentionRule
from retention.selection import AFTER_CLOSE, WITHOUT_CASE, NoRuleInForce, candidates, periods_on

from .conftest import CUTOFF, TODAY, make_person

pytestmark = pytest.mark.django_db


def _closed_case(person, end):
    return CaseFactory(
        person=person,
        phase=Case.Phase.CLOSED,
        referral_date=end - dt.timedelta(days=200),
        start_date=end - dt.timedelta(days=190),
        end_date=end,
        exit_reason="completed",
    )


def _registered_on(person, day):
    Person.objects.filter(pk=person.pk).update(
        created_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    )


def _due(**kwargs):
    periods = periods_on(TODAY, **kwargs)
    return {c.person_id: c for c in candidates(TODAY, periods)}


def test_closed_more_than_n_years_ago_goes_less_stays(area, rule):
    goes = make_person(area)
    _closed_case(goes, CUTOFF - dt.timedelta(days=1))
    exactly = make_person(area)
    _closed_case(exactly, CUTOFF)
    stays = make_person(area)
    _closed_case(stays, CUTOFF + dt.timedelta(days=1))

    due = _due()

    assert set(due) == {goes.pk}
    assert due[goes.pk].rule == AFTER_CLOSE
    assert due[goes.pk].since == CUTOFF - dt.timedelta(days=1)
    assert due[goes.pk].reason == "sista ärendet avslutades 2023-06-14"


def test_the_last_case_counts_and_an_open_case_keeps_the_person(area, rule):
    old_and_new = make_person(area)
    _closed_case(old_and_new, dt.date(2015, 1, 1))
    _closed_case(old_and_new, CUTOFF + dt.timedelta(days=10))
    old_and_open = make_person(area)
    _closed_case(old_and_open, dt.date(2015, 1, 1))
    CaseFactory(
        person=old_and_open, start_date=dt.date(2016, 1, 1), referral_date=dt.date(2016, 1, 1)
    )

    assert _due() == {}


def test_activity_after_the_last_case_keeps_the_person(area, rule, status_code):
    status_later = make_person(area)
    _closed_case(status_later, dt.date(2018, 1, 1))
    StatusEntry.objects.create(
        person=status_later, date=CUTOFF + dt.timedelta(days=1), code=status_code
    )
    mapping_later = make_person(area)
    _closed_case(mapping_later, dt.date(2018, 1, 1))
    JointMappingFactory(person=mapping_later, requested_on=CUTOFF + dt.timedelta(days=1))
    quiet = make_person(area)
    _closed_case(quiet, dt.date(2018, 1, 1))
    StatusEntry.objects.create(person=quiet, date=CUTOFF - dt.timedelta(days=1), code=status_code)

    assert set(_due()) == {quiet.pk}


def test_without_case_inactive_for_n_years_goes_and_activity_resets(area, rule):
    inactive = make_person(area)
    _registered_on(inactive, dt.date(2020, 1, 1))
    Consent.objects.create(
        person=inactive, given_on=CUTOFF - dt.timedelta(days=1), covers_follow_up=True
    )
    met_recently = make_person(area)
    _registered_on(met_recently, dt.date(2020, 1, 1))
    MeetingFactory(person=met_recently, date=CUTOFF + dt.timedelta(days=1))
    withdrew_recently = make_person(area)
    _registered_on(withdrew_recently, dt.date(2020, 1, 1))
    Consent.objects.create(
        person=withdrew_recently,
        given_on=dt.date(2020, 1, 1),
        withdrawn_on=CUTOFF,
        covers_follow_up=True,
    )
    registered_recently = make_person(area)
    _registered_on(registered_recently, CUTOFF + dt.timedelta(days=1))
    never_anything = make_person(area)
    _registered_on(never_anything, CUTOFF - dt.timedelta(days=1))

    due = _due()

    assert set(due) == {inactive.pk, never_anything.pk}
    assert due[inactive.pk].rule == WITHOUT_CASE
    assert due[inactive.pk].reason == "inget ärende, senaste aktivitet 2023-06-14"


def test_the_rule_in_force_on_the_day_decides(area, rule):
    person = make_person(area)
    _closed_case(person, dt.date(2024, 1, 1))
    assert _due() == {}
    RetentionRule.objects.create(valid_from=TODAY, years_after_close=2, years_without_activity=2)
    assert set(_due()) == {person.pk}
    # A run may shorten the periods for itself (the command's --years).
    RetentionRule.objects.filter(valid_from=TODAY).delete()
    assert set(_due(years=1)) == {person.pk}


def test_no_rule_in_force_is_a_clear_error(db):
    RetentionRule.objects.all().delete()
    with pytest.raises(NoRuleInForce, match="Ingen gallringsregel gäller 2026-06-15"):
        periods_on(TODAY)
