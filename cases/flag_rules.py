"""When each flag of SPEC §3 applies, its date and its severity: declared once, read in Python
for one case (`PyTerms`, cases.flags.case_flags) and in SQL for every case of a list at once
(`SqlTerms`, cases.worklist_query: the worklist sorts, filters, counts and pages in SQL and
builds the flags in full only for the rows it shows).

A declaration is a function of `t`, the terms it is written in: the case's fields, the facts
read beside it (the plan, the meetings, the interventions, the suggestions marked not
relevant), the limits of its rule set, today, and the few operations the rules need. Both
evaluators follow SQL's rule for a missing value: a comparison with a missing date is unknown,
and a condition holds only when every part of it is known to hold, so a case without a start
date is never "over the longest time" in either. A test holds the two together
(cases/tests/test_worklist_sql.py). The wording of each flag stays with cases.flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from samverkan.dates import add_days, add_months

from .deadlines import CLOSING_DOC, FOLLOW_UP, INTERVENTION, START, Deadline, rule_sql
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


# --- the evaluators ------------------------------------------------------------------------------


class PyTerms:
    """The terms for one case in Python. None is a missing value, as NULL in SQL."""

    def __init__(
        self,
        *,
        today: dt.date,
        case=None,
        rules=None,
        facts: dict | None = None,
        fk_visible: bool = True,
        dismissed: frozenset[str] = frozenset(),
    ):
        self.today = today
        self.case, self.rules, self.facts = case, rules, facts or {}
        self._fk_visible, self._dismissed = fk_visible, dismissed

    def field(self, name):
        return getattr(self.case, name)

    def fact(self, name):
        return self.facts.get(name)

    def rule(self, name):
        return getattr(self.rules, name)

    def literal(self, value):
        return value

    def fk_visible(self):
        return self._fk_visible

    def undismissed(self, code: str):
        return code not in self._dismissed

    def closing_doc_pending(self):
        return self.case.closing_doc_due()

    def deadline(self, declaration: Deadline, **dates):
        return declaration.due(self.rules, **dates)

    def add_days(self, day, days, offset: int = 0):
        return None if day is None else add_days(day, days + offset)

    def add_months(self, day, months: int, sign: int = 1):
        return None if day is None else add_months(day, sign * months)

    def days_between(self, earlier, later):
        return None if earlier is None or later is None else (later - earlier).days

    def _compare(self, a, b, test):
        return None if a is None or b is None else test(a, b)

    def gt(self, a, b):
        return self._compare(a, b, lambda x, y: x > y)

    def ge(self, a, b):
        return self._compare(a, b, lambda x, y: x >= y)

    def le(self, a, b):
        return self._compare(a, b, lambda x, y: x <= y)

    def lt(self, a, b):
        return self._compare(a, b, lambda x, y: x < y)

    def eq(self, a, value):
        return None if a is None else a == value

    def ne(self, a, value):
        return None if a is None else a != value

    def is_in(self, a, values):
        return None if a is None else a in values

    def known(self, a):
        return a is not None

    def unknown(self, a):
        return a is None

    def is_true(self, a):
        return a is True

    def is_false(self, a):
        return a is False

    def all(self, *conditions):
        return all(condition is True for condition in conditions)

    def when(self, condition, value):
        return value if condition is True else None

    def first_known(self, *values):
        return next((value for value in values if value is not None), None)

    def choose(self, choices, default):
        return next((value for condition, value in choices if condition is True), default)


def sql_literal(value) -> str:
    """A trusted constant (a date, a number, a code of the product) as SQL."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class SqlTerms:
    """The terms as SQL over a row `case` that holds the case's columns and its facts (named as
    the facts), `fk_visible` and `closing_doc_pending`, and the rule set joined as `rules` (on
    the row's `rule_set_pk`, cases.deadlines.with_rule_set)."""

    def __init__(self, *, today: dt.date, case: str, rules: str, dismissals: str):
        self.today = sql_literal(today)
        self._case, self._rules, self._dismissals = case, rules, dismissals

    def field(self, name):
        return f'{self._case}."{name}"'

    fact = field

    def rule(self, name):
        return rule_sql(name, self._rules)

    def literal(self, value):
        return sql_literal(value)

    def fk_visible(self):
        return self.field("fk_visible")

    def undismissed(self, code: str):
        return (
            f"(NOT EXISTS (SELECT 1 FROM {self._dismissals} d WHERE d.case_id = "  # noqa: S608
            f"{self.field('id')} AND d.code = {sql_literal(code)}))"
        )

    def closing_doc_pending(self):
        return self.field("closing_doc_pending")

    def deadline(self, declaration: Deadline, **dates):
        return declaration.due_sql(dates, self._rules)

    def add_days(self, day, days, offset: int = 0):
        return f"({day} + {days} + {offset})"

    def add_months(self, day, months, sign: int = 1):
        return f"({day} + make_interval(months => {sign} * {months}))::date"

    def days_between(self, earlier, later):
        return f"({later} - {earlier})"

    def gt(self, a, b):
        return f"({a} > {b})"

    def ge(self, a, b):
        return f"({a} >= {b})"

    def le(self, a, b):
        return f"({a} <= {b})"

    def lt(self, a, b):
        return f"({a} < {b})"

    def eq(self, a, value):
        return f"({a} = {sql_literal(value)})"

    def ne(self, a, value):
        return f"({a} <> {sql_literal(value)})"

    def is_in(self, a, values):
        return f"({a} IN ({', '.join(sql_literal(v) for v in values)}))"

    def known(self, a):
        return f"({a} IS NOT NULL)"

    def unknown(self, a):
        return f"({a} IS NULL)"

    def is_true(self, a):
        return f"({a} IS TRUE)"

    def is_false(self, a):
        return f"({a} IS FALSE)"

    def all(self, *conditions):
        return f"COALESCE(({' AND '.join(conditions)}), FALSE)"

    def when(self, condition, value):
        return f"(CASE WHEN {condition} THEN {value} END)"

    def first_known(self, *values):
        return f"COALESCE({', '.join(values)})"

    def choose(self, choices, default):
        whens = " ".join(f"WHEN {condition} THEN {value}" for condition, value in choices)
        return f"(CASE {whens} ELSE {default} END)"


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
