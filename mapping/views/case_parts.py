"""What the mapping app shows on the person and case pages of cases (cases.views.parts): the
individual plan, the interventions and the meetings of a case, the person's joint mappings and
meetings, and the links to the person's overview and to this app's forms. Registered once, in
mapping.apps."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from ..models import ClosingDocument, JointMapping, Participant
from .mapping_common import mapping_status_label, participant_labels


def _interventions(case, today) -> list:
    """The case's interventions in time order: by the day they started, else were planned to
    start, else were registered. Each carries its state as the pages say it today."""
    interventions = list(case.interventions.select_related("moved_from"))
    for intervention in interventions:
        intervention.state = intervention.state_shown(today)
    interventions.sort(
        key=lambda i: (
            i.start_date or i.planned_start or timezone.localdate(i.created_at),
            i.created_at,
            i.pk,
        )
    )
    return interventions


def _opened_by_mapping(case) -> JointMapping | None:
    try:
        return case.mapping  # reverse one-to-one: most cases were not opened by a mapping
    except JointMapping.DoesNotExist:
        return None


def _closing_document(case) -> ClosingDocument | None:
    try:
        return case.closing_document  # reverse one-to-one: none until AF starts writing
    except ClosingDocument.DoesNotExist:
        return None


def case_page(*, request, case, today) -> dict[str, str]:
    plans = list(case.plan_versions.select_related("created_by"))
    meetings = list(case.meetings.select_related("created_by"))
    labels = dict(Participant.choices)
    for meeting in meetings:
        # in the order registered; a code no longer on the list as it was stored
        meeting.participant_labels = [
            str(labels.get(code, code)) for code in meeting.participants or []
        ]
    context = {
        "case": case,
        "person": case.person,
        "plan": plans[0] if plans else None,
        "older_plans": plans[1:],
        "meetings": meetings,
        "interventions": _interventions(case, today),
        "mapping": _opened_by_mapping(case),
        "closing_document": _closing_document(case),
    }
    return {
        "lead_actions": render_to_string("mapping/parts/overview_link.html", context),
        "actions": render_to_string("mapping/parts/case_actions.html", context),
        "summary": render_to_string("mapping/parts/case_summary.html", context),
        "sections": render_to_string("mapping/parts/case_sections.html", context),
    }


def person_page(*, request, person, today) -> dict[str, str]:
    mappings = list(
        person.mappings.visible_to(request.user)
        .select_related("case")
        .order_by("-requested_on", "-id")
    )
    for mapping in mappings:
        mapping.status_label = mapping_status_label(mapping)
    meetings = list(person.meetings.visible_to(request.user).select_related("mapping", "case"))
    for meeting in meetings:
        meeting.participant_labels = participant_labels(meeting.participants)
    context = {
        "person": person,
        "on_person_page": True,
        "mappings": mappings,
        # One open mapping per person, in whichever area (a database constraint).
        "has_open_mapping": person.mappings.open().exists(),
        "meetings": meetings,
    }
    return {
        "lead_actions": render_to_string("mapping/parts/overview_link.html", context),
        "sections": render_to_string("mapping/parts/person_sections.html", context),
    }
