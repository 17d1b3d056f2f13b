"""The case page: facts, flags, timeline, plans, meetings and change history."""

from __future__ import annotations

from django.db import models
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from mapping.models import JointMapping
from mapping.selectors import suggestion_facts
from samverkan.dates import days_between

from .. import selectors, services
from ..flags import OVERDUE, WARNING, benefit_ends_priority, case_flags, is_young, rules_for
from ..forms import (
    MEETING_PARTICIPANTS,
    user_label,
)
from ..models import Case, Person, Phase, Situation, StatusEntry
from ..secrecy import AF_FIELDS, FK_FIELDS, hidden_case_fields
from ._common import (
    _case,
    _label,
    _reason_redirect,
    display_value,
)

# --- the case page ----------------------------------------------------------------------------

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


def _history_value(field, record):
    if isinstance(field, models.ForeignKey):
        try:
            value = getattr(record, field.name)
        except field.related_model.DoesNotExist:
            return "–"
    else:
        value = getattr(record, field.attname)
    return display_value(field, value)


def _history_rows(*, case: Case, hidden: frozenset[str]) -> list[dict]:
    """Who changed what, old → new, for the case, its person, the person's status entries and
    the case's situations (SPEC §7). Fields the reader may not see are never shown, and a change
    of only such fields is left out altogether (its date alone would reveal it)."""
    person = case.person
    sources = [
        (
            case.history.select_related("history_user", "fk_officer", "af_officer", "area"),
            Case,
            [f for f in CASE_HISTORY_FIELDS if f not in hidden],
            lambda r: _("Ärende"),
        ),
        (
            person.history.select_related("history_user", "area"),
            Person,
            list(PERSON_HISTORY_FIELDS),
            lambda r: _("Deltagare"),
        ),
        (
            StatusEntry.history.filter(person_id=person.pk).select_related("history_user", "code"),
            StatusEntry,
            list(STATUS_HISTORY_FIELDS),
            lambda r: _("Statuspost %(day)s") % {"day": r.date.isoformat()},
        ),
        (
            Situation.history.filter(case_id=case.pk).select_related("history_user"),
            Situation,
            list(services.SITUATION_FIELDS),
            lambda r: _("Situation: %(moment)s") % {"moment": Situation.Moment(r.moment).label},
        ),
    ]
    kinds = {"+": _("Registrerad"), "~": _("Ändrad"), "-": _("Borttagen")}
    rows = []
    for queryset, model, names, object_label in sources:
        fields = [model._meta.get_field(name) for name in names]
        previous = {}
        for record in queryset.order_by("history_date", "history_id"):
            before = previous.get(record.id)
            previous[record.id] = record
            if record.history_type == "~" and before is not None:
                delta = record.diff_against(before, included_fields=names)
                changed = {change.field for change in delta.changes}
                changes = [
                    (capfirst(f.verbose_name), _history_value(f, before), _history_value(f, record))
                    for f in fields
                    if f.name in changed
                ]
                if not changes:
                    continue
            elif record.history_type == "+":
                # What it was registered with; empty values and unticked boxes say nothing.
                changes = [
                    (capfirst(f.verbose_name), "–", _history_value(f, record))
                    for f in fields
                    if getattr(record, f.attname) not in (None, "")
                    and not (
                        isinstance(f, models.BooleanField)
                        and not f.null
                        and not getattr(record, f.attname)
                    )
                ]
            else:
                changes = []
            rows.append(
                {
                    "when": record.history_date,
                    "who": user_label(record.history_user) if record.history_user else "–",
                    "object": object_label(record),
                    "kind": kinds.get(record.history_type, record.history_type),
                    "changes": changes,
                }
            )
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows


def _interventions(case: Case, today) -> list:
    """The case's interventions in time order: by the day they started, else were planned to
    start, else were registered. Each carries its state as the pages say it today."""
    # Imported here: mapping.views imports cases.views, whose package imports this module.
    from mapping.views.interventions import intervention_state

    interventions = list(case.interventions.select_related("moved_from"))
    for intervention in interventions:
        intervention.state = intervention_state(intervention, today)
    interventions.sort(
        key=lambda i: (
            i.start_date or i.planned_start or timezone.localdate(i.created_at),
            i.created_at,
            i.pk,
        )
    )
    return interventions


def _opened_by_mapping(case: Case) -> JointMapping | None:
    try:
        return case.mapping  # reverse one-to-one: most cases were not opened by a mapping
    except JointMapping.DoesNotExist:
        return None


def _next_phases(case: Case) -> list[tuple[str, str]]:
    return [(p.value, p.label) for p in Phase if p != Phase.CLOSED and case.can_move_to(p)]


@_reason_redirect
def case_detail(request, pk):
    case, purpose = _case(request, pk)
    today = timezone.localdate()
    person = case.person
    hidden = hidden_case_fields(user=request.user, person=person, on=today)
    rules = rules_for(case)
    plans = list(case.plan_versions.select_related("created_by"))
    meetings = list(case.meetings.select_related("created_by"))
    participant_labels = dict(MEETING_PARTICIPANTS)
    for meeting in meetings:
        meeting.participant_labels = [
            str(participant_labels.get(code, code)) for code in meeting.participants or []
        ]
    flags = case_flags(
        case,
        today=today,
        rules=rules,
        has_plan=bool(plans),
        last_follow_up=selectors.last_follow_ups([case.pk]).get(case.pk),
        hidden=hidden,
        **suggestion_facts([case])[case.pk],
    )
    facts = [
        (_label(Case, name), display_value(Case._meta.get_field(name), getattr(case, name)))
        for name in CASE_FACTS
        if name not in hidden
    ]
    notes = [
        (_label(Case, name), getattr(case, name))
        for name in ("fk_notes", "af_notes")
        if name not in hidden
    ]
    situations = {s.moment: s for s in case.situations.all()}
    situation_fields = [Situation._meta.get_field(name) for name in services.SITUATION_FIELDS]
    situation_rows = []
    for moment in Situation.Moment:
        situation = situations.get(moment.value)
        situation_rows.append(
            {
                "moment": moment,
                "url": reverse(f"cases:situation_{moment.value}", args=[case.pk]),
                "values": [
                    (capfirst(f.verbose_name), display_value(f, getattr(situation, f.name)))
                    for f in situation_fields
                    if not (moment == Situation.Moment.END and f.name == "public_support_months")
                ]
                if situation
                else None,
            }
        )
    scope = scope_for(request.user)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "person": person,
            "purpose": purpose,
            "anonymous": person.protected_identity,
            "facts": facts,
            "notes": notes,
            "fk_hidden": bool(hidden & FK_FIELDS),
            "af_hidden": bool(hidden & AF_FIELDS),
            "flags": flags,
            "OVERDUE": OVERDUE,
            "WARNING": WARNING,
            "young": is_young(case, rules, today),
            "young_max_age": rules.young_max_age,
            "benefit_ends": "benefit_ends_priority" not in hidden
            and benefit_ends_priority(case, rules),
            "day_number": days_between(case.start_date, case.end_date or today)
            if case.start_date
            else None,
            "transitions": list(case.transitions.select_related("by")),
            "situations": situation_rows,
            "plan": plans[0] if plans else None,
            "older_plans": plans[1:],
            "meetings": meetings,
            "interventions": _interventions(case, today),
            "mapping": _opened_by_mapping(case),
            "history": _history_rows(case=case, hidden=hidden),
            "can_change_phase": case.is_open and bool(_next_phases(case)),
            "can_move": case.is_open and scope.area_wide,
        },
    )
