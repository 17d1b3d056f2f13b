"""The worklist's SQL is kept per process (cases.worklist_query.WorklistRows, cases.views.worklist
`_worklist_cases_key`): the next page of the same view runs it at once, compiling nothing of
the list, and still reads the data as it is now; anything the view's query is built from that
changes (a colleague joining the team) is a new query; and the rule sets are read by the query,
never put into it, so an admin's edit shows on the next page."""

import datetime as dt
import re

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import staff
from cases import worklist_state
from cases.models import Case, CaseWorklistState, FlagDismissal, Person, RuleSet, TargetGroup
from cases.tests.factories import CaseFactory, PersonFactory
from cases.worklist_query import WorklistRows
from samverkan.tests.compiling import Compiling

pytestmark = pytest.mark.django_db

# What the list reads, compiled by the ORM when its SQL is not kept.
LIST_MODELS = {Case, Person, FlagDismissal, CaseWorklistState}


def rows(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<tr data-case="(\d+)"', response.content.decode())]


def test_the_next_page_compiles_nothing_of_the_list_and_shows_a_new_case(
    area, fk_officer, coordinator, login
):
    first = CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    for user, params in [(fk_officer, {}), (coordinator, {"sort": "name"})]:
        client = login(user)
        assert first.pk in rows(client.get(reverse("home"), params))
        new = CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
        with Compiling() as compiling:
            shown = rows(client.get(reverse("home"), params))
        assert LIST_MODELS.isdisjoint(compiling.compiled), user
        assert {first.pk, new.pk} <= set(shown)
        # and the coordinator's choice of officers is read, not kept
        if user == coordinator:
            assert "StaffProfile" not in {model.__name__ for model in compiling.compiled}


def test_a_colleague_joining_the_team_brings_their_cases_to_the_team_view(
    area, team, fk_officer, colleague, login
):
    """The officer's scope does not change when a colleague joins their team; the team's
    members do, and the view "my team's" is built from them."""
    theirs = CaseFactory(person=PersonFactory(area=area), af_officer=colleague)
    client = login(fk_officer)
    assert theirs.pk not in rows(client.get(reverse("home"), {"who": "team"}))
    colleague.staff_profile.teams.add(team)
    assert theirs.pk in rows(client.get(reverse("home"), {"who": "team"}))


def test_a_rule_set_edited_by_the_admin_shows_on_the_next_page(
    area, fk_officer, login, admin_client
):
    """A case referred 15 days ago and not started: with 14 days to the start it is overdue
    (yesterday); the admin gives 20 days, and the next page, without compiling the list's SQL,
    counts and filters it by the new deadline (in 5 days) and shows it. The summaries stored
    for today were made by the old rule set: the admin's change drops them."""
    today = timezone.localdate()
    case = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        phase=Case.Phase.REFERRED,
        start_date=None,
        referral_date=today - dt.timedelta(days=15),
    )
    rules = RuleSet.for_date(case.referral_date)
    assert rules.pk and rules.prep_to_start_days == 14
    worklist_state.refresh_all()
    client = login(fk_officer)
    assert rows(client.get(reverse("home"), {"overdue": "on"})) == [case.pk]
    before = client.get(reverse("home")).content.decode()
    assert f'datetime="{today - dt.timedelta(days=1)}"' in before

    data = {key: value for key, value in model_to_dict(rules).items() if value is not None}
    data["prep_to_start_days"] = 20
    response = admin_client.post(reverse("admin:cases_ruleset_change", args=[rules.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RuleSet.objects.get(pk=rules.pk).prep_to_start_days == 20

    with Compiling() as compiling:
        assert rows(client.get(reverse("home"), {"overdue": "on"})) == []
        after = client.get(reverse("home")).content.decode()
    assert LIST_MODELS.isdisjoint(compiling.compiled)
    assert f'datetime="{today + dt.timedelta(days=5)}"' in after
    assert rows(client.get(reverse("home"), {"flag": "start_due"})) == [case.pk]


def test_the_sort_by_target_group_follows_the_reader_s_language(area, fk_officer):
    """The list sorts the target groups by their labels as shown: the same view in another
    language is another query. "Sjukskriven arbetslös" comes before "Utan sjukförsäkring"; in
    English "No sickness insurance" comes before "Unemployed on sick leave"."""
    sick = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        target_group=TargetGroup.SICK_UNEMPLOYED,
    )
    uninsured = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        target_group=TargetGroup.EXHAUSTED_INSURANCE,
    )
    today = timezone.localdate()

    def listed(language):
        with translation.override(language):
            view = WorklistRows(
                user=fk_officer,
                cases=Case.objects.filter(fk_officer=fk_officer),
                today=today,
                sort="target_group",
                cases_key=("the officer's cases", fk_officer.pk),
            )
            return view.page_ids(0, 10)

    assert listed("sv") == [sick.pk, uninsured.pk]
    assert listed("en") == [uninsured.pk, sick.pk]
    assert listed("sv") == [sick.pk, uninsured.pk]


@pytest.mark.parametrize("role", ["fk_officer", "coordinator"])
def test_a_reader_without_an_area_yet_sees_an_empty_list(role, area, fk_officer, login):
    CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    newcomer = staff(role, areas=[], username=f"ny.{role}")
    assert rows(login(newcomer).get(reverse("home"))) == []
