"""The to-do page ("Att göra"): what waits for the user, by kind, most urgent first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record_many

from .selectors import KINDS, todo_items


def has_todo_list(user) -> bool:
    """Officers and coordinators have one (SPEC §3)."""
    scope = scope_for(user)
    return scope.case_access or scope.is_coordinator


@require_GET
def inbox(request):
    if not has_todo_list(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    items = todo_items(request.user, today=today)
    # A person's name on the list is a read of their record: logged like the worklist's rows.
    shown = [todo.logged for todo_list in items.values() for todo in todo_list if todo.logged]
    if shown:
        access_log_record_many(
            action=AccessLog.Action.VIEW, request=request, objects=shown, purpose="att göra"
        )
    sections = [
        {"kind": kind, "title": KINDS[kind], "items": todo_list}
        for kind, todo_list in items.items()
    ]
    return render(
        request,
        "todo/inbox.html",
        {
            "title": _("Att göra"),
            "sections": sections,
            "total": sum(len(section["items"]) for section in sections),
        },
    )
