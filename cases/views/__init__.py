"""Pages for people and cases (SPEC §3, §7).

Every object is fetched through cases.access (another area's object answers 404) and every read
of a person's data is logged with its purpose; every write goes through a service with the
request's AccessContext, which validates, saves atomically and logs the change. A service's
ValidationError is shown next to the field it names, so bad input changes nothing and never gives
a 500. The apps above cases add their parts to these pages through cases.views.parts."""

from .case_actions import (
    case_close,
    case_edit,
    case_move,
    case_transition,
    flag_dismiss,
    situation_edit,
)
from .case_page import case_detail, case_history
from .people import (
    case_open,
    consent_confirm,
    consent_create,
    consent_withdraw,
    person_create,
    person_detail,
    person_edit,
    status_entry_create,
)
from .reassign import reassign
from .registration import not_registered_list
from .worklist import caseload, home, person_reason, person_search, worklist

__all__ = [
    "case_close",
    "case_detail",
    "case_history",
    "case_edit",
    "case_move",
    "case_open",
    "case_transition",
    "caseload",
    "flag_dismiss",
    "not_registered_list",
    "consent_confirm",
    "consent_create",
    "consent_withdraw",
    "home",
    "person_create",
    "person_detail",
    "person_edit",
    "person_reason",
    "person_search",
    "reassign",
    "situation_edit",
    "status_entry_create",
    "worklist",
]
