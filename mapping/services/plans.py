"""Writes of individual plans (SPEC §4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from audit.models import AccessLog
from samverkan.services import AccessContext, actor, log_access, require_plausible

from ..models import PlanVersion


@transaction.atomic
def plan_save(
    *, case, goal: str, activities: str, start_date=None, end_date=None, context: AccessContext
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
    require_plausible(start_date=start_date, end_date=end_date)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("Slutdatum kan inte ligga före startdatum.")})
    latest = case.plan_versions.aggregate(v=Max("version"))["v"] or 0
    plan = PlanVersion.objects.create(
        case=case,
        version=latest + 1,
        goal=goal.strip(),
        activities=activities.strip(),
        start_date=start_date,
        end_date=end_date,
        created_by=actor(context),
    )
    log_access(
        context,
        action=AccessLog.Action.CREATE,
        obj=plan,
        purpose=f"plan version {plan.version}",
    )
    return plan
