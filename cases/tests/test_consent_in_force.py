"""The consent in force on a day is defined once (`Consent.objects.in_force_on`, SPEC §3, §7),
and so are the rules that read it: the secrecy between the agencies and who is an anonymous
participant (cases.secrecy). Python callers (one person) and SQL callers (every row of a query,
the day given as a date or as an expression) must answer alike on every boundary day."""

import datetime as dt

import pytest
import time_machine
from django.db.models import DateField, OuterRef, Value

from cases.models import Consent, Person
from cases.secrecy import (
    AF_FIELDS,
    FK_DERIVED,
    FK_FIELDS,
    agency_details_hidden,
    fk_facts_visible,
    hidden_case_fields,
    not_anonymous_on,
    shares_on,
    shares_today_annotation,
)
from cases.services import consent_record, consent_withdraw
from samverkan.services import AccessContext

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
GIVEN = dt.date(2026, 3, 10)
WITHDRAWN = dt.date(2026, 5, 4)
TODAY = dt.date(2026, 6, 1)

# name: (the day asked about, is the consent in force that day)
BOUNDARIES = {
    "the-day-before-it-was-given": (GIVEN - DAY, False),
    "the-day-it-was-given": (GIVEN, True),
    "a-day-while-it-runs": (GIVEN + 30 * DAY, True),
    "the-day-before-the-withdrawal": (WITHDRAWN - DAY, True),
    "the-day-of-the-withdrawal": (WITHDRAWN, False),
    "a-day-after-the-withdrawal": (WITHDRAWN + DAY, False),
}


def _record(person, *, sharing: bool, follow_up: bool) -> Consent:
    """A consent given on GIVEN and withdrawn on WITHDRAWN."""
    context = AccessContext.system("test")
    consent = consent_record(
        person=person,
        given_on=GIVEN,
        covers_sharing=sharing,
        covers_follow_up=follow_up,
        today=TODAY,
        context=context,
    )
    return consent_withdraw(consent=consent, withdrawn_on=WITHDRAWN, today=TODAY, context=context)


def _per_row(person, expression, day):
    """`expression` evaluated in SQL for the person's row, with `day` as the row's own column."""
    return (
        Person.objects.filter(pk=person.pk)
        .annotate(probe_day=Value(day, output_field=DateField()))
        .annotate(answer=expression)
        .values_list("answer", flat=True)
        .get()
    )


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_a_consent_is_in_force_from_the_day_given_until_the_day_before_its_withdrawal(
    person, boundary
):
    # given a consent given on GIVEN and withdrawn on WITHDRAWN
    day, in_force = BOUNDARIES[boundary]
    consent = _record(person, sharing=True, follow_up=True)

    # when the rule is asked with a date, per person in Python, and per row with the day as an
    # expression (as the outcome asks about each case's own day 365)
    with_date = Consent.objects.in_force_on(day).filter(pk=consent.pk).exists()
    on_person = person.consents_on(day).filter(pk=consent.pk).exists()
    per_row = _per_row(
        person, Consent.objects.in_force_on(OuterRef("probe_day")).exists_for("pk"), day
    )

    # then all three answer the same, as SPEC §3 reads "withdrawn date"
    assert (with_date, on_person, per_row) == (in_force, in_force, in_force)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_the_secrecy_rule_answers_alike_in_python_and_in_sql(
    person, fk_officer, af_officer, boundary
):
    # given a consent covering sharing, given on GIVEN and withdrawn on WITHDRAWN
    day, in_force = BOUNDARIES[boundary]
    _record(person, sharing=True, follow_up=False)

    # when the pages' Python rule and the exports' SQL rule are asked about that day
    hidden_from_af = hidden_case_fields(user=af_officer, person=person, on=day)
    hidden_from_fk = hidden_case_fields(user=fk_officer, person=person, on=day)
    shares_in_sql = _per_row(person, shares_on(OuterRef("probe_day"), person="pk"), day)
    af_sees_in_sql = _per_row(
        person, fk_facts_visible(agency_code="AF", day=OuterRef("probe_day"), person="pk"), day
    )
    fk_sees_in_sql = _per_row(
        person, fk_facts_visible(agency_code="FK", day=OuterRef("probe_day"), person="pk"), day
    )

    # then both say the same: AF sees FK's facts only while sharing is covered, FK always
    assert shares_in_sql is in_force
    assert af_sees_in_sql is in_force
    assert (hidden_from_af & FK_FIELDS) is not in_force
    assert fk_sees_in_sql is True
    assert not hidden_from_fk & FK_FIELDS


@pytest.mark.parametrize("protected", [False, True])
@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_an_anonymous_participant_is_the_same_in_python_and_in_sql(person, boundary, protected):
    # given a consent to follow-up registration given on GIVEN and withdrawn on WITHDRAWN, and
    # perhaps a protected identity
    day, in_force = BOUNDARIES[boundary]
    _record(person, sharing=False, follow_up=True)
    Person.objects.filter(pk=person.pk).update(protected_identity=protected)
    person.refresh_from_db()

    # when the person page's rule and the reports' and exports' SQL rule are asked
    in_python = person.is_anonymous_on(day)
    in_sql = not Person.objects.filter(
        not_anonymous_on(day, person="pk", prefix=""), pk=person.pk
    ).exists()

    # then they agree: anonymous with a protected identity, or without the consent that day
    assert in_python is in_sql is (protected or not in_force)


def test_the_list_annotation_counts_the_day_in_stockholm(person):
    # given a consent covering sharing withdrawn on WITHDRAWN
    _record(person, sharing=True, follow_up=False)

    # when a list is read at 00:30 in Stockholm on the withdrawal day (22:30 UTC the day before)
    with time_machine.travel(dt.datetime(2026, 5, 3, 22, 30, tzinfo=dt.UTC), tick=False):
        shares_today = (
            Person.objects.filter(pk=person.pk)
            .annotate(shares_today=shares_today_annotation(""))
            .values_list("shares_today", flat=True)
            .get()
        )

    # then the domain day is Stockholm's (timezone.localdate), so sharing has ended
    assert shares_today is False


def test_a_mappings_sick_leave_band_is_hidden_with_fks_facts(person, af_officer):
    # The band is derived from FK's sick-leave start. hidden_case_fields did not name it: the
    # mapping API, the mapping page and the export each hid it by their own rule ("hidden when
    # sick_leave_start is"). It is now one of FK's derived facts, so every caller hides it alike.

    # given no consent covering sharing
    # when AF staff ask what is hidden from them
    hidden = hidden_case_fields(user=af_officer, person=person, on=TODAY)

    # then the band goes with FK's facts
    assert "sick_leave_band" in FK_DERIVED and "sick_leave_band" in hidden


@pytest.mark.parametrize(
    ("agency_code", "without_sharing"),
    [
        ("FK", AF_FIELDS),
        ("AF", FK_FIELDS | FK_DERIVED),
        ("", FK_FIELDS | FK_DERIVED | AF_FIELDS),
        (None, FK_FIELDS | FK_DERIVED | AF_FIELDS),
    ],
)
def test_each_agency_sees_its_own_details_and_the_others_only_while_sharing_is_covered(
    agency_code, without_sharing
):
    # given staff of an agency (or of none: a coordinator without agency, a pseudonymised export)
    # when sharing is not covered, and when it is
    # then the other agency's details are hidden only in the first case
    assert agency_details_hidden(agency_code=agency_code, shares=False) == without_sharing
    assert agency_details_hidden(agency_code=agency_code, shares=True) == frozenset()
