"""The worklist's stored summary of each case (cases.worklist_state) stays what the flags'
declarations give: after each kind of change to what the flags read, made through the services
that make it, the stored summary of every case equals a fresh evaluation of the declarations
(and the change did change the summary, so the check is not idle). The list reads a summary of
today made by the declarations as they are and evaluates any other case; the nightly pass and
the repair command write every summary anew, idempotently. The list read from summaries equals
the list built in Python: cases/tests/test_worklist_sql.py; the imports: imports/tests/
test_worklist_summary.py."""

import datetime as dt
import io

import pytest
from django.contrib.admin.sites import AdminSite
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from cases.admin import RuleSetAdmin
from cases.models import Case, CaseWorklistState, Phase, RuleSet
from cases.services import case_open, case_transition, case_update, flag_dismiss
from cases.tasks import worklist_summaries_refresh
from cases.tests.factories import CaseFactory, PersonFactory
from cases.worklist_query import WorklistRows
from cases.worklist_state import listable_cases, refresh, refresh_all, summaries
from mapping.services import (
    closing_document_confirm,
    closing_document_save,
    intervention_create,
    intervention_end,
    intervention_start,
    mapping_create,
    mapping_update,
    meeting_create,
    meeting_update,
    plan_save,
)
from samverkan.services import AccessContext

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


def ctx(user):
    return AccessContext.for_user(user)


def stored() -> dict[int, dict]:
    return {
        row.pop("case_id"): row
        for row in CaseWorklistState.objects.values(
            "case_id", *[f.name for f in CaseWorklistState._meta.concrete_fields][1:]
        )
    }


class Watch:
    """After each step: every case the list can show has a stored summary, every stored summary
    equals the declarations', and the step changed the summary of the case it concerns."""

    def __init__(self):
        self.last = {}

    def check(self, step: str, case_id: int) -> None:
        expected, got = summaries(Case.objects.all()), stored()
        # every case the list can show has one, and each stored is the declarations'
        assert set(listable_cases().values_list("pk", flat=True)) <= set(got), step
        assert got == {pk: expected[pk] for pk in got}, step
        assert expected[case_id] != self.last.get(case_id), f"{step}: nothing changed"
        self.last = expected


def test_after_each_change_through_the_services_the_summary_is_the_declarations(
    area, fk_officer, af_officer
):
    watch = Watch()
    fk, af = ctx(fk_officer), ctx(af_officer)
    anna, bo = PersonFactory(area=area), PersonFactory(area=area)

    # a case referred to the preparation group: the needs analysis is due
    case = case_open(
        person=anna,
        referral_date=days_ago(20),
        fk_officer=fk_officer,
        af_officer=af_officer,
        context=fk,
    )
    watch.check("case_open", case.pk)
    # FK's facts: a sick-leave case, return to the employer unlikely, the benefit ending
    case = case_update(
        case=case,
        expected_version=case.version,
        data={
            "benefit": "sjukpenning",
            "benefit_end_date": TODAY() + dt.timedelta(days=90),
            "sick_leave_start": days_ago(100),
            "return_unlikely_before_181": True,
        },
        context=fk,
    )
    watch.check("case_update", case.pk)
    case = case_transition(case=case, to_phase=Phase.NEEDS_ANALYSIS, on=days_ago(12), context=fk)
    watch.check("case_transition: start", case.pk)
    meeting = meeting_create(person=anna, case=case, kind="kontaktmote", on=days_ago(5), context=af)
    watch.check("meeting_create", case.pk)
    meeting_update(
        meeting=meeting,
        expected_version=meeting.version,
        data={"kind": "follow_up", "date": days_ago(2)},  # no kontaktmöte after all
        context=af,
    )
    watch.check("meeting_update", case.pk)
    plan_save(case=case, goal="Arbete.", activities="Arbetsprövning.", context=af)
    watch.check("plan_save", case.pk)
    planned = intervention_create(
        case=case, kind="wellness", provider="AF", hours_per_week=6, goal="Orka.", context=af
    )
    watch.check("intervention_create", case.pk)
    started = intervention_start(
        intervention=planned, expected_version=planned.version, on=days_ago(4), context=af
    )
    intervention_end(
        intervention=started,
        expected_version=started.version,
        on=days_ago(1),
        outcome="partly_reached",
        context=af,
    )
    watch.check("intervention_start, intervention_end", case.pk)

    # a second person: a joint mapping considered, a suggestion marked not relevant
    other = case_open(
        person=bo,
        phase=Phase.NEEDS_ANALYSIS,
        start_date=days_ago(30),
        benefit="sjukpenning",
        benefit_end_date=TODAY() + dt.timedelta(days=60),
        sick_leave_start=days_ago(150),
        fk_officer=fk_officer,
        af_officer=af_officer,
        context=fk,
    )
    watch.check("case_open: needs analysis", other.pk)
    mapping = mapping_create(
        person=bo,
        initiated_by="FK",
        initiation_reason="Svårt att återgå.",
        requested_on=days_ago(2),
        request_received_on=days_ago(1),
        participants=["person", "FK"],
        context=fk,
    )
    watch.check("mapping_create", other.pk)
    mapping_update(
        mapping=mapping,
        expected_version=mapping.version,
        data={"requested_on": days_ago(40)},
        context=fk,
    )
    watch.check("mapping_update", other.pk)
    other.refresh_from_db()
    case_update(
        case=other,
        expected_version=other.version,
        data={"return_unlikely_before_181": True},
        context=fk,
    )
    watch.check("case_update: a kontaktmöte called for", other.pk)
    flag_dismiss(case=other, code="contact_meeting_due", reason="Har redan träffats.", context=fk)
    watch.check("flag_dismiss", other.pk)

    # the case closes: the closing documentation is due, then confirmed
    case.refresh_from_db()
    case = case_transition(
        case=case, to_phase=Phase.CLOSED, on=TODAY(), exit_reason="completed", context=fk
    )
    watch.check("case_transition: closed", case.pk)
    text = {
        "done": "Arbetsprövning.",
        "result": "Arbetar deltid.",
        "situation_at_end": "Inskriven.",
        "recommendations": "Matchning.",
    }
    document = closing_document_save(
        case=case, expected_version=None, data=text, submit=True, context=af
    )
    closing_document_confirm(document=document, expected_version=document.version, context=fk)
    watch.check("closing_document_confirm", case.pk)


def test_a_changed_rule_set_drops_every_summary_and_the_list_evaluates(
    area, fk_officer, coordinator, admin_user
):
    for n in range(3):
        case_open(
            person=PersonFactory(area=area),
            referral_date=days_ago(10 + n),
            fk_officer=fk_officer,
            context=ctx(fk_officer),
        )
    assert CaseWorklistState.objects.count() == 3
    before = WorklistRows(
        user=coordinator, cases=listable_cases(), today=TODAY(), sort="deadline"
    ).page_ids(0, 50)

    rules = RuleSet.objects.order_by("valid_from").first()
    rules.prep_to_start_days = 5
    request = RequestFactory().post("/")
    request.user = admin_user
    RuleSetAdmin(RuleSet, AdminSite()).save_model(request, rules, form=None, change=True)

    assert CaseWorklistState.objects.count() == 0
    listed = WorklistRows(user=coordinator, cases=listable_cases(), today=TODAY(), sort="deadline")
    assert listed.page_ids(0, 50) == before  # the same cases, all now overdue
    assert listed.overdue_count == 3


def test_only_a_summary_of_today_by_the_declarations_as_they_are_is_read(area, coordinator):
    early, late = (
        CaseFactory(
            person=PersonFactory(area=area),
            phase=Phase.REFERRED,
            referral_date=days_ago(days),
            start_date=None,
        )
        for days in (12, 2)
    )
    cases = listable_cases()

    def order():
        return WorklistRows(user=coordinator, cases=cases, today=TODAY(), sort="deadline")

    assert order().page_ids(0, 10) == [early.pk, late.pk]
    refresh(cases)
    assert order().page_ids(0, 10) == [early.pk, late.pk]
    # a summary saying otherwise is read when it is of today and of these declarations ...
    CaseWorklistState.objects.filter(case=early).update(
        nearest_shown=TODAY() + dt.timedelta(days=99),
        nearest_hidden=TODAY() + dt.timedelta(days=99),
    )
    assert order().page_ids(0, 10) == [late.pk, early.pk]
    # ... and not when it is of another day, or made by other rules
    CaseWorklistState.objects.filter(case=early).update(day=days_ago(1))
    assert order().page_ids(0, 10) == [early.pk, late.pk]
    CaseWorklistState.objects.filter(case=early).update(day=TODAY(), rules_key="other")
    assert order().page_ids(0, 10) == [early.pk, late.pk]


def test_the_nightly_pass_and_the_command_write_every_summary_anew_idempotently(area, fk_officer):
    shown = [CaseFactory(person=PersonFactory(area=area)) for _ in range(3)]
    done = CaseFactory(
        person=PersonFactory(area=area),
        phase=Phase.CLOSED,
        start_date=days_ago(300),
        end_date=days_ago(100),
        closing_doc_date=days_ago(90),
    )
    # yesterday's summaries, one of them wrong, and one of a case the list no longer shows
    refresh(listable_cases(), today=days_ago(1))
    refresh(Case.objects.filter(pk=done.pk), today=days_ago(1))
    CaseWorklistState.objects.filter(case=shown[0]).update(overdue_shown=True, flags_shown=["x"])

    assert worklist_summaries_refresh.apply().get() == {"written": 3, "dropped": 1}
    expected = summaries(listable_cases())
    assert stored() == expected and {row["day"] for row in expected.values()} == {TODAY()}
    assert done.pk not in stored()

    # a second pass writes nothing: it leaves what was written today (by a service, say) ...
    assert worklist_summaries_refresh.apply().get() == {"written": 0, "dropped": 0}
    # ... the repair writes every summary anew
    CaseWorklistState.objects.filter(case=shown[1]).update(nearest_shown=days_ago(400))
    call_command("worklist_summaries", stdout=io.StringIO())
    call_command("worklist_summaries", stdout=io.StringIO())
    assert stored() == expected
    assert refresh_all() == {"written": 3, "dropped": 0}
    assert stored() == expected
