"""Pages of SPEC §4. Each module owns its pages; all go through cases.access for scoping,
break-the-glass and the access log. What this app shows on the person and case pages of cases
is in case_parts (registered in mapping.apps)."""

from .change_requests import mapping_change_request
from .closing_documents import (
    closing_document,
    closing_document_confirm,
    closing_document_edit,
    closing_document_return,
)
from .intervention_actions import (
    intervention_edit,
    intervention_end,
    intervention_move,
    intervention_start,
)
from .interventions import intervention_create, intervention_detail
from .mapping_request import mapping_create
from .mappings import (
    mapping_decide,
    mapping_detail,
    mapping_edit,
    mapping_sign,
)
from .meetings import (
    case_meeting_create,
    mapping_meeting_create,
    meeting_edit,
    person_meeting_create,
)
from .overview import person_overview
from .plans import plan_create

__all__ = [
    "case_meeting_create",
    "closing_document",
    "closing_document_confirm",
    "closing_document_edit",
    "closing_document_return",
    "intervention_create",
    "intervention_detail",
    "intervention_edit",
    "intervention_end",
    "intervention_move",
    "intervention_start",
    "mapping_create",
    "mapping_decide",
    "mapping_detail",
    "mapping_edit",
    "mapping_meeting_create",
    "mapping_change_request",
    "mapping_sign",
    "meeting_edit",
    "person_meeting_create",
    "person_overview",
    "plan_create",
]
