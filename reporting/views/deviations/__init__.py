"""Deviation reports (avvikelserapporter, SPEC §5): listed and shown to everyone who sees the
area's aggregates (a report holds no personal data), worked on by the area's management group
and its coordinators. The rules live in reporting.deviations; these pages only call it.

A report outside the user's aggregate scope answers 404 on every page; a report the user may
read but not work on answers 404 on the four action pages, as every object page does (SPEC §7).
`reports` has the list, the report's page and the fetching; `work` the four action pages.
"""

from .reports import deviation_detail, deviation_list
from .work import deviation_action_create, deviation_action_done, deviation_close, deviation_edit

__all__ = [
    "deviation_action_create",
    "deviation_action_done",
    "deviation_close",
    "deviation_detail",
    "deviation_edit",
    "deviation_list",
]
