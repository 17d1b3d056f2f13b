"""Whether a person is on the reader's caseload is asked on every page about a person
(cases.selectors.person_relation): its SQL is compiled once for the user, their scope, their team
and the day, and run with each person's id. What it answers is read by the query each time, so a
new case shows at once; a changed team is a new query."""

import pytest
from django.contrib.auth import get_user_model

from accounts.scoping import scope_for
from accounts.tests.factories import TeamFactory, staff
from cases.selectors import person_relation, team_user_ids
from cases.tests.factories import CaseFactory, PersonFactory
from samverkan.tests.compiling import Compiling

pytestmark = pytest.mark.django_db


def _request(user):
    """The user as a new request loads it (the scope and team are kept on the user object)."""
    reader = get_user_model().objects.get(pk=user.pk)
    scope_for(reader), team_user_ids(reader)  # what every page has read before it
    return reader


def test_each_person_and_a_new_case_are_answered_without_compiling(area, fk_officer):
    own, other = PersonFactory(area=area), PersonFactory(area=area)
    CaseFactory(person=own, fk_officer=fk_officer)
    assert person_relation(user=_request(fk_officer), person=own) == "own_caseload"
    # the other person gets a case of the officer's after the query was compiled
    CaseFactory(person=other, fk_officer=fk_officer)
    stranger = PersonFactory(area=area)
    reader = _request(fk_officer)
    with Compiling() as compiling:
        answers = [person_relation(user=reader, person=p) for p in (own, other, stranger)]
    assert compiling.compiled == []
    assert answers == ["own_caseload", "own_caseload", None]


def test_a_new_team_member_brings_their_cases(area, fk_officer):
    person = PersonFactory(area=area)
    af = staff("af_officer", areas=[area], teams=[TeamFactory(area=area)], username="af.t2")
    CaseFactory(person=person, fk_officer=fk_officer)
    assert person_relation(user=_request(af), person=person) is None
    fk_officer.staff_profile.teams.add(af.staff_profile.teams.get())
    assert person_relation(user=_request(af), person=person) == "team_caseload"
