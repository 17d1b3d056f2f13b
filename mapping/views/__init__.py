"""Pages of SPEC §4. Each module owns its pages; all go through cases.access for scoping,
break-the-glass and the access log."""

from .interventions import (
    intervention_create,
    intervention_detail,
    intervention_edit,
    intervention_end,
    intervention_move,
    intervention_start,
)
from .mappings import (
    mapping_create,
    mapping_decide,
    mapping_detail,
    mapping_edit,
    mapping_sign,
)
from .meetings import mapping_meeting_create, meeting_edit, person_meeting_create
from .overview import person_overview

__all__ = [
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
    "mapping_sign",
    "meeting_edit",
    "person_meeting_create",
    "person_overview",
]
