"""The worklist sorts, filters, counts and pages in SQL (cases.worklist_query) from the flags'
declarations (cases.flag_rules) and builds the flags in full in Python for the rows shown: both
sides must give the rows, order, counts and flags of the whole list built in Python. Held here on
a varied set of cases (every flag, FK's facts hidden and shown, two rule sets, suggestions marked
not relevant, cases without a start, ended cases awaiting their documentation), for each reader,
on three days, for each sort, filter by flag and lateness, and page; with no case's summary
stored (every case evaluated), every case's stored for the day (cases.worklist_state: every case
read) and half of them."""

import datetime as dt

import pytest
from django.core.paginator import Paginator

from cases.flag_rules import FLAG_CODES, level_by_date
from cases.flag_terms import PyTerms, SqlTerms
from cases.models import TARGET_GROUP_SHORT, Case, Consent, FlagDismissal, Phase, RuleSet
from cases.selectors import worklist_rows
from cases.tests.factories import CaseFactory, PersonFactory
from cases.worklist_forms import WORKLIST_SORTS
from cases.worklist_query import WorklistRows
from cases.worklist_state import refresh
from mapping.models import PlanVersion
from mapping.tests.factories import InterventionFactory, JointMappingFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
DAYS = [TODAY, TODAY + dt.timedelta(days=40), TODAY + dt.timedelta(days=200)]
NAMES = ["åberg", "Andersson", "ek", "Öst", "Zorn", "berg", "Ärlig", "andersson", "Ek"]
PHASES = [
    Phase.REFERRED,
    Phase.NEEDS_ANALYSIS,
    Phase.NEEDS_ANALYSIS,
    Phase.INTRODUCTION_TRIAL,
    Phase.WORK_ORIENTED,
    Phase.CLOSED,
]
BENEFITS = ["sjukpenning", "rehabiliteringspenning", "aktivitetsersattning", ""]
TARGET_GROUPS = [*[str(value) for value in TARGET_GROUP_SHORT], ""]

# The whole list built in Python, as the worklist sorted it before it sorted in SQL.
PHASE_ORDER = {phase.value: index for index, phase in enumerate(Phase)}
REFERENCE_SORTS = {
    "deadline": lambda r: (r["deadline"] is None, r["deadline"] or dt.date.max),
    "name": lambda r: (r["case"].person.last_name.lower(), r["case"].person.first_name.lower()),
    "phase": lambda r: PHASE_ORDER.get(r["case"].phase, 99),
    "days": lambda r: (r["days"] is None, r["days"] or 0),
    "target_group": lambda r: str(TARGET_GROUP_SHORT.get(r["case"].target_group, "~")),
}


def reference(rows, *, sort, flag=None, overdue=False):
    if flag:
        rows = [row for row in rows if any(f.code == flag for f in row["flags"])]
    if overdue:
        rows = [row for row in rows if row["overdue"]]
    rows = sorted(rows, key=lambda r: r["case"].pk)
    rows = sorted(rows, key=REFERENCE_SORTS[sort.lstrip("-")], reverse=sort.startswith("-"))
    return rows, sum(1 for row in rows if row["overdue"])


def varied_cases(area, fk_officer, af_officer, n=54) -> list[Case]:
    RuleSet.objects.create(name="Äldre", valid_from=dt.date(2000, 1, 1))
    RuleSet.objects.create(
        name="Strängare",
        valid_from=TODAY - dt.timedelta(days=120),
        prep_to_start_days=10,
        max_days=300,
        warn_day=250,
        closing_doc_days=10,
        follow_up_days=14,
        contact_meeting_day=150,
        mapping_before_benefit_end_months=4,
        max_days_without_intervention=20,
    )
    cases = []
    for i in range(n):
        phase = PHASES[i % len(PHASES)]
        person = PersonFactory(area=area, last_name=NAMES[i % len(NAMES)], first_name=NAMES[i % 4])
        started = None if phase == Phase.REFERRED else TODAY - dt.timedelta(days=(i * 37) % 420)
        referral = (started or TODAY) - dt.timedelta(days=(i * 7) % 40)
        sick_leave = None if i % 5 == 4 else TODAY - dt.timedelta(days=(i * 13) % 260)
        case = CaseFactory(
            person=person,
            fk_officer=fk_officer,
            af_officer=af_officer,
            phase=phase,
            referral_date=referral,
            start_date=started,
            end_date=max(started, TODAY - dt.timedelta(days=i % 30))
            if phase == Phase.CLOSED
            else None,
            closing_doc_date=TODAY if phase == Phase.CLOSED and i % 4 == 3 else None,
            benefit=BENEFITS[i % len(BENEFITS)],
            benefit_end_date=None
            if i % 7 == 6
            else TODAY + dt.timedelta(days=(i * 23) % 400 - 100),
            sick_leave_start=sick_leave,
            return_unlikely_before_181=i % 2 == 0,
            target_group=TARGET_GROUPS[i % len(TARGET_GROUPS)],
        )
        if i % 3 == 0:
            Consent.objects.create(
                person=person, given_on=referral, covers_sharing=True, covers_follow_up=True
            )
        if i % 4 == 1 and started:
            InterventionFactory(case=case, start_date=started)
        if i % 4 == 2 and started:
            InterventionFactory(case=case, start_date=started, end_date=started)
        if i % 5 == 0 and started:
            MeetingFactory(person=person, case=case, kind="follow_up", date=started)
        if i % 6 == 1 and sick_leave:
            MeetingFactory(person=person, case=case, kind="kontaktmote", date=sick_leave)
        if i % 6 == 2 and sick_leave:
            day = sick_leave - dt.timedelta(days=3)
            MeetingFactory(person=person, case=case, kind="kontaktmote", date=day)
        if i % 7 == 0:
            PlanVersion.objects.create(
                case=case, version=1, goal="Arbete.", activities="Prövning.", created_by=fk_officer
            )
        if i % 5 == 3:
            FlagDismissal.objects.create(
                case=case, code="mapping_suggested", reason="Ja.", by=fk_officer
            )
        if i % 8 == 3:
            FlagDismissal.objects.create(
                case=case, code="contact_meeting_due", reason="Ja.", by=fk_officer
            )
        if i % 9 == 4:
            JointMappingFactory(person=person, area=area, requested_on=referral)
        if i % 9 == 5:
            JointMappingFactory(person=person, area=area, case=case)
        cases.append(case)
    return cases


@pytest.fixture
def varied(area, fk_officer, af_officer):
    cases = varied_cases(area, fk_officer, af_officer)
    return Case.objects.filter(pk__in=[case.pk for case in cases])


@pytest.mark.parametrize("stored", ["none", "half", "all"])
@pytest.mark.parametrize("reader", ["fk_officer", "af_officer", "coordinator"])
@pytest.mark.parametrize("today", DAYS)
def test_sql_and_python_give_the_same_rows_order_counts_and_flags(
    request, varied, reader, today, stored
):
    user = request.getfixturevalue(reader)
    if stored != "none":
        ids = sorted(varied.values_list("pk", flat=True))
        written = refresh(varied.filter(pk__in=ids[::2] if stored == "half" else ids), today=today)
        assert written == (len(ids[::2]) if stored == "half" else len(ids))
    python_rows = worklist_rows(user=user, cases=varied, today=today)
    codes_seen = {flag.code for row in python_rows for flag in row["flags"]}

    views = [{"sort": sort} for name in WORKLIST_SORTS for sort in (name, f"-{name}")]
    views += [{"sort": "deadline", "flag": code} for code in FLAG_CODES]
    views += [{"sort": "-name", "flag": code, "overdue": True} for code in FLAG_CODES]
    views += [{"sort": "days", "overdue": True}, {"sort": "-target_group", "overdue": True}]
    for view in views:
        expected, overdue_count = reference(python_rows, **view)
        listed = WorklistRows(user=user, cases=varied, today=today, **view)

        assert listed.count() == len(expected), view
        assert listed.overdue_count == overdue_count, view
        assert listed.page_ids(0, 1000) == [row["case"].pk for row in expected], view

    # the pages: the rows in full, as the whole list built in Python has them
    for sort in ("deadline", "-days", "name"):
        expected, _count = reference(python_rows, sort=sort)
        paginator = Paginator(WorklistRows(user=user, cases=varied, today=today, sort=sort), 7)
        shown = [row for number in paginator.page_range for row in paginator.page(number)]
        assert [row["case"].pk for row in shown] == [row["case"].pk for row in expected]
        for got, want in zip(shown, expected, strict=True):
            assert {k: v for k, v in got.items() if k != "case"} == {
                k: v for k, v in want.items() if k != "case"
            }
    # the set is varied enough to hold something: most flags turn up on some day
    assert len(codes_seen) >= 5


def test_every_flag_hidden_and_shown_turns_up_in_the_set(varied, fk_officer, af_officer):
    seen = {"fk": set(), "af": set()}
    for today in DAYS:
        for who, user in (("fk", fk_officer), ("af", af_officer)):
            for row in worklist_rows(user=user, cases=varied, today=today):
                seen[who] |= {flag.code for flag in row["flags"]}
    assert seen["fk"] == set(FLAG_CODES)
    # FK's facts reach AF staff only under consent: fewer flags, but some of them
    assert {"benefit_ended", "contact_meeting_due", "mapping_suggested"} & seen["af"]


def test_the_severity_of_a_date_is_the_same_in_sql_and_python(django_db_setup, db):
    from django.db import connection

    sql = SqlTerms(today=TODAY, case="c", rules="r", dismissals="d")
    days = [TODAY + dt.timedelta(days=n) for n in (-30, -1, 0, 1, 6, 7, 8, 30)]
    with connection.cursor() as cursor:
        for day in days:
            cursor.execute(f"SELECT {level_by_date(sql, sql.literal(day))}")
            assert cursor.fetchone()[0] == level_by_date(PyTerms(today=TODAY), day), day


def test_unknown_sorts_and_flags_are_refused(varied, coordinator):
    with pytest.raises(ValueError):
        WorklistRows(user=coordinator, cases=varied, today=TODAY, sort="pk")
    with pytest.raises(ValueError):
        WorklistRows(user=coordinator, cases=varied, today=TODAY, sort="name", flag="x")
