"""Writes of meetings (SPEC §4). A meeting within a joint mapping dates the mapping's first
meeting (a registration point, SPEC §3) and adds its participants to the mapping's. A meeting of
employer consultation (konsultativt stöd) records its goal, what the employer started and its
follow-up (`CONSULTATION_FIELDS`); no other kind of meeting has those."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from audit.models import AccessLog
from cases.worklist_state import persons_changed
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    require_not_future,
    require_plausible,
    save_logged,
    save_new_version,
    today_or,
)

from ..models import (
    CONSULTATION_FIELDS,
    ConsultationGoal,
    EmployerMeasure,
    FollowUpResult,
    JointMapping,
    Meeting,
)
from ._common import clean_participants
from .mappings import _clear_signatures

MEETING_FIELDS = ("kind", "date", "participants", "notes", *CONSULTATION_FIELDS)
TEXT_FIELDS = ("notes", "employer_name", "employer_measures_notes", "follow_up_notes")


def _clean_value(field: str, value):
    if field in TEXT_FIELDS or field in ("consultation_goal", "follow_up_result"):
        return (value or "").strip()
    if field == "employer_measures":
        codes = list(value or [])
        unknown = [c for c in codes if c not in EmployerMeasure.values]
        if unknown:
            raise ValidationError(
                {"employer_measures": _("Okänd åtgärd: %(c)s.") % {"c": ", ".join(unknown)}}
            )
        return [c for c in EmployerMeasure.values if c in set(codes)]
    if field == "participants":
        return clean_participants("participants", value)
    return value


def _check_consultation(meeting: Meeting, today: dt.date) -> None:
    """The goal and follow-up of an employer consultation; nothing of them on other meetings."""
    if not meeting.is_employer_consultation:
        filled = [f for f in CONSULTATION_FIELDS if getattr(meeting, f) not in (None, "", [])]
        if filled:
            raise ValidationError(
                {filled[0]: _("Fylls bara i för mötestypen Konsultativt stöd till arbetsgivare.")}
            )
        return
    if meeting.consultation_goal not in ConsultationGoal.values:
        raise ValidationError({"consultation_goal": _("Ange målet med det konsultativa stödet.")})
    if meeting.follow_up_on is None:
        raise ValidationError({"follow_up_on": _("Ange när stödet ska följas upp.")})
    require_plausible(follow_up_on=meeting.follow_up_on)
    if meeting.follow_up_on < meeting.date:
        raise ValidationError({"follow_up_on": _("Uppföljningen kan inte ligga före mötet.")})
    if meeting.follow_up_result:
        if meeting.follow_up_result not in FollowUpResult.values:
            raise ValidationError({"follow_up_result": _("Välj uppföljningens resultat.")})
        if meeting.follow_up_on > today:
            raise ValidationError(
                {
                    "follow_up_result": _(
                        "Registrera resultatet när uppföljningen har gjorts (den är planerad "
                        "%(day)s)."
                    )
                    % {"day": meeting.follow_up_on.isoformat()}
                }
            )


def _check_links(*, person, case, mapping, on: dt.date, today: dt.date):
    if on is None:
        raise ValidationError({"date": _("Ange datum.")})
    require_not_future("date", on, today, _("Registrera mötet när det har hållits."))
    if case is not None and case.person_id != person.pk:
        raise ValidationError({"case": _("Ärendet hör till en annan person.")})
    if mapping is not None:
        if mapping.person_id != person.pk:
            raise ValidationError({"mapping": _("Kartläggningen hör till en annan person.")})
        if mapping.requested_on and on < mapping.requested_on:
            raise ValidationError(
                {
                    "date": _("Mötet kan inte ligga före begäran om kartläggning (%(d)s).")
                    % {"d": mapping.requested_on}
                }
            )
        if mapping.decision_date and on > mapping.decision_date:
            # The mapping ends on its decision date: later meetings belong to the person or
            # the case.
            raise ValidationError(
                {
                    "date": _(
                        "Kartläggningens beslut är daterat %(d)s; registrera senare möten på "
                        "personen eller ärendet."
                    )
                    % {"d": mapping.decision_date}
                }
            )


def _sync_mapping(mapping: JointMapping, *, dropped=(), context):
    """The mapping's first meeting is its earliest meeting; its participants include everyone
    who took part in any of its meetings (`dropped`: codes just removed from a meeting, which
    leave the mapping unless another meeting still has them). While a decision is pending, any
    meeting write clears the confirmations and makes a new version of the mapping, so nobody
    confirms a mapping whose meetings changed after they read it (ADR 0008)."""
    current = JointMapping.objects.select_for_update().get(pk=mapping.pk)
    meetings = current.meetings.all()
    first = meetings.aggregate(first=Min("date"))["first"]
    in_meetings = set()
    for codes in meetings.values_list("participants", flat=True):
        in_meetings.update(codes)
    people = (set(current.participants) - set(dropped)) | in_meetings
    participants = clean_participants("participants", people)
    changed = []
    if first != current.first_meeting_on:
        current.first_meeting_on = first
        changed.append("first_meeting_on")
    if participants != current.participants:
        current.participants = participants
        changed.append("participants")
    if current.decision_pending:
        changed += _clear_signatures(current) or ["meetings"]
    if changed:
        save_new_version(current, changed, context=context)


@transaction.atomic
def meeting_create(
    *,
    person,
    kind: str,
    on: dt.date,
    case=None,
    mapping=None,
    participants=(),
    notes="",
    consultation: dict | None = None,
    context: AccessContext,
    today=None,
) -> Meeting:
    """Register a meeting that has been held. `consultation`: the CONSULTATION_FIELDS of an
    employer consultation."""
    today = today_or(today)
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Välj mötestyp.")})
    if mapping is not None:
        mapping = JointMapping.objects.select_for_update().get(pk=mapping.pk)
        if not mapping.is_open:
            raise ValidationError(
                {"mapping": _("Kartläggningen är avslutad; registrera mötet på personen.")}
            )
    _check_links(person=person, case=case, mapping=mapping, on=on, today=today)
    meeting = Meeting(
        person=person,
        case=case,
        mapping=mapping,
        kind=kind,
        date=on,
        participants=clean_participants("participants", participants),
        notes=(notes or "").strip(),
        created_by=actor(context),
    )
    for field, value in (consultation or {}).items():
        if field not in CONSULTATION_FIELDS:
            raise ValueError(f"{field} is not part of an employer consultation")
        setattr(meeting, field, _clean_value(field, value))
    _check_consultation(meeting, today)
    save_logged(meeting, context=context, action=AccessLog.Action.CREATE, purpose=f"möte {kind}")
    if mapping is not None:
        _sync_mapping(mapping, context=context)
    # the flags read the person's kontaktmöten and the case's last meeting
    persons_changed([meeting.person_id])
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    expected_version: int | None,
    data: dict,
    context: AccessContext,
    today=None,
) -> Meeting:
    """Correct a registered meeting (kind, date, participants, notes, and an employer
    consultation's goal, measures and follow-up)."""
    today = today_or(today)
    current = lock_for_update(Meeting, meeting.pk, expected_version)
    if current.mapping_id and current.mapping.ended_on:
        raise ValidationError(_("Kartläggningen är avslutad; dess möten kan inte ändras."))
    changed = []
    before = set(current.participants)
    for field, value in data.items():
        if field not in MEETING_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        if field == "kind" and value not in Meeting.Kind.values:
            raise ValidationError({"kind": _("Välj mötestyp.")})
        value = _clean_value(field, value)
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    _check_links(
        person=current.person,
        case=current.case,
        mapping=current.mapping,
        on=current.date,
        today=today,
    )
    _check_consultation(current, today)
    save_new_version(current, changed, context=context)
    if current.mapping_id:
        _sync_mapping(
            current.mapping,
            dropped=before - set(current.participants),
            context=context,
        )
    persons_changed([current.person_id])
    return current
