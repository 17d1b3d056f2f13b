"""The officer's pages ask the database a fixed number of times, whatever the number of rows:
the worklist for 3 cases as for 55 (every filter, sort and page), the case page and the person
pages for a case with one status entry, meeting, intervention, plan version, consent and change
as for one with fifteen of each. Each page also stays within a stated number of queries.

What a page's queries are, besides its own reads: the session, the user and their second factor
(3), the user's scope (1: accounts.scoping), the team's members (1, read once per request:
cases.selectors.team_user_ids), the access log's INSERT, and the navigation (the areas' names and
the to-do count: 2). The case's change history is a page of its own (cases:case_history): the
case page links to it instead of reading five histories."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import staff
from cases.models import Case, Consent, FlagDismissal, PhaseTransition, StatusCode
from cases.selectors import team_user_ids
from cases.services import status_entry_save
from cases.tests.factories import CaseFactory, PersonFactory
from cases.worklist_state import refresh_all
from mapping.models import PlanVersion
from mapping.tests.factories import InterventionFactory, JointMappingFactory, MeetingFactory
from samverkan.services import AccessContext

pytestmark = pytest.mark.django_db

# The factories date cases from the machine's day; two days back is in the past in every zone.
TODAY = dt.date.today()

# The most queries each page may take (see the module's docstring for what they are).
# The worklist's own reads (cases.worklist_query), whatever the number of cases in the view: the
# ids in order with the number overdue (read from the cases' summaries stored for the day), the
# page's cases with their people, their facts and their suggestions marked not relevant, the
# rule sets, and the officers of the rows shown (cases.selectors.with_officers). A case without
# a stored summary costs the list one query more (the stored read, then every case evaluated).
WORKLIST_CEILING = 12
WORKLIST_UNSTORED_CEILING = WORKLIST_CEILING + 1
CASE_PAGE_CEILING = 22
# The case's history on its own page: the case, the access check and log, and the five histories.
CASE_HISTORY_CEILING = 17
PERSON_PAGE_CEILING = 23
PERSON_OVERVIEW_CEILING = 31

WORKLIST_VIEWS = [
    {},
    {"who": "team"},
    {"sort": "name"},
    {"sort": "-days"},
    {"overdue": "on"},
    {"flag": "follow_up_due"},
    {"phase": "needs_analysis"},
    {"page": "2"},
]
TEAM_MEMBERS_SQL = 'FROM "accounts_staffprofile" INNER JOIN "accounts_staffprofile_teams"'


def queries_of(client, url, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


def worklist_counts(client, views) -> dict[str, int]:
    """The queries of each view of the worklist; every view shows rows (a list without any
    logs none, one query less)."""
    counts = {}
    for params in views:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home"), params)
        assert "<tr data-case=" in response.content.decode(), params
        counts[str(params)] = len(captured.captured_queries)
    return counts


def worked_cases(area, fk_officer, af_officer, numbers):
    """Cases of the FK and the AF officer, with something of everything a worklist row reads: consent to sharing or not, interventions, follow-up and
    contact meetings, plans, a suggestion marked not relevant, an open joint mapping, and now
    and then a case ended lately whose closing documentation is due."""
    for i in numbers:
        person = PersonFactory(area=area)
        closed = i % 10 == 9
        # ended 5 to 9 days ago when closed: still on the list (closing documentation due)
        started = TODAY - dt.timedelta(days=25 + i % 5 if closed else 3 + (17 * i) % 320)
        case = CaseFactory(
            person=person,
            fk_officer=fk_officer,
            af_officer=af_officer,
            phase=Case.Phase.CLOSED if closed else Case.Phase.NEEDS_ANALYSIS,
            start_date=started,
            benefit="sjukpenning",
            benefit_end_date=started + dt.timedelta(days=150 + i),
            sick_leave_start=started - dt.timedelta(days=60),
            return_unlikely_before_181=i % 3 == 0,
        )
        if i % 2:
            Consent.objects.create(
                person=person, given_on=started, covers_sharing=True, covers_follow_up=True
            )
        if i % 3 == 1:
            InterventionFactory(case=case, start_date=started)
        if i % 4 == 0:
            MeetingFactory(person=person, case=case, kind="follow_up", date=started)
        if i % 4 == 2:
            MeetingFactory(person=person, case=case, kind="kontaktmote", date=started)
        if i % 5 == 1:
            PlanVersion.objects.create(
                case=case, version=1, goal="Arbete.", activities="Prövning.", created_by=fk_officer
            )
        if i % 6 == 2:
            FlagDismissal.objects.create(
                case=case, code="mapping_suggested", reason="Redan övervägt.", by=fk_officer
            )
        if i % 7 == 3:
            JointMappingFactory(person=person, area=area)


# --- the worklist -------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [True, False], ids=["summaries-stored", "none-stored"])
@pytest.mark.parametrize("reader", ["fk_officer", "af_officer", "coordinator"])
def test_the_worklist_takes_as_many_queries_for_55_cases_as_for_3(
    request, area, fk_officer, af_officer, coordinator, login, reader, stored
):
    # given the worklist of an FK officer, an AF officer of their team and the coordinator, with
    # the cases' summaries of the day stored (as the nightly pass and the services keep them)
    # or none (the factories write none)
    user = request.getfixturevalue(reader)
    client = login(user)
    views = WORKLIST_VIEWS + ([{"officer": str(fk_officer.pk)}] if reader == "coordinator" else [])
    worked_cases(area, fk_officer, af_officer, range(3))
    if stored:
        refresh_all()

    # when each view of the list is drawn for 3 cases, and again for 55 (two pages)
    few = worklist_counts(client, views)
    worked_cases(area, fk_officer, af_officer, range(3, 55))
    if stored:
        refresh_all()
    many = worklist_counts(client, views)

    # then every view takes the same number of queries, within the ceiling
    assert many == few
    ceiling = WORKLIST_CEILING if stored else WORKLIST_UNSTORED_CEILING
    assert max(many.values()) <= ceiling, many


def test_the_worklist_shows_every_case_it_counts(area, fk_officer, af_officer, login):
    # the 55 cases above are all on the list, in two pages (a guard for the counts above)
    worked_cases(area, fk_officer, af_officer, range(55))
    body = login(fk_officer).get(reverse("home"), {"page": "2"}).content.decode()

    assert body.count("<tr data-case=") == 55 - 50
    assert "55 ärenden" in body


# --- the case page and the person pages ---------------------------------------------------------


def grown_case(area, fk_officer, af_officer, n) -> Case:
    """An open case with `n` of everything the case and person pages list: status entries,
    follow-up meetings, interventions, plan versions, consents, changes of the case and the
    person (history rows), phase moves, ended joint mappings, and earlier closed cases."""
    person = PersonFactory(area=area)
    for k in range(n - 1):
        CaseFactory(
            person=person,
            fk_officer=fk_officer,
            phase=Case.Phase.CLOSED,
            start_date=TODAY - dt.timedelta(days=900 - 30 * k),
            closing_doc_date=TODAY - dt.timedelta(days=870 - 30 * k),
        )
    case = CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        start_date=TODAY - dt.timedelta(days=60),
        benefit="sjukpenning",
        benefit_end_date=TODAY + dt.timedelta(days=120),
        sick_leave_start=TODAY - dt.timedelta(days=100),
        return_unlikely_before_181=True,
    )
    code = StatusCode.objects.filter(is_active=True).first()
    # Written by the officer: every row names who wrote it (the pages show the name).
    officer = AccessContext.for_user(fk_officer, purpose="test")
    FlagDismissal.objects.create(
        case=case, code="mapping_suggested", reason="Övervägd.", by=fk_officer
    )
    for k in range(n):
        day = TODAY - dt.timedelta(days=50 - k)
        status_entry_save(person=person, on=day, code=code, context=officer)
        MeetingFactory(person=person, case=case, kind="follow_up", date=day, created_by=fk_officer)
        InterventionFactory(case=case, start_date=day, end_date=day, outcome="goal_reached")
        PlanVersion.objects.create(
            case=case,
            version=k + 1,
            goal=f"Mål {k}",
            activities="Prövning.",
            created_by=fk_officer,
        )
        Consent.objects.create(
            person=person,
            given_on=day,
            covers_sharing=True,
            covers_follow_up=True,
            recorded_by=fk_officer,
        )
        PhaseTransition.objects.create(
            case=case, from_phase="referred", to_phase="needs_analysis", date=day, by=fk_officer
        )
        JointMappingFactory(
            person=person,
            area=area,
            requested_on=day,
            ended_on=day,
            decision="no_action",
            decision_date=day,
        )
        case._history_user = person._history_user = fk_officer
        case.fk_notes = f"Anteckning {k}"
        case.save()
        person.phone = f"070-{k:07d}"
        person.save()
    return case


@pytest.fixture
def one_and_fifteen(area, fk_officer, af_officer):
    return (
        grown_case(area, fk_officer, af_officer, 1),
        grown_case(area, fk_officer, af_officer, 15),
    )


@pytest.mark.parametrize("reader", ["fk_officer", "af_officer", "coordinator"])
@pytest.mark.parametrize(
    ("page", "of_person", "ceiling"),
    [
        ("cases:case_detail", False, CASE_PAGE_CEILING),
        ("cases:case_history", False, CASE_HISTORY_CEILING),
        ("cases:person_detail", True, PERSON_PAGE_CEILING),
        ("mapping:person_overview", True, PERSON_OVERVIEW_CEILING),
    ],
)
def test_a_page_takes_as_many_queries_for_fifteen_of_everything_as_for_one(
    request, one_and_fifteen, login, reader, page, of_person, ceiling
):
    # given a case with one of everything and a case with fifteen, on the reader's caseload
    client = login(request.getfixturevalue(reader))
    urls = [
        reverse(page, args=[case.person_id if of_person else case.pk]) for case in one_and_fifteen
    ]
    for url in urls:  # the first opening of a case marks its assignments seen, and so on
        queries_of(client, url)

    # when each page is drawn
    small, large = (len(queries_of(client, url)) for url in urls)

    # then both take the same number of queries, within the ceiling
    assert small == large, (small, large)
    assert large <= ceiling, large


def test_the_pages_list_what_they_count(one_and_fifteen, fk_officer, login):
    # the fifteen are on the pages (a guard for the counts above)
    _one, fifteen = one_and_fifteen
    client = login(fk_officer)
    case_page = client.get(reverse("cases:case_detail", args=[fifteen.pk])).content.decode()
    person_page = client.get(
        reverse("cases:person_detail", args=[fifteen.person_id])
    ).content.decode()

    assert "Anteckning 14" in case_page and "Mål 14" in case_page
    assert person_page.count('href="/arenden/') >= 15


# --- the team's members: read once per request ----------------------------------------------------


@pytest.mark.parametrize("page", ["home", "cases:case_detail", "cases:person_detail"])
def test_a_page_reads_the_teams_members_once(one_and_fifteen, fk_officer, login, page):
    # given an officer in a team: the worklist, the caseload check of the person opened and
    # the navigation's to-do count all ask who the team's members are
    case = one_and_fifteen[0]
    args = {"home": [], "cases:case_detail": [case.pk], "cases:person_detail": [case.person_id]}
    client = login(fk_officer)

    # when the page is drawn
    queries = queries_of(client, reverse(page, args=args[page]))

    # then the members are read once
    assert sum(TEAM_MEMBERS_SQL in sql for sql in queries) == 1


def test_the_teams_members_are_read_again_with_a_new_scope(area, team, fk_officer, af_officer):
    # given the members read once for the FK officer
    assert team_user_ids(fk_officer) == {fk_officer.pk, af_officer.pk}
    newcomer = staff("af_officer", areas=[area], teams=[team], username="af4.sdt")

    # when the officer's scope is read again (the next request)
    fk_officer.__dict__.pop("_samverkan_scope")

    # then so are the members
    assert team_user_ids(fk_officer) == {fk_officer.pk, af_officer.pk, newcomer.pk}
