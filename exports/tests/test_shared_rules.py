"""The export puts rules into columns and defines none of them (ADR 0013, ADR 0014): its day-365
columns are the outcome report's (reporting.metrics.outcomes), its masks of FK's facts are the
pages' secrecy (cases.secrecy.hidden_case_fields), and its anonymity is the person page's
(Person.is_anonymous_on). Each test asks both sides about the same people, so a second copy of
a rule that drifted would show here."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, Person, StatusCode, StatusEntry
from cases.secrecy import FK_FIELDS, hidden_case_fields
from cases.services import consent_record, consent_withdraw
from cases.tests.factories import CaseFactory, PersonFactory
from reporting.metrics.outcomes import outcome_cohort
from samverkan.dates import add_months
from samverkan.services import AccessContext

from .conftest import json_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# A start month whose day 365 has come for everyone: the cohort of the report month a year on.
COHORT_MONTH = add_months(TODAY.replace(day=1), -14)
REPORT_MONTH = add_months(COHORT_MONTH, 12)
CONTEXT = AccessContext.system("test")


def export(client, kind="participants"):
    response = client.get(f"/api/v1/exports/{kind}/", {"format": "json"})
    assert response.status_code == 200
    return {row["case_id"]: row for row in json_rows(response)}


def _consent(person, given_on, *, withdrawn_on=None, sharing=False):
    consent = consent_record(
        person=person,
        given_on=given_on,
        covers_sharing=sharing,
        covers_follow_up=True,
        context=CONTEXT,
    )
    if withdrawn_on:
        consent_withdraw(consent=consent, withdrawn_on=withdrawn_on, context=CONTEXT)


def _status(person, day, code):
    StatusEntry.objects.create(person=person, date=day, code=StatusCode.objects.get(code=code))


@pytest.fixture
def cohort(area):
    """Cases of one start month, each a different way of counting (or not) on day 365."""
    cases = {}

    def case(name, offset, **person_fields):
        start = COHORT_MONTH + dt.timedelta(days=offset)
        cases[name] = CaseFactory(
            person=PersonFactory(area=area, **person_fields), start_date=start
        )
        return cases[name].person, start, start + dt.timedelta(days=365)

    person, start, day_365 = case("in-work", 0)
    _consent(person, start)
    _status(person, start + dt.timedelta(days=200), "work_subsidised")
    _status(person, day_365 + dt.timedelta(days=1), "education")  # after day 365: never counts

    person, start, day_365 = case("unemployed-on-the-day", 1)
    _consent(person, start)
    _status(person, day_365, "openly_unemployed")

    person, start, _day = case("no-status", 2)
    _consent(person, start)

    case("no-consent", 3)

    person, start, _day = case("protected", 4, protected_identity=True)
    _consent(person, start)

    person, start, _day = case("withdrew-before-day-365", 5)
    _consent(person, start, withdrawn_on=start + dt.timedelta(days=100))

    person, start, day_365 = case("withdrew-on-day-365", 6)
    _consent(person, start, withdrawn_on=day_365)

    person, start, day_365 = case("consented-after-day-365", 7)
    _consent(person, day_365 + dt.timedelta(days=1))
    return cases


def test_the_exports_day_365_columns_are_the_outcome_reports(cohort, coordinator, login):
    # given a start month's cases, each counted or left out of the outcome in its own way
    # when the outcome report measures the cohort and the coordinator exports the participants
    measured = dict(
        outcome_cohort(months=[REPORT_MONTH], area_ids=None).values_list("pk", "outcome")
    )
    rows = export(login(coordinator))

    # then the export counts exactly the report's population, with the report's category
    counted = {pk for pk, row in rows.items() if row["outcome_counted"]}
    assert counted == set(measured)
    assert {pk: rows[pk]["status_day_365"] for pk in measured} == measured
    # and every row's category is the status on day 365 as the person's timeline reads it
    for case in cohort.values():
        day_365 = case.start_date + dt.timedelta(days=365)
        entry = StatusEntry.status_on(case.person, day_365)
        expected = entry.code.outcome_category if entry else "other"
        assert rows[case.pk]["day_365"] == day_365.isoformat()
        assert rows[case.pk]["status_day_365"] == expected
    assert set(measured) == {
        cohort[name].pk for name in ("in-work", "unemployed-on-the-day", "no-status")
    }


def test_the_export_marks_anonymous_participants_as_the_person_page_does(
    cohort, coordinator, login
):
    # given the cohort's people, some with protected identity or without consent today
    # when the coordinator exports the participants
    rows = export(login(coordinator))

    # then each row's anonymity is Person.is_anonymous_on today
    for case in cohort.values():
        person = Person.objects.get(pk=case.person_id)
        assert rows[case.pk]["anonymous"] is person.is_anonymous_on(TODAY), case.person_id


@pytest.mark.parametrize("sharing", [False, True])
def test_the_export_hides_fks_facts_exactly_when_the_pages_do(
    case, person, fk_officer, af_officer, coordinator, login, sharing
):
    # given a case with FK's facts, and a consent that covers sharing or not
    Case.objects.filter(pk=case.pk).update(benefit="sjukpenning")
    consent_record(
        person=person,
        given_on=TODAY - dt.timedelta(days=10),
        covers_sharing=sharing,
        covers_follow_up=not sharing,
        context=CONTEXT,
    )

    for user in (fk_officer, af_officer, coordinator):
        # when each of them exports, and asks the pages' rule
        row = export(login(user))[case.pk]
        hidden = hidden_case_fields(user=user, person=person, on=TODAY)

        # then the export hides FK's facts exactly when the pages do
        assert row["fk_facts_hidden"] is bool(hidden & FK_FIELDS), user.username
        assert (row["benefit"] is None) is ("benefit" in hidden), user.username
