"""Writes of people, cases and status entries (SPEC §3). Views, forms, commands and tasks call
these, never `save()`. Each service validates everything before it writes anything, runs in one
transaction, records the change in the access log, and the models' history keeps old → new.
The helpers they share with every other app's services are in `samverkan.services`."""

from .assignments import assignments_seen, cases_reassign
from .cases import (
    CASE_FIELDS,
    case_move_area,
    case_open,
    case_transition,
    case_update,
    officers_check,
    on_case_closed,
    on_case_moved,
)
from .flags import flag_dismiss
from .people import (
    CONSENT_CONFIRMED,
    CONSENT_EVENTS,
    CONSENT_RECORDED,
    CONSENT_WITHDRAWN,
    PERSON_FIELDS,
    STATED_BASES,
    consent_confirm,
    consent_record,
    consent_withdraw,
    person_create,
    person_update,
)
from .situations import SITUATION_FIELDS, situation_save
from .status import status_entry_save

__all__ = [
    "CASE_FIELDS",
    "CONSENT_CONFIRMED",
    "CONSENT_EVENTS",
    "CONSENT_RECORDED",
    "CONSENT_WITHDRAWN",
    "PERSON_FIELDS",
    "SITUATION_FIELDS",
    "STATED_BASES",
    "case_move_area",
    "case_open",
    "case_transition",
    "case_update",
    "consent_confirm",
    "consent_record",
    "consent_withdraw",
    "flag_dismiss",
    "assignments_seen",
    "cases_reassign",
    "officers_check",
    "on_case_closed",
    "on_case_moved",
    "person_create",
    "person_update",
    "situation_save",
    "status_entry_save",
]
