"""A coordinator gives cases from one officer to another (issue 14 point 6): logged, in each
case's history, and the new officer finds them on their to-do list until they open them."""

import pytest
from django.urls import reverse

from accounts.tests.factories import staff
from audit.models import AccessLog
from cases.models import Case, CaseAssignment
from cases.tests.factories import CaseFactory, PersonFactory
from todo.selectors import todo_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_fk(area):
    return staff("fk_officer", areas=[area], username="fk2.sdt")


@pytest.fixture
def three(area, fk_officer):
    return [CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer) for _ in range(3)]


def url(officer):
    return reverse("cases:reassign", args=[officer.pk])


def test_the_coordinator_gives_two_of_three_cases_to_another_officer(
    three, fk_officer, new_fk, coordinator, login
):
    client = login(coordinator)
    page = client.get(url(fk_officer)).content.decode()
    assert all(case.person.full_name in page for case in three)

    response = client.post(
        url(fk_officer), {"cases": [three[0].pk, three[1].pk], "to_user": new_fk.pk}
    )

    assert response.status_code == 302 and response["Location"] == f"/?officer={new_fk.pk}"
    assert [Case.objects.get(pk=c.pk).fk_officer for c in three] == [new_fk, new_fk, fk_officer]
    assert (
        AccessLog.objects.filter(
            action=AccessLog.Action.UPDATE, purpose__startswith="ärendet fördelat till"
        ).count()
        == 2
    )
    history = Case.objects.get(pk=three[0].pk).history.first()
    assert history.fk_officer_id == new_fk.pk and history.history_user == coordinator
    # on the new officer's list until they open the case
    assert len(todo_items(new_fk, today=three[0].start_date)["assigned"]) == 2
    login(new_fk).get(reverse("cases:case_detail", args=[three[0].pk]))
    assert len(todo_items(new_fk, today=three[0].start_date)["assigned"]) == 1
    assert CaseAssignment.objects.filter(seen_at__isnull=False).count() == 1


def test_an_officer_of_the_other_agency_is_refused_and_nothing_changes(
    three, fk_officer, af_officer, coordinator, login
):
    response = login(coordinator).post(
        url(fk_officer), {"cases": [three[0].pk], "to_user": af_officer.pk}
    )
    assert response.status_code == 200
    assert Case.objects.filter(fk_officer=fk_officer).count() == 3
    assert not CaseAssignment.objects.exists()


def test_only_a_coordinator_and_only_for_their_areas(
    three, fk_officer, new_fk, outsider, login, other_area
):
    assert login(fk_officer).get(url(fk_officer)).status_code == 403
    other_coordinator = staff("coordinator", areas=[other_area], username="samordnare.ume")
    assert login(other_coordinator).get(url(fk_officer)).status_code == 404
    assert not CaseAssignment.objects.exists()


def test_the_caseload_page_links_to_it(three, fk_officer, coordinator, login):
    body = login(coordinator).get(reverse("cases:caseload")).content.decode()
    assert f'href="{url(fk_officer)}"' in body
