"""Helpers of the joint-mapping and meeting pages: lookups with access logging, labels, the
decision summary and the change history."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.access import get_visible_or_404
from cases.access import log_person_access
from samverkan.display import display_value, user_label
from samverkan.history import HistorySource, history_rows
from samverkan.views import stored_rows

from ..models import (
    CONSULTATION_FIELDS,
    AgencyCode,
    Decision,
    EmployerMeasure,
    JointMapping,
    Meeting,
    Participant,
    participants_in_order,
)
from ..selectors import mapping_list_visible_to, meeting_list_visible_to

# --- shared helpers ---------------------------------------------------------------------------


def participant_labels(codes) -> list[str]:
    return [str(Participant(code).label) for code in participants_in_order(codes or [])]


def mapping_status_label(mapping: JointMapping) -> str:
    """Where the mapping stands: the waiting state and registration points of SPEC §3."""
    if not mapping.is_open:
        return _("Avslutad")
    if mapping.decision_pending:
        return _("Beslut väntar på bekräftelse")
    if mapping.waiting_for_first_meeting:
        return _("Väntar på första möte")
    return _("Pågår")


def _mapping(request, pk) -> tuple[JointMapping, str]:
    mapping = get_visible_or_404(
        request=request,
        queryset=mapping_list_visible_to(user=request.user),
        pk=pk,
        object_type="jointmapping",
    )
    purpose = log_person_access(request=request, obj=mapping, person=mapping.person)
    return mapping, purpose


def _meeting(request, pk) -> tuple[Meeting, str]:
    meeting = get_visible_or_404(
        request=request,
        queryset=meeting_list_visible_to(user=request.user).select_related("mapping", "case"),
        pk=pk,
        object_type="meeting",
    )
    purpose = log_person_access(request=request, obj=meeting, person=meeting.person)
    return meeting, purpose


def _mapping_page_context(mapping: JointMapping, **extra) -> dict:
    return {
        "subject": _("%(mapping)s – %(name)s, %(status)s")
        % {
            "mapping": mapping,
            "name": mapping.person.full_name,
            "status": mapping_status_label(mapping).lower(),
        },
        "cancel_url": reverse("mapping:mapping_detail", args=[mapping.pk]),
        **extra,
    }


def _value(field, value) -> str:
    """A stored value as the mapping pages show it (participants as words, times local)."""
    if field.name == "participants":
        return ", ".join(participant_labels(value)) or "–"
    if field.name == "employer_measures":
        labels = dict(EmployerMeasure.choices)
        return ", ".join(str(labels.get(code, code)) for code in value or []) or "–"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return display_value(field, value)


def _stored(obj, form) -> list[dict]:
    """The "Nu sparat" panel (samverkan.views.stored_rows), with participants compared as a set."""
    rows = stored_rows(obj, form)
    typed = getattr(form, "cleaned_data", {})
    names = [name for name in form.fields if name != "version"]
    for name, row in zip(names, rows, strict=True):
        if name == "participants":
            stored = participants_in_order(obj.participants or [])
            row["value"] = ", ".join(participant_labels(stored)) or "–"
            row["differs"] = name in typed and participants_in_order(typed[name]) != stored
        elif name == "employer_measures":
            row["value"] = _value(obj._meta.get_field(name), obj.employer_measures)
    return rows


def _agency_label(code: str) -> str:
    return str(AgencyCode(code).label)


def _sign_refusal(user, mapping: JointMapping) -> str | None:
    """Why this user cannot confirm the decision now, or None. For the page only: the rule is
    `mapping_sign`'s, which refuses on its own whatever the page showed."""
    if not mapping.decision_pending:
        return (
            _("Kartläggningen är avslutad.")
            if not mapping.is_open
            else _("Det finns inget beslut att bekräfta.")
        )
    scope = scope_for(user)
    agency = scope.agency_code
    if not (scope.is_officer and scope.case_access and agency in AgencyCode.values):
        return _(
            "Beslutet bekräftas av en handläggare på Försäkringskassan och en på "
            "Arbetsförmedlingen i kartläggningens område."
        )
    if mapping.signed_by_agency(agency):
        return _("Beslutet är redan bekräftat för din myndighet.")
    named = mapping.fk_officer_id if agency == AgencyCode.FK else mapping.af_officer_id
    if named is not None and named != user.pk:
        return _("Kartläggningens handläggare på din myndighet bekräftar beslutet.")
    return None


def _confirmations(mapping: JointMapping) -> list[dict]:
    rows = []
    for agency, officer, signer, signed_at in (
        (AgencyCode.FK, mapping.fk_officer, mapping.fk_signed_by, mapping.fk_signed_at),
        (AgencyCode.AF, mapping.af_officer, mapping.af_signed_by, mapping.af_signed_at),
    ):
        rows.append(
            {
                "agency": agency.label,
                "signed": signed_at is not None,
                "by": user_label(signer) if signer else "",
                "at": signed_at,
                "officer": user_label(officer) if officer else "",
            }
        )
    return rows


def _decision_summary(mapping: JointMapping) -> dict | None:
    if not mapping.decision:
        return None
    active = mapping.decision == Decision.JOINT_ACTIVE_SUPPORT
    return {
        "label": mapping.get_decision_display(),
        "reason": mapping.decision_reason,
        "date": mapping.decision_date,
        "active": active,
        "target_group": mapping.get_case_target_group_display() if active else "",
        "phase": mapping.get_case_phase_display() if active else "",
        "case_date": mapping.case_date if active else None,
        "pending": mapping.decision_pending,
        "confirmations": _confirmations(mapping),
    }


# --- change history ---------------------------------------------------------------------------

MAPPING_HISTORY_FIELDS = (
    "initiated_by",
    "initiation_reason",
    "requested_on",
    "request_received_on",
    "first_meeting_on",
    "ended_on",
    "fk_officer",
    "af_officer",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
    "participants",
    "rough_plan",
    "decision",
    "decision_reason",
    "decision_date",
    "case_target_group",
    "case_phase",
    "case_date",
    "fk_signed_by",
    "fk_signed_at",
    "af_signed_by",
    "af_signed_at",
    "case",
)
MEETING_HISTORY_FIELDS = ("kind", "date", "participants", "notes", *CONSULTATION_FIELDS)


def _mapping_history(mapping: JointMapping, hidden: frozenset[str]) -> list[dict]:
    """The changes of the mapping and its meetings (SPEC §7), without the fields the reader may
    not see (cases.secrecy)."""
    return history_rows(
        HistorySource(
            records=mapping.history.select_related(
                "fk_officer", "af_officer", "fk_signed_by", "af_signed_by", "case"
            ),
            fields=[f for f in MAPPING_HISTORY_FIELDS if f not in hidden],
            label=lambda r: _("Kartläggning"),
            show=_value,
        ),
        HistorySource(
            records=Meeting.history.filter(mapping_id=mapping.pk),
            fields=MEETING_HISTORY_FIELDS,
            label=lambda r: _("Möte %(day)s") % {"day": r.date.isoformat()},
            show=_value,
        ),
    )
