"""What every kind of to-do shares: the item, and who the user is on the list (their areas,
their agency as an officer, how a colleague is named)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for


@dataclass(frozen=True)
class Todo:
    kind: str
    text: str
    subject: str
    url: str
    level: str
    due: dt.date | None = None
    since: dt.date | None = None
    # What the access log records when the list shows it (a person's record), if anything.
    logged: object | None = None


def officer_agency(user) -> str | None:
    scope = scope_for(user)
    if scope.is_officer and scope.case_access and scope.agency_code in ("FK", "AF"):
        return scope.agency_code
    return None


def areas(user):
    """The user's areas today: a case or mapping of an area they have left is not theirs to do
    (nor to see named) even while they are still named on it."""
    return scope_for(user).area_ids


def local_day(moment) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def name(user) -> str:
    if user is None:
        return _("Den andra myndigheten")
    return user.get_full_name() or user.get_username()
