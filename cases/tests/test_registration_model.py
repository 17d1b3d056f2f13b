"""The registration model (issue 20 point 1, seeds 000 and 001): 2008 registered participants in
samverkan when introduction and trial began, from 2010 when the needs analysis starts. A case
records the model of the rule set it follows (the set in force on its referral), the migration
fills it in for the cases stored before, and the reports and the dashboard say when a period
mixes the two models."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, RegistrationModel, RuleSet
from cases.registration import mix_note, models_in_period
from reporting.tests.test_metrics_given import case, person

pytestmark = pytest.mark.django_db

INTRO = RegistrationModel.INTRODUCTION_TRIAL
NEEDS = RegistrationModel.NEEDS_ANALYSIS


@pytest.fixture
def plans(db):
    """The 2008 plan's set (registration at introduction and trial) beside the 2010 plan's (the
    reference data's, with the default model)."""
    assert RuleSet.objects.get(valid_from=dt.date(2010, 1, 1)).registration_model == NEEDS
    RuleSet.objects.create(
        name="Handlingsplan 2008", valid_from=dt.date(2008, 1, 1), registration_model=INTRO
    )


def test_a_case_records_the_model_of_the_set_in_force_on_its_referral(area, plans):
    someone, other, third = (person(area=area) for _ in range(3))
    # referred 2009-12-20 under the 2008 set, started 2010-01-04 under the 2010 set: the
    # referral chooses, as for every rule (cases.flags.rules_for)
    late_2009 = case(person=someone, start=dt.date(2010, 1, 4), referral_date=dt.date(2009, 12, 20))
    early_2010 = case(person=other, start=dt.date(2010, 1, 5))
    # no referral: the start chooses
    started_2009 = case(person=third, start=dt.date(2009, 6, 1), referral_date=None)
    assert late_2009.registration_model == INTRO
    assert early_2010.registration_model == NEEDS
    assert started_2009.registration_model == INTRO
    assert Case.objects.get(pk=late_2009.pk).registration_model == INTRO

    # a rule set edited later never rewrites a case's recorded model, nor does saving the case
    RuleSet.objects.filter(valid_from=dt.date(2008, 1, 1)).update(registration_model=NEEDS)
    late_2009.refresh_from_db()
    late_2009.fk_notes = "ändrad"
    late_2009.save()
    assert Case.objects.get(pk=late_2009.pk).registration_model == INTRO


def test_the_migration_fills_in_the_model_of_the_cases_stored_before(area, plans):
    migration = importlib.import_module("cases.migrations.0021_case_registration")
    a, b = person(area=area), person(area=area)
    referred_2009 = case(person=a, start=dt.date(2010, 2, 1), referral_date=dt.date(2009, 11, 2))
    started_2011 = case(person=b, start=dt.date(2011, 3, 1))
    # as the rows stood before the migration: every case with the column's default, and the
    # 2008 set not yet marked
    Case.objects.update(registration_model=NEEDS)
    RuleSet.objects.update(registration_model=NEEDS)
    with connection.cursor() as cursor:
        cursor.execute(migration.SETS_2008)
        cursor.execute(migration.BACKFILL)
    referred_2009.refresh_from_db()
    started_2011.refresh_from_db()
    assert RuleSet.objects.get(valid_from=dt.date(2008, 1, 1)).registration_model == INTRO
    assert RuleSet.objects.get(valid_from=dt.date(2010, 1, 1)).registration_model == NEEDS
    assert (referred_2009.registration_model, started_2011.registration_model) == (INTRO, NEEDS)


@pytest.fixture
def mixed(area, other_area, plans):
    """Södertörn: one case started 2009-11-10 under the 2008 model, one 2010-03-01 under the
    2010 model. Umeå: one case started 2010-03-02 under the 2010 model."""
    case(person=person(area=area), start=dt.date(2009, 11, 10))
    case(person=person(area=area), start=dt.date(2010, 3, 1))
    case(person=person(area=other_area), start=dt.date(2010, 3, 2))


def test_a_period_mixes_the_models_when_its_cases_were_registered_under_both(
    area, other_area, mixed
):
    def models(first, last, areas):
        return models_in_period(first=first, last=last, area_ids=areas)

    # March 2010 counts the starts of March 2010 and the cohorts of March 2009 – March 2010
    # (whose day 365 falls in the period): both Södertörn cases
    assert models(dt.date(2010, 3, 1), dt.date(2010, 3, 1), [area.pk]) == [INTRO, NEEDS]
    # Umeå alone: only the 2010 model
    assert models(dt.date(2010, 3, 1), dt.date(2010, 3, 1), [other_area.pk]) == [NEEDS]
    # December 2010 reaches back to December 2009: the 2009-11-10 start is outside
    assert models(dt.date(2010, 12, 1), dt.date(2010, 12, 1), [area.pk]) == [NEEDS]
    # November 2010 reaches back to November 2009: inside
    assert models(dt.date(2010, 11, 1), dt.date(2010, 11, 1), None) == [INTRO, NEEDS]
    # before any start
    assert models(dt.date(2009, 1, 1), dt.date(2009, 2, 1), None) == []
    # no areas at all: nothing, without asking
    with CaptureQueriesContext(connection) as asked:
        assert models(dt.date(2010, 3, 1), dt.date(2010, 3, 1), []) == []
    assert asked.captured_queries == []
    assert mix_note([INTRO, NEEDS]) and not mix_note([NEEDS])


def test_the_report_api_and_page_say_the_period_mixes_the_models(login, analyst, mixed):
    client = login(analyst)
    api = reverse("api:report-inflow")
    both = client.get(api, {"from": "2010-03", "to": "2010-03", "area": "sdt"}).json()
    one = client.get(api, {"from": "2010-03", "to": "2010-03", "area": "ume"}).json()
    assert (both["registration_models"], both["registration_mixed"]) == ([INTRO, NEEDS], True)
    assert (one["registration_models"], one["registration_mixed"]) == ([NEEDS], False)

    page = reverse("reporting:report", args=["nya-deltagare"])
    shown = client.get(page, {"fran": "2010-03", "till": "2010-03", "omrade": "sdt"})
    plain = client.get(page, {"fran": "2010-03", "till": "2010-03", "omrade": "ume"})
    assert 'data-testid="registration-mix"' in shown.content.decode()
    assert 'data-testid="registration-mix"' not in plain.content.decode()


def test_an_outsider_learns_nothing_of_another_areas_models(login, outsider, mixed):
    response = login(outsider).get(
        reverse("api:report-inflow"), {"from": "2010-03", "to": "2010-03", "area": "sdt"}
    )
    assert response.status_code in (403, 404)


def test_the_overview_says_its_months_mix_the_models(login, coordinator, area, mixed):
    from reporting.snapshots import snapshot_compute

    snapshot_compute(area=area, month=dt.date(2010, 3, 1))
    page = login(coordinator).get(reverse("reporting:overview"))
    assert page.status_code == 200
    assert 'data-testid="registration-mix"' in page.content.decode()
    assert page.context["board"].registration_mix == mix_note([INTRO, NEEDS])


def test_asking_whether_a_period_mixes_the_models_reads_a_case_or_two_not_the_period(
    area, other_area, plans
):
    """The question is asked on every report call: for the nation it must not read every case
    of the two years it looks at (it did: 61 ms at 100 000 participants). Each model and date is
    an EXISTS through the model's date index, stopping at the first case found."""
    for i in range(300):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=i // 200)
        case(
            person=person(area=area if i % 2 else other_area, birth=born), start=dt.date(2011, 1, 1)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    with CaptureQueriesContext(connection) as captured:
        found = models_in_period(
            first=dt.date(2011, 6, 1), last=dt.date(2011, 12, 1), area_ids=None
        )
    assert found == [NEEDS]
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
        plan = cursor.fetchone()[0][0]["Plan"]

    def case_rows(node) -> int:
        own = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
        read = own if node.get("Relation Name") == "cases_case" else 0
        return read + sum(case_rows(child) for child in node.get("Plans", []))

    assert case_rows(plan) <= 4  # one case for each EXISTS that finds one, of 300 in the period
