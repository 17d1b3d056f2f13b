"""A coarsened export's rows find each person's grading by a lookup, whatever the planner believes
about the export (exports.selectors.kanon.k_anonymous_sql).

The statistics of the gradings table never know a new export's id: they promise one graded
person. A plain join then started from the grading and read every row of every kind again for
each person actually graded (found at national scale: ten minutes for 10 000 participants). The
test makes that situation (an earlier export graded and ANALYZEd, then a new one) and reads the
plan PostgreSQL actually ran: no join may have compared pairs beyond the rows it returned."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction

from accounts.tests.factories import staff
from exports.pseudonyms import PersonKey
from exports.selectors.csvsql import export_source
from exports.services.run import ExportRun
from exports.services.spec import export_spec_parse
from samverkan.services import AccessContext

from .conftest import bulk_cases

pytestmark = pytest.mark.django_db

PEOPLE = 600


def _graded_run(user) -> ExportRun:
    context = AccessContext.for_user(user, purpose="test")
    spec = export_spec_parse(context=context, kind="participants", data={"format": "csv"})
    return ExportRun(context=context, spec=spec)


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def test_a_new_exports_rows_are_matched_to_their_grading_without_comparing_every_pair(area):
    bulk_cases(area, PEOPLE)
    analyst = staff("analyst", areas=[area], username="analytiker")
    # an earlier export, graded and known to the statistics
    _graded_run(analyst)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE exports_coarsenedperson")

    # a new export, whose id the statistics cannot know
    run = _graded_run(analyst)
    sql, params = export_source(run.query, user=analyst, today=run.today)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*PersonKey(run.export_id).settings_sql())
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()[0]
    plan = plan if isinstance(plan, dict) else json.loads(plan)

    nodes = list(_nodes(plan["Plan"]))
    shown = plan["Plan"]["Actual Rows"]
    assert shown >= PEOPLE * 0.9  # nearly everyone is shown (a few too rare to be)
    # no join threw away more pairs than there are people: the quadratic plan threw away
    # every graded person times every row of every kind
    discarded = max(node.get("Rows Removed by Join Filter", 0) for node in nodes)
    assert discarded < PEOPLE, discarded
    # and the gradings are read by the (export, person) index, one person at a time
    scans = [n for n in nodes if n.get("Relation Name") == "exports_coarsenedperson"]
    assert scans and {n.get("Index Name") for n in scans} <= {"coarsenedperson_once"}, scans
