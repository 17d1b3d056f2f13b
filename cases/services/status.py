"""The person's AF status timeline (SPEC §3), the source of the day-365 outcome."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AccessLog
from samverkan.services import (
    AccessContext,
    actor,
    require_not_future,
    save_logged,
    today_or,
)

from ..models import Person, StatusCode, StatusEntry


@transaction.atomic
def status_entry_save(
    *,
    person: Person,
    on: dt.date,
    code: StatusCode,
    note: str = "",
    context: AccessContext,
    today=None,
) -> StatusEntry:
    """Record the person's AF status on a day; a second entry the same day replaces it."""
    require_not_future("date", on, today_or(today))
    if not code.is_active:
        raise ValidationError({"code": _("Statuskoden används inte längre.")})
    # Lock the person first: with no entry for the day yet there is no row to lock, and two
    # first saves at once would both insert (the second a unique-constraint error, not a
    # replacement).
    Person.objects.select_for_update().filter(pk=person.pk).first()
    entry = StatusEntry.objects.select_for_update().filter(person=person, date=on).first()
    acting = actor(context)
    action = AccessLog.Action.UPDATE if entry else AccessLog.Action.CREATE
    if entry is None:
        entry = StatusEntry(person=person, date=on)
    entry.code = code
    entry.note = note.strip()
    entry.created_by = entry.created_by or acting
    entry.full_clean(validate_constraints=False)
    return save_logged(entry, context=context, action=action, purpose=f"status {code.code}")
