"""When each flag of SPEC §3 applies, its date and its severity: declared once, read in Python
for one case (cases.flag_terms.PyTerms, cases.flags.case_flags) and in SQL for every case of a
list at once (cases.flag_terms.SqlTerms, cases.worklist_query: the worklist sorts, filters,
counts and pages in SQL and builds the flags in full only for the rows it shows).

A declaration is a function of `t`, the terms it is written in: the case's fields, the facts
read beside it (the plan, the meetings, the interventions, the suggestions marked not
relevant), the limits of its rule set, today, and the few operations the rules need
(cases.flag_terms). A test holds the two evaluations together
(cases/tests/test_worklist_sql.py). The wording of each flag stays with cases.flags.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .deadlines import CLOSING_DOC, FOLLOW_UP, INTERVENTION, START
from .models import Phase

# The severities (cases.flags shows them), and what a flag's date means.
OVERDUE = "overdue"
DUE_SOON = "due_soon"
INFO = "info"
DUE_SOON_DAYS = 7
DUE = "due"
SINCE = "since"

# The benefits of a sick-leave case (sjukfall), where the day-181 rule applies.
SICK_LEAVE_BENEFITS = ("sjukpenning", "rehabiliteringspenning")
# Phases in which a kontaktmöte can still help the return to the employer: once the case has
# moved on to introduction and trial, the suggestion no longer applies.
CONTACT_MEETING_PHASES = (Phase.REFERRED.value, Phase.NEEDS_ANALYSIS.value)


# --- the days in samverkan and the severity of a date ----------------------------------------


def days_in_samverkan(t):
    """Days from the start to today, or to the end of a closed case; none before the start."""
    start = t.field("start_date")
    return t.when(
        t.known(start), t.days_between(start, t.first_known(t.field("end_date"), t.today))
    )


def level_by_date(t, day, window: int = DUE_SOON_DAYS):
    """Overdue after `day`, due soon within `window` days of it, information before that."""
    return t.choose(
        [
            (t.gt(t.today, day), t.literal(OVERDUE)),
            (t.le(t.days_between(t.today, day), window), t.literal(DUE_SOON)),
        ],
        t.literal(INFO),
    )


# --- the flags -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRule:
    """A flag: it `applies` (a condition), has a `date` (or none) and a `level` from it."""

    code: str
    applies: Callable[[Any], Any]
    date: Callable[[Any], Any]
    level: Callable[[Any, Any], Any] = level_by_date
    date_kind: str = DUE


def _open(t):
    return t.ne(t.field("phase"), Phase.CLOSED.value)


def _running(t):
    """Open and started: the rules of active support count from the start."""
    return t.all(_open(t), t.known(t.field("start_date")))


def max_days_limit(t):
    """Day `max_days` of the case (SPEC §3 rule 2)."""
    return t.add_days(t.field("start_date"), t.rule("max_days"))


def contact_meeting_date(t):
    """Day 181 of the sick-leave case (its first day is day 1, so sick_leave_start + 180 days)
    when a kontaktmöte is called for: a sick-leave benefit and return to the employer before
    that day unlikely (SPEC §3 rule 7)."""
    start = t.field("sick_leave_start")
    called_for = t.all(
        t.is_true(t.field("return_unlikely_before_181")),
        t.known(start),
        t.is_in(t.field("benefit"), SICK_LEAVE_BENEFITS),
    )
    return t.when(called_for, t.add_days(start, t.rule("contact_meeting_day"), -1))


def _constant(level):
    return lambda t, _day: t.literal(level)


def _benefit_end(t):
    return t.field("benefit_end_date")


FLAG_RULES = (
    # Rule 1: at most 14 days from the preparation group to the start of the needs analysis.
    FlagRule(
        "start_due",
        lambda t: t.all(
            t.known(t.field("referral_date")), t.unknown(t.field("start_date")), _open(t)
        ),
        lambda t: t.deadline(START, referral_date=t.field("referral_date")),
    ),
    # Rule 2: at most 365 days in samverkan, warned from day 300.
    FlagRule(
        "over_max_days",
        lambda t: t.all(_running(t), t.gt(t.today, max_days_limit(t))),
        max_days_limit,
        _constant(OVERDUE),
    ),
    FlagRule(
        "near_max_days",
        lambda t: t.all(
            _running(t),
            t.le(t.today, max_days_limit(t)),
            t.ge(t.days_between(t.field("start_date"), t.today), t.rule("warn_day")),
        ),
        max_days_limit,
        _constant(DUE_SOON),
    ),
    # Rule 6: when the benefit period has ended the case closes (FK's fact: hidden with it).
    FlagRule(
        "benefit_ended",
        lambda t: t.all(
            t.fk_visible(), _open(t), t.known(_benefit_end(t)), t.lt(_benefit_end(t), t.today)
        ),
        _benefit_end,
        _constant(OVERDUE),
        SINCE,
    ),
    # Rule 7: a kontaktmöte while it can still help: until day 181 and before the case moves
    # on from the needs analysis (after day 181 a meeting not held is a deviation) ...
    FlagRule(
        "contact_meeting_due",
        lambda t: t.all(
            t.fk_visible(),
            t.known(contact_meeting_date(t)),
            t.le(t.today, contact_meeting_date(t)),
            t.is_in(t.field("phase"), CONTACT_MEETING_PHASES),
            t.undismissed("contact_meeting_due"),
            t.is_false(t.fact("contact_meeting_held")),
        ),
        contact_meeting_date,
    ),
    # ... and a joint mapping considered at least 6 months before the benefit period ends.
    FlagRule(
        "mapping_suggested",
        lambda t: t.all(
            t.fk_visible(),
            _open(t),
            t.undismissed("mapping_suggested"),
            t.is_false(t.fact("mapping_considered")),
            t.known(_benefit_end(t)),
            t.le(t.today, _benefit_end(t)),
            t.ge(
                t.today,
                t.add_months(_benefit_end(t), t.rule("mapping_before_benefit_end_months"), -1),
            ),
        ),
        _benefit_end,
    ),
    # Rule 4: an individual plan before introduction and trial.
    FlagRule(
        "plan_missing",
        lambda t: t.all(
            t.eq(t.field("phase"), Phase.NEEDS_ANALYSIS.value), t.is_false(t.fact("has_plan"))
        ),
        lambda t: t.literal(None),
        _constant(INFO),
    ),
    # Rule 5: closing documentation within 21 days after the end date.
    FlagRule(
        "closing_doc_due",
        lambda t: t.closing_doc_pending(),
        lambda t: t.deadline(CLOSING_DOC, end_date=t.field("end_date")),
    ),
    # Follow-up cadence: a follow-up at least every 28 days during active support.
    FlagRule(
        "follow_up_due",
        _running,
        lambda t: t.deadline(
            FOLLOW_UP, start_date=t.field("start_date"), last_follow_up=t.fact("last_follow_up")
        ),
    ),
    # Support during the whole enrolment: no intervention running or planned for at most
    # max_days_without_intervention days, counted from the start or the last one's end.
    FlagRule(
        "intervention_missing",
        lambda t: t.all(_running(t), t.is_false(t.fact("intervention_current"))),
        lambda t: t.deadline(
            INTERVENTION,
            start_date=t.field("start_date"),
            last_intervention_end=t.fact("last_intervention_end"),
        ),
    ),
)
FLAG_CODES = tuple(rule.code for rule in FLAG_RULES)
