"""The support state of a case on a day (SPEC §3 waiting states; mapping.selectors).

A case open on the day is `active` while an intervention runs, or while none is planned (the
needs analysis and the time between interventions are active support); it is `waiting` when no
intervention runs but one is planned and has not started. Expected values are worked out by hand
in each test from the dates it sets up."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, Phase
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.models import Intervention
from mapping.selectors import ACTIVE, WAITING, cases_with_support_state
from mapping.tests.factories import InterventionFactory

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


@pytest.fixture
def new_case(area):
    """new_case(**fields) -> a case in `area`, in the needs analysis since 30 days."""

    def _new_case(**fields):
        return CaseFactory(person=PersonFactory(area=area), **fields)

    return _new_case


def states(day):
    return dict(
        cases_with_support_state(Case.objects.all(), day).values_list("pk", "support_state")
    )


def test_each_open_case_gets_its_state_for_the_day(new_case):
    # given five open cases, registered 30 days ago
    running = new_case(phase=Phase.INTRODUCTION_TRIAL)
    InterventionFactory(case=running, start_date=days_ago(10))  # runs today
    InterventionFactory(case=running, kind="work_trial")  # and another is planned: still active
    planned_preparatory = new_case()
    InterventionFactory(case=planned_preparatory, kind="wellness")
    planned_oriented = new_case(phase=Phase.INTRODUCTION_TRIAL)
    InterventionFactory(case=planned_oriented, kind="work_trial", planned_start=TODAY())
    nothing = new_case()
    between = new_case(phase=Phase.INTRODUCTION_TRIAL)
    InterventionFactory(
        case=between, start_date=days_ago(20), end_date=days_ago(1), outcome="goal_reached"
    )
    InterventionFactory(case=between, kind="work_trial")

    # when the states are read for today
    result = states(TODAY())

    # then: running → active; only planned (either kind) → waiting; none at all → active;
    # the last one ended yesterday and the next is planned → waiting
    assert result == {
        running.pk: ACTIVE,
        planned_preparatory.pk: WAITING,
        planned_oriented.pk: WAITING,
        nothing.pk: ACTIVE,
        between.pk: WAITING,
    }


def test_an_intervention_running_until_the_day_itself_still_counts(new_case):
    # the end date is the intervention's last day: on that day the case is in active support
    case = new_case(phase=Phase.INTRODUCTION_TRIAL)
    InterventionFactory(
        case=case, start_date=days_ago(20), end_date=TODAY(), outcome="goal_reached"
    )
    InterventionFactory(case=case, kind="work_trial")

    assert states(TODAY()) == {case.pk: ACTIVE}
    assert states(TODAY() + dt.timedelta(days=1)) == {case.pk: WAITING}


def test_an_intervention_planned_after_the_day_does_not_make_the_case_wait_that_day(new_case):
    # registered today: a week ago nobody was waiting for it yet
    case = new_case()
    InterventionFactory(case=case)

    assert states(days_ago(7)) == {case.pk: ACTIVE}
    assert states(TODAY()) == {case.pk: WAITING}


def test_a_planned_intervention_that_started_later_was_waited_for_until_then(new_case):
    case = new_case(phase=Phase.INTRODUCTION_TRIAL)
    planned = InterventionFactory(case=case, start_date=days_ago(5))
    Intervention.objects.filter(pk=planned.pk).update(
        created_at=timezone.now() - dt.timedelta(days=15)
    )

    assert states(days_ago(10)) == {case.pk: WAITING}
    assert states(days_ago(5)) == {case.pk: ACTIVE}


def test_cases_not_open_on_the_day_are_not_counted(new_case):
    # given a case that ended yesterday, one that ends today, one that starts tomorrow's week
    ended = new_case(phase=Phase.CLOSED, end_date=days_ago(1))
    InterventionFactory(case=ended)  # a planned intervention does not make it count
    ends_today = new_case(phase=Phase.CLOSED, end_date=TODAY())
    referred = new_case(phase=Phase.REFERRED, start_date=None, referral_date=days_ago(3))
    later = new_case(start_date=TODAY() + dt.timedelta(days=7))
    open_case = new_case()

    # then only the open one is counted today; yesterday the first two were still open
    assert states(TODAY()) == {open_case.pk: ACTIVE}
    assert set(states(days_ago(1))) == {ends_today.pk, open_case.pk}
    assert ended.pk in states(days_ago(2)) and referred.pk not in states(days_ago(2))
    assert later.pk not in states(TODAY())
