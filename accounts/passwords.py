"""Changing a password: by the user, or set by an administrator (SPEC §7). Both go to the access
log, against the area of the account whose password changed, so its coordinator sees them. The
password rules are AUTH_PASSWORD_VALIDATORS, applied by Django's forms on both paths."""

from __future__ import annotations

from audit.models import AccessLog
from audit.services import access_log_record

from .scoping import first_area_id


def password_change_record(*, user, changed_by, request) -> None:
    """Log that `changed_by` set `user`'s password (the same person when users change their own)."""
    own = changed_by is not None and changed_by.pk == user.pk
    access_log_record(
        action=AccessLog.Action.UPDATE,
        request=request,
        user=changed_by,
        object_type="user",
        object_id=user.pk,
        area_id=first_area_id(user),
        purpose="lösenord bytt av användaren"
        if own
        else f"lösenord satt av administratör för {user.get_username()}",
    )
