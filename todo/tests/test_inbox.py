"""The to-do list ("Att göra", issue 14 point 3): what waits for the officer or coordinator, with
its count in the navigation; and the confirmation page's "ask for a change", which returns the
decision to the other agency's officer and shows up on their list."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Consent, Phase
from cases.services import consent_record
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.models import JointMapping
from mapping.tests.test_services_mappings import decide, hold_meeting, request_mapping
from reporting.models import DeviationAction, DeviationReport
from samverkan.services import AccessContext
from todo.selectors import todo_count, todo_items

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


@pytest.fixture
def pending(person, fk_officer, af_officer):
    """A decision recorded (and so confirmed) by the FK officer, waiting for AF."""
    mapping = request_mapping(person, fk_officer, fk_officer=fk_officer, af_officer=af_officer)
    return decide(hold_meeting(mapping, fk_officer), fk_officer)


def kinds(user):
    return {kind: len(items) for kind, items in todo_items(user, today=TODAY()).items()}


def test_a_decision_waits_on_the_other_agency_s_list_only(pending, fk_officer, af_officer):
    assert kinds(af_officer) == {"confirm_decision": 1}
    assert "confirm_decision" not in kinds(fk_officer)
    [item] = todo_items(af_officer, today=TODAY())["confirm_decision"]
    assert item.url == reverse("mapping:mapping_sign", args=[pending.pk])
    assert item.subject == f"Kartläggning – {pending.person.full_name}"


def test_the_navigation_shows_the_count_and_the_page_lists_it(pending, af_officer, login):
    client = login(af_officer)
    home = client.get(reverse("home")).content.decode()
    link = re.search(r'<a href="/att-gora/"[^>]*>(.*?)</a>', home, re.S).group(1)
    assert "Att göra" in link and ">1<" in link

    page = client.get(reverse("todo:inbox")).content.decode()
    section = re.search(r'data-todo="confirm_decision">(.*?)</section>', page, re.S).group(1)
    assert pending.person.full_name in section and "Aktiva insatser i samarbete" in section
    # the list shows a person's name: logged as a read
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, purpose="att göra", object_id=str(pending.pk)
    ).exists()


def test_asking_for_a_change_returns_the_decision_to_the_other_officer(
    pending, fk_officer, af_officer, login
):
    client = login(af_officer)
    url = reverse("mapping:mapping_change_request", args=[pending.pk])
    form = client.get(url).content.decode()
    assert 'name="reason"' in form
    sign_page = client.get(reverse("mapping:mapping_sign", args=[pending.pk])).content.decode()
    assert f'href="{url}"' in sign_page

    too_short = client.post(url, {"version": pending.version, "reason": "nej"})
    assert "minst 10 tecken" in too_short.content.decode()
    assert JointMapping.objects.get(pk=pending.pk).fk_signed_at is not None

    reason = "Målgruppen ska vara arbetslös med sjukersättning."
    response = client.post(url, {"version": pending.version, "reason": reason})

    assert response.status_code == 302
    mapping = JointMapping.objects.get(pk=pending.pk)
    assert mapping.fk_signed_at is None and mapping.change_requested_of == fk_officer
    # the FK officer is told through their list; AF no longer has anything to confirm
    [item] = todo_items(fk_officer, today=TODAY())["change_requested"]
    assert reason in item.text and item.url == reverse("mapping:mapping_decide", args=[mapping.pk])
    assert "confirm_decision" not in kinds(af_officer)
    # recording the decision again answers it, and it waits for AF once more
    decide(mapping, fk_officer, case_target_group="unemployed_sickness_comp")
    assert "change_requested" not in kinds(fk_officer)
    assert kinds(af_officer) == {"confirm_decision": 1}


def test_an_officer_who_has_confirmed_cannot_ask_for_a_change(pending, fk_officer, login):
    url = reverse("mapping:mapping_change_request", args=[pending.pk])
    response = login(fk_officer).post(url, {"version": pending.version, "reason": "x" * 20})
    assert response.status_code == 200
    assert JointMapping.objects.get(pk=pending.pk).change_requested_at is None


def test_an_officer_s_own_work(area, person, fk_officer, af_officer):
    # a case in needs analysis without a plan, one ended 25 days ago without closing
    # documentation (21 days: overdue), a mapping without its first meeting
    CaseFactory(person=person, fk_officer=fk_officer, phase=Phase.NEEDS_ANALYSIS)
    CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        phase=Phase.CLOSED,
        start_date=days_ago(100),
        end_date=days_ago(25),
        exit_reason="completed",
    )
    request_mapping(PersonFactory(area=area), fk_officer, fk_officer=fk_officer)

    items = todo_items(fk_officer, today=TODAY())

    assert kinds(fk_officer) == {"plan_missing": 1, "closing_doc": 1, "mapping_first_meeting": 1}
    [closing] = items["closing_doc"]
    assert closing.due == days_ago(4) and closing.level == "overdue"
    assert todo_count(fk_officer) == 3
    assert kinds(af_officer) == {}


def test_a_consent_recorded_by_fk_waits_for_af(person, fk_officer, af_officer):
    CaseFactory(person=person, fk_officer=fk_officer, af_officer=af_officer)
    consent_record(
        person=person,
        given_on=days_ago(2),
        basis="written",
        covers_sharing=True,
        covers_follow_up=True,
        context=AccessContext.for_user(fk_officer),
    )
    assert Consent.objects.get().awaits_af
    assert "consent_confirm" in kinds(af_officer)
    assert "consent_confirm" not in kinds(fk_officer)


def test_a_coordinator_s_actions_and_reviews(area, coordinator):
    report = DeviationReport.objects.create(
        area=area,
        kind=DeviationReport.Kind.choices[0][0],
        run_start=dt.date(2026, 1, 1),
        opened_for=dt.date(2026, 3, 1),
        figures=[],
    )
    DeviationAction.objects.create(
        report=report,
        description="Gå igenom inflödet med beredningsgruppen.",
        owner="Sara",
        owner_user=coordinator,
        due_on=TODAY() + dt.timedelta(days=3),
    )

    [action] = todo_items(coordinator, today=TODAY())["deviation_action"]

    assert action.level == "due_soon" and action.due == TODAY() + dt.timedelta(days=3)


def test_someone_without_a_list_gets_403_and_no_count(management, login):
    client = login(management)
    assert client.get(reverse("todo:inbox")).status_code == 403
    assert "/att-gora/" not in client.get(reverse("reporting:overview")).content.decode()


def test_a_coordinator_sees_the_cases_without_an_officer(area, coordinator, fk_officer):
    CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer)  # AF missing
    CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer, af_officer=fk_officer)

    [item] = todo_items(coordinator, today=TODAY())["unassigned"]

    assert item.text == "Saknar arbetsförmedlare på Arbetsförmedlingen"
    assert "unassigned" not in kinds(fk_officer)


def test_a_decision_without_an_officer_of_my_agency_waits_for_those_who_have_the_person(
    person, fk_officer, af_officer, colleague
):
    # requested by the FK officer of AF's team without naming an AF officer: the person is on
    # the team's caseload, so AF officers of the team may confirm; a colleague outside it not
    mapping = request_mapping(person, fk_officer, fk_officer=fk_officer)
    decide(hold_meeting(mapping, fk_officer), fk_officer)

    assert kinds(af_officer) == {"confirm_decision": 1}
    assert "confirm_decision" not in kinds(colleague)


def test_an_officer_who_left_the_area_no_longer_sees_its_people(area, person, fk_officer):
    CaseFactory(person=person, fk_officer=fk_officer, phase=Phase.NEEDS_ANALYSIS)
    assert "plan_missing" in kinds(fk_officer)

    fk_officer.staff_profile.areas.clear()
    fk_officer = type(fk_officer).objects.get(pk=fk_officer.pk)  # a new request's scope

    assert kinds(fk_officer) == {}
