"""Suggestions of the rules (cases.flags.SUGGESTIONS) marked not relevant for a case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.access import REASON_MIN_LENGTH, readable_reason
from audit.models import AccessLog
from samverkan.services import AccessContext, actor, log_access

from ..models import Case, FlagDismissal
from ..worklist_state import cases_changed


@transaction.atomic
def flag_dismiss(*, case: Case, code: str, reason: str, context: AccessContext) -> FlagDismissal:
    """Mark a suggestion of the rules (cases.flags.SUGGESTIONS) not relevant for the case, with
    a reason: logged, kept in the case's history, and the flag is no longer shown."""
    reason = readable_reason(reason or "")
    errors = {}
    if code not in FlagDismissal.Code.values:
        errors["code"] = _("Bara förslag kan markeras som inte aktuella.")
    if len(reason) < REASON_MIN_LENGTH:
        errors["reason"] = _("Skriv ett skäl på minst %(length)s tecken.") % {
            "length": REASON_MIN_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    current = Case.objects.select_for_update().get(pk=case.pk)
    if FlagDismissal.objects.filter(case=current, code=code).exists():
        raise ValidationError({"code": _("Förslaget är redan markerat som inte aktuellt.")})
    log_access(
        context,
        action=AccessLog.Action.UPDATE,
        obj=current,
        purpose=f"förslag inte aktuellt: {FlagDismissal.Code(code).label}",
    )
    dismissal = FlagDismissal(case=current, code=code, reason=reason, by=actor(context))
    dismissal._history_user = actor(context)
    dismissal.save()
    cases_changed([current.pk])
    return dismissal
