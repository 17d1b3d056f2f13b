"""Writes for plans and meetings (SPEC §4)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog
from audit.services import access_log_record

from .models import Meeting, PlanVersion


@transaction.atomic
def plan_save(
    *, case, goal: str, activities: str, start_date=None, end_date=None, request=None, user=None
) -> PlanVersion:
    """Each save is a new version; earlier versions stay as they were."""
    from cases.models import Case

    case = Case.objects.select_for_update().get(pk=case.pk)  # serialise version numbers
    if not case.is_open:
        raise ValidationError(_("Planen kan inte ändras i ett avslutat ärende."))
    if not goal.strip():
        raise ValidationError({"goal": _("Beskriv målet.")})
    if not activities.strip():
        raise ValidationError({"activities": _("Beskriv aktiviteterna.")})
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("Slutdatum kan inte ligga före startdatum.")})
    latest = case.plan_versions.aggregate(v=Max("version"))["v"] or 0
    actor = user or (request.user if request is not None else None)
    plan = PlanVersion.objects.create(
        case=case,
        version=latest + 1,
        goal=goal.strip(),
        activities=activities.strip(),
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    access_log_record(
        action=AccessLog.Action.CREATE,
        request=request,
        user=user,
        obj=plan,
        purpose=f"plan version {plan.version}",
    )
    return plan


@transaction.atomic
def meeting_create(
    *,
    person,
    kind: str,
    on: dt.date,
    case=None,
    participants=(),
    notes="",
    request=None,
    user=None,
    today=None,
) -> Meeting:
    today = today or timezone.localdate()
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Välj mötestyp.")})
    if on > today:
        raise ValidationError({"date": _("Registrera mötet när det har hållits.")})
    if case is not None and case.person_id != person.pk:
        raise ValidationError({"case": _("Ärendet hör till en annan person.")})
    actor = user or (request.user if request is not None else None)
    meeting = Meeting.objects.create(
        person=person,
        case=case,
        kind=kind,
        date=on,
        participants=list(participants),
        notes=notes.strip(),
        created_by=actor,
    )
    access_log_record(
        action=AccessLog.Action.CREATE,
        request=request,
        user=user,
        obj=meeting,
        purpose=f"möte {kind}",
    )
    return meeting
