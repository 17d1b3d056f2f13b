"""The case page: facts, flags, phases, situations, change history, and what the apps above
cases show on it (the plan, interventions and meetings: cases.views.parts)."""

from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.scoping import scope_for
from samverkan.dates import days_between
from samverkan.display import display_value
from samverkan.history import HistorySource, history_rows

from .. import services
from ..deviations import case_deviations
from ..flags import (
    benefit_ends_priority,
    case_flag_inputs,
    case_flags,
    is_young,
    rules_for,
)
from ..models import Case, FlagDismissal, Phase, Situation, StatusEntry
from ..secrecy import AF_FIELDS, FK_FIELDS, hidden_case_fields
from .pages import case_for_page, field_label, reason_required
from .parts import case_page_parts

CASE_FACTS = (
    "fk_officer",
    "af_officer",
    "target_group",
    "referral_date",
    "start_date",
    "end_date",
    "exit_reason",
    "closing_doc_date",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
    "return_unlikely_before_181",
)
CASE_HISTORY_FIELDS = ("phase", "area", *CASE_FACTS, "fk_notes", "af_notes")
PERSON_HISTORY_FIELDS = (
    # Never the personnummer here: the full number is shown on the person page only.
    "first_name",
    "last_name",
    "area",
    "born_abroad",
    "education_level",
    "disability",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protected_identity",
)
STATUS_HISTORY_FIELDS = ("date", "code", "note")


def _history(*, case: Case, hidden: frozenset[str]) -> list[dict]:
    """The changes of the case, its person, the person's status entries and the case's
    situations (SPEC §7). Fields the reader may not see are never shown (cases.secrecy)."""
    return history_rows(
        HistorySource(
            records=case.history.select_related("fk_officer", "af_officer", "area"),
            fields=[f for f in CASE_HISTORY_FIELDS if f not in hidden],
            label=lambda r: _("Ärende"),
        ),
        HistorySource(
            records=case.person.history.select_related("area"),
            fields=PERSON_HISTORY_FIELDS,
            label=lambda r: _("Deltagare"),
        ),
        HistorySource(
            records=StatusEntry.history.filter(person_id=case.person_id).select_related("code"),
            fields=STATUS_HISTORY_FIELDS,
            label=lambda r: _("Statuspost %(day)s") % {"day": r.date.isoformat()},
        ),
        HistorySource(
            records=FlagDismissal.history.filter(case_id=case.pk).select_related("by"),
            fields=("code", "reason"),
            label=lambda r: _("Förslag"),
            kinds={"+": _("Markerat inte aktuellt"), "-": _("Visas igen")},
        ),
        HistorySource(
            records=Situation.history.filter(case_id=case.pk),
            fields=services.SITUATION_FIELDS,
            label=lambda r: (
                _("Situation: %(moment)s") % {"moment": Situation.Moment(r.moment).label}
            ),
        ),
    )


def next_phases(case: Case) -> list[tuple[str, str]]:
    """The phases the case may move to now (closing has its own page)."""
    return [(p.value, p.label) for p in Phase if p != Phase.CLOSED and case.can_move_to(p)]


def _situation_rows(case: Case) -> list[dict]:
    situations = {s.moment: s for s in case.situations.all()}
    fields = [Situation._meta.get_field(name) for name in services.SITUATION_FIELDS]
    rows = []
    for moment in Situation.Moment:
        situation = situations.get(moment.value)
        rows.append(
            {
                "moment": moment,
                "url": reverse(f"cases:situation_{moment.value}", args=[case.pk]),
                "values": [
                    (capfirst(f.verbose_name), display_value(f, getattr(situation, f.name)))
                    for f in fields
                    if not (moment == Situation.Moment.END and f.name == "public_support_months")
                ]
                if situation
                else None,
            }
        )
    return rows


@reason_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk):
    # POST reaches the access check, so that an outsider's POST answers 404 like their GET;
    # the page itself only shows.
    today = timezone.localdate()
    case, purpose = case_for_page(request, pk, flag_inputs_on=today)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    # A case given to this officer leaves their to-do list once they open it.
    services.assignments_seen(case=case, user=request.user)
    person = case.person
    hidden = hidden_case_fields(user=request.user, person=person, on=today)
    rules = rules_for(case)
    inputs = case_flag_inputs([case])[case.pk]
    flags = case_flags(case, today=today, rules=rules, hidden=hidden, **inputs)
    facts = [
        (field_label(Case, name), display_value(Case._meta.get_field(name), getattr(case, name)))
        for name in CASE_FACTS
        if name not in hidden
    ]
    notes = [
        (field_label(Case, name), getattr(case, name))
        for name in ("fk_notes", "af_notes")
        if name not in hidden
    ]
    scope = scope_for(request.user)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "person": person,
            "purpose": purpose,
            "anonymous": person.is_anonymous_on(today),
            "facts": facts,
            "notes": notes,
            "fk_hidden": bool(hidden & FK_FIELDS),
            "af_hidden": bool(hidden & AF_FIELDS),
            "flags": flags,
            "deviations": case_deviations(case, today=today, rules=rules, hidden=hidden, **inputs),
            "dismiss_url_case": case.pk if case.is_open else None,
            "young": is_young(case, rules, today),
            "young_max_age": rules.young_max_age,
            "benefit_ends": "benefit_ends_priority" not in hidden
            and benefit_ends_priority(case, rules),
            "day_number": days_between(case.start_date, case.end_date or today)
            if case.start_date
            else None,
            "transitions": list(case.transitions.select_related("by")),
            "situations": _situation_rows(case),
            "parts": case_page_parts(request=request, case=case, today=today),
            "can_change_phase": case.is_open and bool(next_phases(case)),
            "can_move": case.is_open and scope.area_wide,
        },
    )


@reason_required
@require_safe
def case_history(request, pk):
    """The case's change history on a page of its own (SPEC §7): the case, its person, the
    person's status entries, the suggestions marked not relevant and the situations. Read when
    a change is in question, so the case page, opened many times a day, links to it instead of
    reading five histories each time. Scoped and logged as the case page is."""
    case, purpose = case_for_page(request, pk)
    today = timezone.localdate()
    hidden = hidden_case_fields(user=request.user, person=case.person, on=today)
    return render(
        request,
        "cases/case_history.html",
        {
            "case": case,
            "person": case.person,
            "purpose": purpose,
            "anonymous": case.person.is_anonymous_on(today),
            "history": _history(case=case, hidden=hidden),
        },
    )
