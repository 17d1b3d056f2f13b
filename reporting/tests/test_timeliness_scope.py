"""The timeliness figures read only the cases that can count in the period
(reporting.metrics.timeliness.may_count_between): the same figures as reading every case."""

import datetime as dt
import importlib

import pytest
from django.db.models import Q

from cases.models import Case, RuleSet
from reporting.metrics.timeliness import may_count_between, timeliness

from .test_metrics_given import case, person

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2025, 3, 1), dt.date(2025, 3, 31)
TODAY = dt.date(2025, 6, 1)


def test_only_cases_that_can_count_are_read_and_the_figures_stay_the_same(area, monkeypatch):
    rules = RuleSet.for_date(FIRST)
    closing_days = rules.closing_doc_days
    # ended long ago: nothing of it can fall due in March
    old = case(person=person(area=area), start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 1))
    # ended just before March: its closing documentation falls due in March
    just = FIRST - dt.timedelta(days=closing_days - 3)
    recent = case(person=person(area=area), start=dt.date(2024, 6, 1), end=just)
    # referred after March: nothing yet
    later = case(person=person(area=area), start=dt.date(2025, 4, 10))
    # open through March
    running = case(person=person(area=area), start=dt.date(2024, 12, 1))

    scoped = set(Case.objects.filter(may_count_between(FIRST, LAST)).values_list("pk", flat=True))
    assert scoped == {recent.pk, running.pk}
    assert old.pk not in scoped and later.pk not in scoped

    figures = timeliness(first=FIRST, last=LAST, area_ids=[area.pk], today=TODAY)
    assert figures["total"]["closing_doc"]["cases"] == 1
    # reading every case gives exactly the same figures
    module = importlib.import_module("reporting.metrics.timeliness")
    monkeypatch.setattr(module, "may_count_between", lambda first, last: Q())
    unfiltered = timeliness(first=FIRST, last=LAST, area_ids=[area.pk], today=TODAY)
    assert unfiltered == figures
