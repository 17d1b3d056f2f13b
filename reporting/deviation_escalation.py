"""Escalated deviation reports (issue 20): the area's management group escalates an open report
to the regional managers (FK's verksamhetsområdeschef, AF's marknadschef), and the dialogue they
hold with the local managers is recorded on it (handlingsplan 2010: "En gemensam dialog ska
föras mellan verksamhetsområdeschef och marknadschef samt lokala chefer kring avvikelsen").
Writes go through these services, as reporting.deviations'."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.models import AccessLog
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    require_not_future,
    save_logged,
    save_new_version,
    today_or,
)

from .deviations import _require
from .models import DeviationDialogue, DeviationReport


def may_record_dialogue(user, report: DeviationReport) -> bool:
    """On an escalated report: the regional managers whose regions hold the area, and the
    area's own management group, record the dialogue they held."""
    scope = scope_for(user)
    return scope.leads_region_of(report.area_id) or scope.manages(report.area_id)


@transaction.atomic
def deviation_escalate(
    *, report: DeviationReport, expected_version: int | None, context: AccessContext
) -> DeviationReport:
    """The area's management group escalates an open report to the regional managers."""
    acting = actor(context)
    _require(acting, report)
    current = lock_for_update(DeviationReport, report.pk, expected_version)
    if current.status == DeviationReport.Status.CLOSED:
        raise ValidationError(_("Rapporten är stängd."))
    if current.escalated_at is not None:
        raise ValidationError(_("Rapporten är redan eskalerad."))
    current.escalated_at = timezone.now()
    current.escalated_by = acting
    return save_new_version(current, ["escalated_at", "escalated_by"], context=context)


@transaction.atomic
def deviation_dialogue_add(
    *,
    report: DeviationReport,
    held_on: dt.date,
    participants: str,
    notes: str,
    context: AccessContext,
    today: dt.date | None = None,
) -> DeviationDialogue:
    """Record a dialogue held on an escalated report (who took part, when, what)."""
    acting = actor(context)
    if acting is None or not may_record_dialogue(acting, report):
        raise PermissionDenied(
            _("Dialogen registreras av de regionala cheferna och områdets ledningsgrupp.")
        )
    today = today_or(today)
    current = DeviationReport.objects.select_for_update().get(pk=report.pk)
    if current.escalated_at is None:
        raise ValidationError(_("Rapporten är inte eskalerad."))
    if current.status == DeviationReport.Status.CLOSED:
        raise ValidationError(_("Rapporten är stängd."))
    errors = {}
    participants = (participants or "").strip()
    notes = (notes or "").strip()
    if held_on is None:
        errors["held_on"] = [_("Ange när dialogen hölls.")]
    if not participants:
        errors["participants"] = [_("Ange vilka som deltog i dialogen.")]
    elif len(participants) > 300:
        errors["participants"] = [_("Högst 300 tecken.")]
    if not notes:
        errors["notes"] = [_("Skriv vad som sades och beslutades.")]
    if errors:
        raise ValidationError(errors)
    require_not_future("held_on", held_on, today)
    if held_on < current.opened_for:
        raise ValidationError({"held_on": _("Dialogen kan inte ligga före den avvikande månaden.")})
    dialogue = DeviationDialogue(
        report=current, held_on=held_on, participants=participants, notes=notes, recorded_by=acting
    )
    dialogue.full_clean()
    return save_logged(
        dialogue, context=context, action=AccessLog.Action.CREATE, purpose="avvikelse: dialog"
    )
