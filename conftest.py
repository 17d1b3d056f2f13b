"""Shared fixtures: one area with a team and its people, and an outsider in another area.

The three-user idea of healthchecks (owner, team-mate, outsider) in this product's terms: the
officer whose caseload holds the person, a colleague of the same area outside that caseload, and
an officer of another area who must see nothing."""

import pytest
from django.test import Client

from accounts.tests.factories import AreaFactory, TeamFactory, staff
from cases.tests.factories import CaseFactory, PersonFactory


@pytest.fixture
def area(db):
    return AreaFactory(code="sdt", name="Södertörn")


@pytest.fixture
def other_area(db):
    return AreaFactory(code="ume", name="Umeå")


@pytest.fixture
def team(area):
    return TeamFactory(area=area, name="Team 1")


@pytest.fixture
def fk_officer(area, team):
    return staff("fk_officer", areas=[area], teams=[team], username="fk.sdt")


@pytest.fixture
def af_officer(area, team):
    return staff("af_officer", areas=[area], teams=[team], username="af.sdt")


@pytest.fixture
def colleague(area):
    """An AF officer of the same area, in no team: the person is not on their caseload."""
    return staff("af_officer", areas=[area], username="af2.sdt")


@pytest.fixture
def coordinator(area):
    return staff("coordinator", areas=[area], username="samordnare.sdt")


@pytest.fixture
def management(area):
    return staff("management", areas=[area], username="ledning.sdt")


@pytest.fixture
def analyst(db):
    return staff("analyst", username="analytiker")


@pytest.fixture
def outsider(other_area):
    return staff("fk_officer", areas=[other_area], username="fk.ume")


@pytest.fixture
def other_coordinator(other_area):
    return staff("coordinator", areas=[other_area], username="samordnare.ume")


@pytest.fixture
def person(area):
    return PersonFactory(area=area, first_name="Greta", last_name="Testsson")


@pytest.fixture
def case(person, fk_officer, af_officer):
    return CaseFactory(person=person, fk_officer=fk_officer, af_officer=af_officer)


@pytest.fixture
def login():
    """login(user) -> a test client with that user logged in."""

    def _login(user):
        client = Client()
        client.force_login(user)
        return client

    return _login
