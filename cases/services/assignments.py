"""A coordinator gives cases to another officer of the area (SPEC §3): each case's officer of
that agency changes (history, access log), and the new officer's to-do list shows the case
until they open it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.models import AccessLog
from samverkan.services import AccessContext, actor, log_access

from ..models import Case, CaseAssignment, Phase
from .cases import officers_check

FIELD_OF = {"FK": "fk_officer", "AF": "af_officer"}


@transaction.atomic
def cases_reassign(
    *, case_ids: list[int], agency: str, to_user, context: AccessContext
) -> list[Case]:
    """Give the open cases `case_ids` to `to_user` as their officer of `agency` ("FK"/"AF").
    Only a coordinator of the cases' areas may; every case is checked before any is changed."""
    acting = actor(context)
    scope = scope_for(acting)
    if not scope.is_coordinator:
        raise ValidationError(_("Bara samordnaren fördelar ärenden."))
    if agency not in FIELD_OF:
        raise ValidationError({"agency": _("Välj myndighet.")})
    if not case_ids:
        raise ValidationError({"cases": _("Markera minst ett ärende.")})
    field = FIELD_OF[agency]
    cases = list(
        Case.objects.select_for_update()
        .filter(pk__in=case_ids, area_id__in=scope.area_ids)
        .exclude(phase=Phase.CLOSED)
        .order_by("pk")
    )
    if len(cases) != len(set(case_ids)):
        raise ValidationError(
            {"cases": _("Några av ärendena finns inte längre bland områdets öppna ärenden.")}
        )
    for case in cases:
        try:
            officers_check(
                case.area, to_user if agency == "FK" else None, to_user if agency == "AF" else None
            )
        except ValidationError:
            raise ValidationError(
                {"to_user": _("Välj en handläggare på rätt myndighet i ärendenas område.")}
            ) from None
    changed = []
    for case in cases:
        previous = getattr(case, f"{field}_id")
        if previous == to_user.pk:
            continue
        log_access(
            context,
            action=AccessLog.Action.UPDATE,
            obj=case,
            # The log is kept in Swedish whatever the language of the page.
            purpose=f"ärendet fördelat till {to_user.get_full_name() or to_user.get_username()}",
        )
        setattr(case, field, to_user)
        case.version += 1
        case._history_user = acting
        case.save()
        CaseAssignment.objects.create(
            case=case, agency=agency, from_user_id=previous, to_user=to_user, by=acting
        )
        changed.append(case)
    return changed


def assignments_seen(*, case: Case, user) -> None:
    """The officer opened the case: it leaves their to-do list."""
    CaseAssignment.objects.filter(case=case, to_user=user, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
