"""How a stored value reads on a page: one definition for the facts lists, the "Nu sparat"
panel after a conflict and the change history (SPEC §7), whichever app's record it is."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _


def user_label(user) -> str:
    """A staff member as the pages name them: full name, else the user name ("" for none)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def display_value(field, value) -> str:
    """One stored value of `field` as the pages show it."""
    if isinstance(field, models.BooleanField):
        return {True: _("Ja"), False: _("Nej")}.get(value, _("Okänt"))
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, get_user_model()):
        return user_label(value)
    return str(value)
