"""The flag "no intervention" (issue 15 point 3): an enrolled case with no intervention active
or planned for longer than the rule set's max_days_without_intervention (default 30) is flagged
on the worklist, with the three severities of every flag (cases.flags), counted from the start
or from the day the last intervention ended (cases.deadlines.INTERVENTION)."""

import datetime as dt

import pytest

from cases.flags import DUE_SOON, FLAG_LABELS, INFO, OVERDUE
from cases.models import Case, RuleSet
from cases.selectors import worklist_rows
from cases.tests.factories import CaseFactory
from mapping.tests.factories import InterventionFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def flag_on(user, case, today):
    """The case's flag `intervention_missing` on the worklist on `today`, or None."""
    (row,) = worklist_rows(user=user, cases=Case.objects.filter(pk=case.pk), today=today)
    return next((f for f in row["flags"] if f.code == "intervention_missing"), None)


@pytest.fixture
def enrolled(person, fk_officer, af_officer):
    return CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        start_date=START,
        referral_date=START,
    )


def test_a_case_without_support_is_flagged_30_days_after_its_start(fk_officer, enrolled):
    early = flag_on(fk_officer, enrolled, START + days(10))
    soon = flag_on(fk_officer, enrolled, START + days(23))
    last_day = flag_on(fk_officer, enrolled, START + days(30))
    late = flag_on(fk_officer, enrolled, START + days(31))

    assert early.deadline == late.deadline == START + days(30)
    # information until the last week, due soon in it, overdue after it
    assert (early.level, soon.level, last_day.level, late.level) == (
        INFO,
        DUE_SOON,
        DUE_SOON,
        OVERDUE,
    )
    assert "högst 30 dagar utan" in late.wording
    assert late.short == str(FLAG_LABELS["intervention_missing"]) == "Ingen insats"


def test_a_planned_or_running_intervention_takes_the_flag_away(fk_officer, enrolled):
    planned = InterventionFactory(case=enrolled, planned_start=START + days(50))
    assert flag_on(fk_officer, enrolled, START + days(40)) is None

    planned.start_date = START + days(35)
    planned.save()
    # running on day 40 (no end yet), and on its last day
    assert flag_on(fk_officer, enrolled, START + days(40)) is None
    planned.end_date = START + days(60)
    planned.save()
    assert flag_on(fk_officer, enrolled, START + days(60)) is None


def test_the_limit_counts_from_the_last_intervention_s_end(fk_officer, enrolled):
    InterventionFactory(case=enrolled, start_date=START + days(5), end_date=START + days(20))
    InterventionFactory(case=enrolled, start_date=START + days(10), end_date=START + days(40))

    flag = flag_on(fk_officer, enrolled, START + days(71))

    # the later end, day 40, + 30 days: due on day 70, overdue on day 71
    assert (flag.deadline, flag.level) == (START + days(70), OVERDUE)


def test_the_limit_is_the_rule_set_s(fk_officer, enrolled):
    RuleSet.objects.update(max_days_without_intervention=45)

    flag = flag_on(fk_officer, enrolled, START + days(31))

    assert (flag.deadline, flag.level) == (START + days(45), INFO)
    assert "högst 45 dagar utan" in flag.wording


def test_a_referred_or_closed_case_is_not_flagged(person, fk_officer):
    referred = CaseFactory(
        person=person, fk_officer=fk_officer, phase="referred", start_date=None, referral_date=START
    )
    assert flag_on(fk_officer, referred, START + days(100)) is None

    referred.phase, referred.start_date = "closed", START
    referred.end_date, referred.exit_reason = START + days(10), "completed"
    referred.save()
    assert flag_on(fk_officer, referred, START + days(100)) is None


def test_the_worklist_reads_interventions_in_one_query_whatever_the_cases(
    area, fk_officer, django_assert_num_queries
):
    from cases.deadlines import intervention_facts
    from cases.tests.factories import PersonFactory

    cases = [CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer) for _ in range(4)]
    for one in cases:
        InterventionFactory(case=one, start_date=one.start_date)

    with django_assert_num_queries(1):
        facts = intervention_facts(cases, today=START)

    assert all(facts[one.pk]["intervention_current"] for one in cases)
