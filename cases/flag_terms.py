"""The terms the flags' declarations (cases.flag_rules) are written in, and their two
evaluators: `PyTerms` for one case in Python (cases.flags.case_flags), `SqlTerms` for every case
of a list at once in SQL (cases.worklist_query).

Both follow SQL's rule for a missing value: a comparison with a missing date is unknown, and a
condition holds only when every part of it is known to hold, so a case without a start date is
never "over the longest time" in either."""

from __future__ import annotations

import datetime as dt

from samverkan.dates import add_days, add_months

from .deadlines import Deadline, rule_sql


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
