"""The navigation's to-do count is asked on every page: its SQL is compiled once for the user, their
scope, their team and the day, and run again at once (todo.selectors.todo_count). What it counts
is read by the query each time, so a new to-do shows at once; a changed team is a new query."""

import pytest
from django.contrib.auth import get_user_model

from accounts.scoping import scope_for
from accounts.tests.factories import TeamFactory, staff
from cases.models import CaseAssignment, Phase
from cases.selectors import team_user_ids
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.tests.test_services_mappings import decide, hold_meeting, request_mapping
from samverkan.tests.compiling import Compiling
from todo.selectors import todo_count

pytestmark = pytest.mark.django_db


def _request(user):
    """The user as a new request loads it (the scope and team are kept on the user object)."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_new_to_do_counts_on_the_next_page_without_compiling(area, person, fk_officer):
    CaseFactory(person=person, fk_officer=fk_officer, phase=Phase.NEEDS_ANALYSIS)
    assert todo_count(_request(fk_officer)) == 1  # the plan before the introduction
    case = CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    CaseAssignment.objects.create(case=case, to_user=fk_officer, by=fk_officer)
    reader = _request(fk_officer)
    scope_for(reader), team_user_ids(reader)  # what every page has read before the menu
    with Compiling() as compiling:
        count = todo_count(reader)
    assert compiling.compiled == []
    assert count == 3  # the new case's plan, and its assignment


def test_a_new_team_member_brings_their_work_to_the_team(area, person, fk_officer):
    """A decision FK recorded without an AF officer waits for the AF officers who have the
    person on their caseload: the team of the FK officer whose case it opened. The AF officer's
    own scope does not change when the FK officer joins their team; their team's members do."""
    decide(
        hold_meeting(request_mapping(person, fk_officer, fk_officer=fk_officer), fk_officer),
        fk_officer,
    )
    own_team = TeamFactory(area=area, name="Team 2")
    af = staff("af_officer", areas=[area], teams=[own_team], username="af.team2")
    assert todo_count(_request(af)) == 0
    fk_officer.staff_profile.teams.add(own_team)
    assert todo_count(_request(af)) == 1
