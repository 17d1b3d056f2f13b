from .case import (
    ALLOWED_TRANSITIONS,
    Benefit,
    Case,
    CaseAreaMove,
    ExitReason,
    Phase,
    PhaseTransition,
    Situation,
    TargetGroup,
)
from .person import Consent, EducationLevel, Person
from .rules import RuleSet
from .status import WORK_OR_EDUCATION, OutcomeCategory, StatusCode, StatusEntry

__all__ = [
    "ALLOWED_TRANSITIONS",
    "Benefit",
    "Case",
    "CaseAreaMove",
    "Consent",
    "EducationLevel",
    "ExitReason",
    "OutcomeCategory",
    "Person",
    "Phase",
    "PhaseTransition",
    "RuleSet",
    "Situation",
    "StatusCode",
    "StatusEntry",
    "TargetGroup",
    "WORK_OR_EDUCATION",
]
