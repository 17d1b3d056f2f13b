"""Reads of SPEC §4 that depend on who asks or on a day: scoped lists, the facts behind the
meeting suggestions, the support state of a case on a day (`base`), and a person's whole story
for the overview page (`records`, `timeline`, `deadlines`)."""

from .base import (
    ACTIVE,
    IN_MAPPING,
    WAITING,
    cases_with_support_state,
    intervention_list_visible_to,
    mapping_list_visible_to,
    mappings_with_support_state,
    meeting_list_visible_to,
    suggestion_facts,
)
from .deadlines import person_next_deadlines
from .records import Deadline, TimelineEvent, TimelineSpan, person_records
from .timeline import person_timeline, person_timeline_spans

__all__ = [
    "ACTIVE",
    "IN_MAPPING",
    "WAITING",
    "Deadline",
    "TimelineEvent",
    "TimelineSpan",
    "cases_with_support_state",
    "intervention_list_visible_to",
    "mapping_list_visible_to",
    "mappings_with_support_state",
    "meeting_list_visible_to",
    "person_next_deadlines",
    "person_records",
    "person_timeline",
    "person_timeline_spans",
    "suggestion_facts",
]
