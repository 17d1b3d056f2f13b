"""One caseload (SPEC §7; cases.selectors): who an officer opens without stating a reason.

Four copies of the rule used to disagree: the person list of pages and API knew only cases, the
mapping API and break-the-glass also knew open mappings and people one registered (read from the
change history), and the officer's mapping export knew every mapping the team held, closed ones
of people long gone from the caseload included. Each test below pins a case where they differed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Person
from cases.selectors import person_list_on_caseload, person_relation
from cases.services import person_create
from cases.tests.factories import PersonFactory, make_personnummer
from exports.tests.conftest import csv_rows, ids
from mapping.models import Decision, JointMapping
from mapping.tests.factories import JointMappingFactory
from samverkan.services import AccessContext

pytestmark = pytest.mark.django_db


def _api_person_ids(client) -> set[int]:
    return {row["id"] for row in client.get(reverse("api:person-list")).json()["results"]}


def test_a_person_of_an_open_mapping_of_the_team_is_on_the_caseload_everywhere(
    area, fk_officer, af_officer, login
):
    # given a person with no case whose open joint mapping the team's AF officer handles
    person = PersonFactory(area=area)
    JointMappingFactory(person=person, af_officer=af_officer)
    # when the FK officer of the team asks, then the relation, the selector and the API agree
    assert person_relation(user=fk_officer, person=person) == "open_mapping"
    assert person in person_list_on_caseload(user=fk_officer)
    assert person.pk in _api_person_ids(login(fk_officer))


def test_a_person_one_registered_stays_on_the_caseload_when_the_history_is_purged(
    area, fk_officer, colleague, login
):
    # given a person the officer registered, who has no case yet
    person = person_create(
        personnummer=make_personnummer(dt.date(1985, 5, 5), serial=42),
        first_name="Kim",
        last_name="Berg",
        area=area,
        context=AccessContext.for_user(fk_officer),
    )
    # when retention purges the person's change history
    Person.history.filter(id=person.pk).delete()
    # then the officer still opens the person without a reason, in the lists too; a colleague
    # of the area outside the team does not
    assert person_relation(user=fk_officer, person=person) == "registered_by_user"
    assert person.pk in _api_person_ids(login(fk_officer))
    assert person_relation(user=colleague, person=person) is None
    assert person.pk not in _api_person_ids(login(colleague))


def test_the_officers_mapping_export_lists_what_the_mapping_api_lists(
    area, fk_officer, af_officer, login
):
    # given a mapping of the team that ended long ago, of a person no longer on the caseload,
    # and an open one
    gone = PersonFactory(area=area)
    JointMappingFactory(
        person=gone,
        fk_officer=fk_officer,
        requested_on=dt.date(2020, 1, 10),
        first_meeting_on=dt.date(2020, 2, 1),
        decision=Decision.NO_ACTION,
        decision_reason="Inget behov av insatser.",
        decision_date=dt.date(2020, 3, 1),
        ended_on=dt.date(2020, 3, 1),
    )
    current = JointMappingFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    client = login(fk_officer)
    # when the officer lists mappings through the API and exports them
    listed = {row["id"] for row in client.get(reverse("api:mapping-list")).json()["results"]}
    exported = ids(csv_rows(client.get("/api/v1/exports/mappings/")), "mapping_id")
    # then both hold the same mappings: the open one, not the ended one of a person gone
    assert listed == exported == {current.pk}
    assert JointMapping.objects.filter(person=gone).exists()
