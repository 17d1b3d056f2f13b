"""The lines of the log review's tables (SPEC §7): an entry, or repeated views collapsed into one
(`selectors.views_collapsed`), with its object named and linked (`objects`) and its purpose in
the interface's words (`purposes`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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

    @property
    def collapsed(self) -> bool:
        return self.accesses > 1


def log_lines(entries, *, user) -> list[LogLine]:
    """`entries` (from `selectors.views_collapsed`) as lines; names and links resolved for
    all of them at once, as `user` (the reviewer) may see them."""
    entries = list(entries)
    shown = objects_shown(entries, user=user)
    statuses = status_names() if any(e.purpose.startswith("status ") for e in entries) else {}
    return [
        LogLine(
            entry=entry,
            accesses=getattr(entry, "accesses", 1),
            last_at=getattr(entry, "last_at", entry.occurred_at),
            object=shown[(entry.object_type, entry.object_id)],
            purpose=purpose_shown(entry.purpose, object_type=entry.object_type, statuses=statuses),
        )
        for entry in entries
    ]
