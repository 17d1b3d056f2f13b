"""The coordinator's worklist finds an area's open cases (and those still owing their closing
documentation) through the partial indexes made for it (cases migration 0018), not by reading
every case the area ever had.

A plan depends on the table's size and statistics: the area gets 2 000 cases of which one in
twenty is open, as an area's history of ten years is, and another area 4 000 cases with 1 000
open (the other areas of the country), ANALYZEd. The plan read is PostgreSQL's
for the exact SQL the page ran (captured), with sequential scans allowed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Person, Phase
from cases.tests.factories import make_personnummer
from cases.worklist_state import refresh_all

pytestmark = pytest.mark.django_db

CASES = 2000


def _history(area, other_area, officer) -> None:
    """Ten years of cases, the two areas' registered in turn (so an area's cases lie spread
    over the whole table, as they do in a real one)."""
    start = dt.date(1960, 1, 1)
    people = Person.objects.bulk_create(
        [
            Person(
                personnummer=make_personnummer(start + dt.timedelta(days=i // 900), serial=i % 900),
                first_name="Test",
                last_name=f"Person {i}",
                sex="K",
                birth_date=start + dt.timedelta(days=i // 900),
                area=area if i % 3 == 0 else other_area,
            )
            for i in range(3 * CASES)
        ]
    )
    begun = dt.date(2020, 1, 1)
    closed = {
        "phase": Phase.CLOSED,
        "end_date": begun + dt.timedelta(days=200),
        "closing_doc_date": begun + dt.timedelta(days=210),
        "exit_reason": "completed",
    }
    cases = []
    for i, person in enumerate(people):
        ours = person.area_id == area.pk
        is_open = i % 60 == 0 if ours else i % 4 == 1
        cases.append(
            Case(
                person=person,
                area=person.area,
                fk_officer=officer if ours else None,
                target_group="sick_unemployed",
                referral_date=begun,
                start_date=begun,
                **({"phase": Phase.NEEDS_ANALYSIS} if is_open else closed),
            )
        )
    Case.objects.bulk_create(cases)


def _indexes(plan: dict) -> set[str]:
    found = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        found |= _indexes(child)
    return found


def test_the_area_worklist_reads_the_open_cases_by_their_partial_indexes(
    area, other_area, coordinator, fk_officer, login
):
    _history(area, other_area, fk_officer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case, cases_person")
    client = login(coordinator)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f"{CASES // 20} ärenden" in response.content.decode()  # every 60th of 3 × CASES

    # the query that lists the area's cases (cases.worklist_query: every case, in SQL), after
    # the one that found cases without a stored summary
    stored_only, sql = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT array_agg(")
    ]
    assert "UNION ALL" in sql and "UNION ALL" not in stored_only
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()[0]
    plan = plan if isinstance(plan, dict) else json.loads(plan)
    used = _indexes(plan["Plan"])
    assert {"case_open_area", "case_doc_due_area"} <= used, used

    # read from today's summaries (cases.worklist_state), the same indexes find the cases
    refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_caseworkliststate")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert f"{CASES // 20} ärenden" in response.content.decode()
    # one query, which reads the summaries and evaluates no declaration
    (sql,) = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT array_agg(")
    ]
    assert "UNION ALL" not in sql and "cases_caseworkliststate" in sql
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()[0]
    plan = plan if isinstance(plan, dict) else json.loads(plan)
    assert {"case_open_area", "case_doc_due_area"} <= _indexes(plan["Plan"])


def test_the_days_summaries_are_read_by_case_even_before_their_statistics_are_new(
    area, other_area, coordinator, fk_officer, login
):
    # given yesterday's summaries ANALYZEd, and today's written over them by the nightly pass
    # with no ANALYZE since (autovacuum gets to it a minute later): the statistics say no
    # summary is of today
    _history(area, other_area, fk_officer)
    refresh_all(today=dt.date.today() - dt.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case, cases_person, cases_caseworkliststate")
    refresh_all()

    with CaptureQueriesContext(connection) as captured:
        response = login(coordinator).get(reverse("home"))
    assert f"{CASES // 20} ärenden" in response.content.decode()
    (sql,) = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT array_agg(")
    ]
    # then each case's summary is looked up by its key, not joined by the stale statistics
    # (which compared every case with every summary)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()[0]
    plan = plan if isinstance(plan, dict) else json.loads(plan)
    assert "cases_caseworkliststate_pkey" in _indexes(plan["Plan"])
