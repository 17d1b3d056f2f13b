from .assignment import CaseAssignment
from .case import (
    ALLOWED_TRANSITIONS,
    CLOSING_DOC_DUE,
    PHASE_SHORT,
    TARGET_GROUP_SHORT,
    Benefit,
    Case,
    CaseAreaMove,
    ExitReason,
    Phase,
    PhaseTransition,
    Situation,
    TargetGroup,
)
from .dismissal import FlagDismissal
from .person import Consent, EducationLevel, Person
from .rules import RegistrationModel, RuleSet
from .status import WORK_OR_EDUCATION, OutcomeCategory, StatusCode, StatusEntry
from .worklist import CaseWorklistState

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CLOSING_DOC_DUE",
    "PHASE_SHORT",
    "TARGET_GROUP_SHORT",
    "Benefit",
    "Case",
    "CaseAreaMove",
    "CaseAssignment",
    "CaseWorklistState",
    "Consent",
    "EducationLevel",
    "ExitReason",
    "FlagDismissal",
    "OutcomeCategory",
    "Person",
    "Phase",
    "PhaseTransition",
    "RegistrationModel",
    "RuleSet",
    "Situation",
    "StatusCode",
    "StatusEntry",
    "TargetGroup",
    "WORK_OR_EDUCATION",
]
