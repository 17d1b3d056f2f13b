"""Joint mapping, meetings, individual plans and interventions (SPEC §4)."""

from .closing_document import CLOSING_TEXT_FIELDS, ClosingDocument
from .common import AgencyCode, Participant, participants_in_order
from .intervention import (
    ORIENTED_KINDS,
    PREPARATORY_KINDS,
    Category,
    Intervention,
    Kind,
    Outcome,
    Provider,
    State,
    category_of,
    kind_choices_grouped,
)
from .joint_mapping import (
    BAND_EDGES,
    MAPPING_FK_FIELDS,
    Decision,
    JointMapping,
    SickLeaveBand,
    request_date_errors,
    sick_leave_band,
    sick_leave_day,
)
from .meeting import (
    CONSULTATION_FIELDS,
    ConsultationGoal,
    EmployerMeasure,
    FollowUpResult,
    Meeting,
)
from .plan import PlanVersion

__all__ = [
    "AgencyCode",
    "CLOSING_TEXT_FIELDS",
    "CONSULTATION_FIELDS",
    "ConsultationGoal",
    "EmployerMeasure",
    "FollowUpResult",
    "ClosingDocument",
    "BAND_EDGES",
    "Category",
    "Decision",
    "Intervention",
    "JointMapping",
    "Kind",
    "MAPPING_FK_FIELDS",
    "Meeting",
    "ORIENTED_KINDS",
    "Outcome",
    "PREPARATORY_KINDS",
    "Participant",
    "PlanVersion",
    "Provider",
    "SickLeaveBand",
    "State",
    "category_of",
    "kind_choices_grouped",
    "participants_in_order",
    "request_date_errors",
    "sick_leave_band",
    "sick_leave_day",
]
