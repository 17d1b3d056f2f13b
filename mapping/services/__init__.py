"""Writes of SPEC §4: joint mappings, meetings, individual plans and interventions. Views,
forms, commands and the API call these, never `save()`."""

from .closing_documents import (
    closing_document_confirm,
    closing_document_confirmer_refusal,
    closing_document_return,
    closing_document_save,
    closing_document_writer_refusal,
)
from .decisions import (
    mapping_change_request,
    mapping_decide,
    mapping_sign,
)
from .interventions import (
    intervention_create,
    intervention_end,
    intervention_move,
    intervention_start,
    intervention_update,
    interventions_end_with_case,
)
from .mappings import mapping_create, mapping_move_area, mapping_update
from .meetings import meeting_create, meeting_update
from .plans import plan_save

__all__ = [
    "closing_document_confirm",
    "closing_document_confirmer_refusal",
    "closing_document_return",
    "closing_document_save",
    "closing_document_writer_refusal",
    "intervention_create",
    "intervention_end",
    "intervention_move",
    "intervention_start",
    "intervention_update",
    "interventions_end_with_case",
    "mapping_create",
    "mapping_decide",
    "mapping_move_area",
    "mapping_sign",
    "mapping_change_request",
    "mapping_update",
    "meeting_create",
    "meeting_update",
    "plan_save",
]
