"""One definition of each deadline (CONVENTIONS §3): the deadline a worklist flag shows for a
case (cases.flags, Python) is the deadline the timeliness SQL counts for it
(reporting.metrics.timeliness, from the same declarations in cases.deadlines), whichever rule
set the case follows. If either side changed its rule alone, these would fail."""

import datetime as dt

import pytest

from cases.models import Case, RuleSet
from cases.selectors import worklist_rows
from mapping.tests.factories import MeetingFactory
from reporting.metrics.timeliness import due_items

from .test_metrics_given import case, person

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 3, 20)
WIDE = (D(2025, 1, 1), D(2027, 12, 31))


def flags_and_items(user, cases):
    """{case id: {flag code: deadline}} from the worklist and {case id: {measure: due}} of the
    items still unmet from the SQL, on TODAY."""
    rows = worklist_rows(
        user=user, cases=Case.objects.filter(pk__in=[c.pk for c in cases]), today=TODAY
    )
    flags = {row["case"].pk: {f.code: f.deadline for f in row["flags"]} for row in rows}
    items = {}
    for item in due_items(
        cases=Case.objects.filter(pk__in=[c.pk for c in cases]),
        first=WIDE[0],
        last=WIDE[1],
        today=TODAY,
    ):
        if item["done"] is None:
            items.setdefault(item["case_id"], {})[item["measure"]] = item["due"]
    return flags, items


MEASURE_OF_FLAG = {
    "start_due": "start",
    "follow_up_due": "follow_up",
    "closing_doc_due": "closing_doc",
}


@pytest.fixture
def stricter_rules(db):
    """From 1 February 2026: 10 days to start, 10 to the closing documentation, a follow-up
    every 14 days. A case follows the set in force on its referral."""
    return RuleSet.objects.create(
        name="Skärpt",
        valid_from=D(2026, 2, 1),
        prep_to_start_days=10,
        closing_doc_days=10,
        follow_up_days=14,
    )


@pytest.mark.parametrize("referral", [D(2026, 1, 20), D(2026, 2, 10)], ids=["2010", "stricter"])
def test_the_worklist_and_the_figures_share_every_deadline(
    area, fk_officer, stricter_rules, referral
):
    waiting = case(person=person(area=area), start=None, referral_date=referral, phase="referred")
    running = case(
        person=person(area=area), start=referral + dt.timedelta(days=3), referral_date=referral
    )
    MeetingFactory(person=running.person, case=running, date=D(2026, 3, 1))
    MeetingFactory(person=running.person, case=running, date=D(2026, 3, 9))
    ended = case(person=person(area=area), start=referral, end=D(2026, 3, 12))
    for one in (waiting, running, ended):
        Case.objects.filter(pk=one.pk).update(fk_officer=fk_officer)

    flags, items = flags_and_items(fk_officer, [waiting, running, ended])

    compared = 0
    for case_id, by_code in flags.items():
        for code, deadline in by_code.items():
            if code in MEASURE_OF_FLAG:
                assert items[case_id][MEASURE_OF_FLAG[code]] == deadline, (case_id, code)
                compared += 1
    # waiting: start; running: follow-up; ended: closing documentation
    assert compared == 3
    limit = 14 if referral >= stricter_rules.valid_from else 28
    assert flags[running.pk]["follow_up_due"] == D(2026, 3, 9) + dt.timedelta(days=limit)
