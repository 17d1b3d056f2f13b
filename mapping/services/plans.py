"""Writes of individual plans (SPEC §4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from audit.models import AccessLog
from cases.worklist_state import cases_changed
from samverkan.services import (
    AccessContext,
    ConcurrentEditError,
    actor,
    log_access,
    require_plausible,
)

from ..models import PlanVersion


@transaction.atomic
def plan_save(
    *,
    case,
    goal: str,
    activities: str,
    start_date=None,
    end_date=None,
    expected_version: int | None = None,
    context: AccessContext,
) -> PlanVersion:
    """Each save is a new version; earlier versions stay as they were.

    `expected_version` is the plan version the form was opened on (0: no plan yet). A version
    saved since then is a conflict (SPEC §7): the plan in force would otherwise silently become
    one written without having read the other. None skips the check (an API client that sends
    no version)."""
    from cases.models import Case

    # The case's row lock serialises the saves of its plan: version numbers and the check below.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("Planen kan inte ändras i ett avslutat ärende."))
    latest = case.plan_versions.aggregate(v=Max("version"))["v"] or 0
    if expected_version is not None and latest != expected_version:
        raise ConcurrentEditError()
    if not goal.strip():
        raise ValidationError({"goal": _("Beskriv målet.")})
    if not activities.strip():
        raise ValidationError({"activities": _("Beskriv aktiviteterna.")})
    require_plausible(start_date=start_date, end_date=end_date)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("Slutdatum kan inte ligga före startdatum.")})
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
    cases_changed([case.pk])
    return plan
