"""The lines of the log review's tables (SPEC §7): an entry, or repeated views collapsed into one
(`selectors.views_collapsed`), with its object named and linked (`objects`) and its purpose in
the interface's words (`purposes`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from audit.models import AccessLog

from .objects import ObjectShown, objects_shown
from .purposes import purpose_shown, status_names


@dataclass(frozen=True)
class LogLine:
    entry: AccessLog  # the line's first entry
    accesses: int
    last_at: dt.datetime
    object: ObjectShown
    purpose: str
    who: str  # the staff member by name (user name in brackets), or the job

    @property
    def collapsed(self) -> bool:
        return self.accesses > 1


def log_lines(entries, *, user) -> list[LogLine]:
    """`entries` (from `selectors.views_collapsed`) as lines; names and links resolved for
    all of them at once, as `user` (the reviewer) may see them."""
    entries = list(entries)
    shown = objects_shown(entries, user=user)
    names = staff_names(entry.user_id for entry in entries)
    statuses = status_names() if any(e.purpose.startswith("status ") for e in entries) else {}
    return [
        LogLine(
            entry=entry,
            accesses=getattr(entry, "accesses", 1),
            last_at=getattr(entry, "last_at", entry.occurred_at),
            object=shown[(entry.object_type, entry.object_id)],
            purpose=purpose_shown(entry.purpose, object_type=entry.object_type, statuses=statuses),
            who=who(entry.user_id, entry.username, names),
        )
        for entry in entries
    ]


def staff_names(user_ids) -> dict[int, str]:
    """Full names of the staff among `user_ids`, in one query."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids).only("first_name", "last_name")
    return {u.pk: u.get_full_name() for u in users if u.get_full_name()}


def who(user_id, username: str, names: dict[int, str]) -> str:
    """A log line's actor as the review shows it: "Frida Karlsson (fk.sdt)"; a job (no user)
    or a user without a name by the name the log holds."""
    name = names.get(user_id)
    if name and username:
        return f"{name} ({username})"
    return name or username or "–"
