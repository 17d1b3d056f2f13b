"""The officer's worklist and the coordinator's caseload page (SPEC §3 "Worklist", §5 norms)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffProfile
from audit.models import AccessLog
from cases.models import Phase, RuleSet
from cases.services import case_open, case_transition
from cases.tests.factories import PersonFactory
from samverkan.services import AccessContext

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


def row_order(response):
    """The case ids of the worklist rows, top to bottom."""
    return [int(pk) for pk in re.findall(r'<tr data-case="(\d+)"', response.content.decode())]


@pytest.fixture
def cases(area, fk_officer, af_officer):
    """Three cases of the FK officer with different nearest deadlines."""

    def person(name):
        return PersonFactory(area=area, last_name=name)

    overdue = case_open(  # follow-up due 2 days ago
        person=person("Försenadsson"),
        phase=Phase.NEEDS_ANALYSIS,
        start_date=days_ago(30),
        fk_officer=fk_officer,
        target_group="sick_unemployed",
        context=AccessContext.system("test"),
    )
    later = case_open(  # follow-up due in 23 days
        person=person("Senaresson"),
        phase=Phase.NEEDS_ANALYSIS,
        start_date=days_ago(5),
        fk_officer=fk_officer,
        af_officer=af_officer,
        target_group="exhausted_insurance",
        context=AccessContext.system("test"),
    )
    referred = case_open(  # needs analysis due to start in 11 days
        person=person("Anmälddotter"),
        referral_date=days_ago(3),
        fk_officer=fk_officer,
        target_group="sick_unemployed",
        context=AccessContext.system("test"),
    )
    return {"overdue": overdue, "later": later, "referred": referred}


def test_worklist_is_sorted_by_the_nearest_deadline(cases, fk_officer, login):
    response = login(fk_officer).get(reverse("home"))
    assert row_order(response) == [
        cases["overdue"].pk,
        cases["referred"].pk,
        cases["later"].pk,
    ]


def test_worklist_shows_the_columns_of_each_case(cases, fk_officer, login):
    body = login(fk_officer).get(reverse("home")).content.decode()
    case = cases["overdue"]
    row = re.search(rf'<tr data-case="{case.pk}"[^>]*>(.*?)</tr>', body, re.S).group(1)
    assert case.person.masked_personnummer in row
    assert case.person.personnummer not in body
    assert reverse("cases:case_detail", args=[case.pk]) in row
    assert "Behovsanalys" in row and ">30<" in row and "Sjukskriven arbetslös" in row
    # the flag as a short label with its severity in words for screen readers, the full
    # wording and deadline on hover and focus, the nearest deadline as a date that never wraps
    chip = re.search(
        r'<span class="chip chip-overdue"[^>]*data-flag="follow_up_due".*?role="tooltip".*?</span>',
        row,
        re.S,
    ).group(0)
    assert '<span class="visually-hidden">Försenad:</span></span>Uppföljning' in chip
    assert f"Följ upp: minst var 28:e dag. Senast {days_ago(2).isoformat()}" in chip
    assert 'role="tooltip"' in chip and 'tabindex="0"' in chip
    deadline = re.search(r'<td class="nowrap cell-deadline">(.*?)</td>', row, re.S).group(1)
    assert f'<time datetime="{days_ago(2).isoformat()}">' in deadline


def test_worklist_filters_by_phase_flag_and_target_group(cases, fk_officer, login):
    client = login(fk_officer)
    home = reverse("home")
    assert row_order(client.get(home, {"phase": "referred"})) == [cases["referred"].pk]
    assert row_order(client.get(home, {"flag": "start_due"})) == [cases["referred"].pk]
    assert row_order(client.get(home, {"flag": "plan_missing"})) == [
        cases["overdue"].pk,
        cases["later"].pk,
    ]
    assert row_order(client.get(home, {"target_group": "exhausted_insurance"})) == [
        cases["later"].pk
    ]
    assert row_order(client.get(home, {"phase": "needs_analysis", "flag": "start_due"})) == []
    assert (
        "Inga ärenden matchar filtren."
        in client.get(home, {"flag": "benefit_ended"}).content.decode()
    )


def test_only_the_cases_shown_are_logged(cases, fk_officer, login):
    login(fk_officer).get(reverse("home"), {"phase": "referred"})
    logged = AccessLog.objects.filter(action=AccessLog.Action.VIEW, purpose="ärendelista")
    assert [int(e.object_id) for e in logged] == [cases["referred"].pk]


@pytest.mark.parametrize(
    "params", [{"phase": "closed"}, {"flag": "x" * 500}, {"target_group": "?"}]
)
def test_a_bad_filter_is_shown_next_to_the_field_not_a_500(cases, fk_officer, login, params):
    response = login(fk_officer).get(reverse("home"), params)
    assert response.status_code == 200
    field = next(iter(params))
    assert f'id="id_{field}_error"' in response.content.decode()
    assert len(row_order(response)) == 3  # the filter is not applied


def test_officer_sees_own_cases_and_the_coordinator_the_whole_area(
    cases, area, colleague, coordinator, login
):
    others = case_open(
        person=PersonFactory(area=area),
        referral_date=days_ago(1),
        af_officer=colleague,
        context=AccessContext.system("test"),
    )
    officer_rows = row_order(login(colleague).get(reverse("home")))
    assert officer_rows == [others.pk]

    response = login(coordinator).get(reverse("home"))
    assert set(row_order(response)) == {c.pk for c in cases.values()} | {others.pk}
    body = response.content.decode()
    assert "<h1>Områdets ärenden</h1>" in body
    assert reverse("cases:caseload") in body


def test_each_row_names_its_officers_and_spells_out_its_phase_and_target_group(
    cases, fk_officer, af_officer, coordinator, login
):
    # given cases of one FK officer, one of them shared with an AF officer
    fk_officer.first_name, fk_officer.last_name = "Frida", "Kassasson"
    fk_officer.save()
    af_officer.first_name, af_officer.last_name = "Arvid", "Förmedlare"
    af_officer.save()

    # when the coordinator opens the area's worklist
    body = login(coordinator).get(reverse("home")).content.decode()

    # then each row names its officers briefly, and the short labels carry the full ones
    rows = dict(re.findall(r'<tr data-case="(\d+)"(.*?)</tr>', body, re.S))
    assert "Frida K., Arvid F." in rows[str(cases["later"].pk)]
    assert "Frida K." in rows[str(cases["overdue"].pk)]
    assert "Arvid F." not in rows[str(cases["overdue"].pk)]
    assert 'title="Behovsanalys"' in rows[str(cases["later"].pk)]
    assert 'title="Utan rätt till ersättning från sjukförsäkringen"' in rows[str(cases["later"].pk)]
    assert ">Utan sjukförsäkring<" in rows[str(cases["later"].pk)]


def test_a_closed_case_stays_until_its_closing_documentation_is_written(cases, fk_officer, login):
    case = cases["later"]
    case_transition(
        case=case,
        to_phase=Phase.CLOSED,
        on=TODAY(),
        exit_reason="completed",
        context=AccessContext.system("test"),
    )

    response = login(fk_officer).get(reverse("home"), {"flag": "closing_doc_due"})

    assert row_order(response) == [case.pk]
    assert (TODAY() + dt.timedelta(days=21)).isoformat() in response.content.decode()


def test_search_box_and_new_person_link_are_on_the_worklist(fk_officer, login):
    body = login(fk_officer).get(reverse("home")).content.decode()
    assert f'action="{reverse("cases:person_search")}"' in body and 'method="post"' in body
    assert reverse("cases:person_create") in body


# --- the coordinator's caseload page ----------------------------------------------------------


def test_caseload_marks_officers_above_the_norm_in_words(
    cases, coordinator, fk_officer, af_officer, login
):
    RuleSet.objects.update(norm_fk=4, norm_af=4)
    StaffProfile.objects.filter(user=fk_officer).update(working_time_share="0.50")

    body = login(coordinator).get(reverse("cases:caseload")).content.decode()

    fk_row = re.search(r'data-officer="fk.sdt">(.*?)</tr>', body, re.S).group(1)
    af_row = re.search(r'data-officer="af.sdt">(.*?)</tr>', body, re.S).group(1)
    # FK: 3 open cases against a norm of 4 × 0,5 = 2,0 → 6,0 per full-time equivalent
    assert re.findall(r'class="num">([^<]*)<', fk_row) == ["0,50", "3", "2,0", "6,0"]
    assert "Över normen" in fk_row
    assert "Inom normen" in af_row and "Över normen" not in af_row
    assert 'class="warning"' in body.split('data-officer="fk.sdt"')[0].rsplit("<tr", 1)[1]


def test_caseload_page_is_for_coordinators_only(cases, fk_officer, management, login):
    assert login(fk_officer).get(reverse("cases:caseload")).status_code == 403
    assert login(management).get(reverse("cases:caseload")).status_code == 403


def test_coordinator_sees_only_their_areas_officers(cases, coordinator, outsider, login):
    body = login(coordinator).get(reverse("cases:caseload")).content.decode()
    assert 'data-officer="fk.sdt"' in body and 'data-officer="fk.ume"' not in body


def test_the_worklist_links_to_the_caseload_for_coordinators_only(coordinator, fk_officer, login):
    link = f'href="{reverse("cases:caseload")}"'
    assert link in login(coordinator).get(reverse("home")).content.decode()
    assert link not in login(fk_officer).get(reverse("home")).content.decode()


def test_the_filter_form_is_written_once_and_follows_the_officers_and_the_address(
    cases, coordinator, area, login
):
    # The form's HTML is kept per process under the language, the officers offered and the
    # address's values (cases.views.worklist._filter_form_html).
    client = login(coordinator)
    first = client.get(reverse("home"), {"phase": "referred"})
    again = client.get(reverse("home"), {"phase": "referred"})
    used = [template.name for template in again.templates]
    assert "includes/form_fields.html" not in used  # not written again
    form_of = lambda response: re.search(  # noqa: E731
        r'<form method="get".*?</form>', response.content.decode(), re.S
    ).group(0)
    assert form_of(again) == form_of(first)
    assert '<option value="referred" selected>' in form_of(again)
    # a new officer of the area is offered on the next page; another address is its own form
    from accounts.tests.factories import staff

    newcomer = staff("fk_officer", areas=[area], username="ny.handlaggare")
    newcomer.first_name, newcomer.last_name = "Nina", "Nykomling"
    newcomer.save()
    assert "Nina Nykomling" in form_of(client.get(reverse("home"), {"phase": "referred"}))
    wrong = client.get(reverse("home"), {"phase": "closed"})
    assert 'id="id_phase_error"' in form_of(wrong)
    assert '<option value="referred" selected>' not in form_of(wrong)
