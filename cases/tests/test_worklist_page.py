"""The worklist as an officer works in it all day (issue 14 point 1): one line per case, pages
of 50 with the count per filter, sortable columns, the filters (mine / my team / one officer,
phase, flag, target group, overdue only) kept in the address, and a fixed number of queries
whatever the number of rows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case
from cases.tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-case="(\d+)"', response.content.decode())]


def count_text(response) -> str:
    body = response.content.decode()
    text = re.search(r'data-testid="worklist-count">(.*?)</p>', body, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def cases_of(officer, area, count, *, started_days_ago=10, **fields):
    """`count` open cases of `officer` (FK), started `started_days_ago` days ago."""
    start = timezone.localdate() - dt.timedelta(days=started_days_ago)
    return [
        CaseFactory(
            person=PersonFactory(area=area, last_name=f"Efternamn{i:03d}"),
            fk_officer=officer,
            start_date=start,
            **fields,
        )
        for i in range(count)
    ]


def test_pages_of_50_with_the_count_of_the_whole_filter(area, fk_officer, login):
    cases_of(fk_officer, area, 60)
    client = login(fk_officer)

    first = client.get(reverse("home"))
    second = client.get(reverse("home"), {"page": 2})

    assert len(rows(first)) == 50 and len(rows(second)) == 10
    assert not set(rows(first)) & set(rows(second))
    assert count_text(first) == "60 ärenden · sida 1 av 2"
    assert 'href="?page=2" rel="next"' in first.content.decode()
    # only the cases on the page are logged as viewed
    logged = AccessLog.objects.filter(action=AccessLog.Action.VIEW, purpose="ärendelista")
    assert logged.count() == 60


def test_overdue_only_and_the_overdue_count(area, fk_officer, login):
    # follow-up every 28 days: started 40 days ago is overdue, 10 days ago is not
    late = cases_of(fk_officer, area, 3, started_days_ago=40)
    cases_of(fk_officer, area, 4, started_days_ago=10)
    client = login(fk_officer)

    everything = client.get(reverse("home"))
    overdue = client.get(reverse("home"), {"overdue": "on"})

    assert count_text(everything) == "7 ärenden · 3 försenade"
    assert set(rows(overdue)) == {case.pk for case in late}
    assert rows(everything)[:3] == rows(overdue)  # overdue first by the nearest deadline
    assert count_text(overdue) == "3 ärenden · 3 försenade"


def test_columns_sort_both_ways_and_say_so(area, fk_officer, login):
    cases = cases_of(fk_officer, area, 5)
    by_name = sorted(cases, key=lambda case: case.person.last_name)
    client = login(fk_officer)

    ascending = client.get(reverse("home"), {"sort": "name"})
    descending = client.get(reverse("home"), {"sort": "-name"})

    assert rows(ascending) == [case.pk for case in by_name]
    assert rows(descending) == [case.pk for case in reversed(by_name)]
    header = re.search(
        r'<th scope="col" aria-sort="ascending"><a href="([^"]+)"', ascending.content.decode()
    )
    assert header.group(1) == "?sort=-name"  # a second click sorts the other way
    assert 'aria-sort="descending"' in descending.content.decode()


def test_the_filter_stays_in_the_address_of_sorting_and_paging(area, fk_officer, login):
    cases_of(fk_officer, area, 55, phase=Case.Phase.NEEDS_ANALYSIS)
    body = (
        login(fk_officer)
        .get(reverse("home"), {"phase": "needs_analysis", "sort": "days"})
        .content.decode()
    )

    assert 'href="?phase=needs_analysis&amp;sort=days&amp;page=2" rel="next"' in body
    assert 'href="?phase=needs_analysis&amp;sort=-days"' in body


def test_an_officer_chooses_their_own_cases_or_their_team_s(area, fk_officer, af_officer, login):
    # the AF officer is in the FK officer's team
    own = cases_of(fk_officer, area, 2)
    teams = [CaseFactory(person=PersonFactory(area=area), af_officer=af_officer)]
    client = login(fk_officer)

    assert set(rows(client.get(reverse("home")))) == {case.pk for case in own}
    team_rows = rows(client.get(reverse("home"), {"who": "team"}))
    assert set(team_rows) == {case.pk for case in own + teams}


def test_a_coordinator_chooses_one_officer(area, fk_officer, colleague, coordinator, login):
    fk_cases = cases_of(fk_officer, area, 2)
    other = CaseFactory(person=PersonFactory(area=area), af_officer=colleague)
    client = login(coordinator)

    whole_area = client.get(reverse("home"))
    one_officer = client.get(reverse("home"), {"officer": fk_officer.pk})

    assert set(rows(whole_area)) == {case.pk for case in fk_cases} | {other.pk}
    assert set(rows(one_officer)) == {case.pk for case in fk_cases}
    body = whole_area.content.decode()
    assert f'<option value="{fk_officer.pk}">' in body  # the area's officers to choose from
    # an officer of another area is no choice; asking for one is reported on the field
    refused = client.get(reverse("home"), {"officer": 999999})
    assert 'id="id_officer_error"' in refused.content.decode()
    assert len(rows(refused)) == 3


def test_the_number_of_queries_does_not_grow_with_the_rows(area, fk_officer, login):
    client = login(fk_officer)
    cases_of(fk_officer, area, 5)
    with CaptureQueriesContext(connection) as few:
        assert len(rows(client.get(reverse("home")))) == 5
    cases_of(fk_officer, area, 40, started_days_ago=40)
    with CaptureQueriesContext(connection) as many:
        assert len(rows(client.get(reverse("home")))) == 45

    assert len(many.captured_queries) == len(few.captured_queries), (
        len(few.captured_queries),
        len(many.captured_queries),
    )
    assert len(few.captured_queries) <= 25  # the page, the navigation and its to-do count


def test_the_caseload_page_links_each_officer_to_their_worklist(
    area, fk_officer, coordinator, login
):
    cases = cases_of(fk_officer, area, 2)
    client = login(coordinator)

    body = client.get(reverse("cases:caseload")).content.decode()
    row = re.search(r'data-officer="fk.sdt">(.*?)</tr>', body, re.S).group(1)
    link = re.search(r'<a href="([^"]+)"', row).group(1)

    assert link == f"/?officer={fk_officer.pk}"
    assert set(rows(client.get(link))) == {case.pk for case in cases}


def test_a_closed_case_counts_its_days_to_the_end(area, fk_officer, login):
    # closed 20 days after a start 30 days ago, its closing documentation still to write
    start = timezone.localdate() - dt.timedelta(days=30)
    case = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        phase=Case.Phase.CLOSED,
        start_date=start,
        end_date=start + dt.timedelta(days=20),
        exit_reason="completed",
    )
    body = login(fk_officer).get(reverse("home")).content.decode()
    row = re.search(rf'<tr data-case="{case.pk}"[^>]*>(.*?)</tr>', body, re.S).group(1)
    assert '<td class="num">20</td>' in row
