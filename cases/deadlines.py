"""The deadlines of SPEC §3 and §5, each declared once and read alike in Python and in SQL.

A deadline is "the limit of the case's rule set, counted from the latest of some dates": the
needs analysis within 14 days of the preparation group (rule 1), the closing documentation
within 21 days of the end (rule 5), a follow-up at most 28 days after the start or the last
follow-up meeting (the follow-up cadence), support planned at most 30 days after the start or
the last intervention ended, and the individual plan by the day the case moves to introduction
and trial (rule 4). The worklist's flags (cases.flags) evaluate a declaration for one case in
Python (`Deadline.due`); the timeliness figures and the weekly lists (reporting.metrics.
timeliness) evaluate the same declaration for every case at once in SQL (`Deadline.due_sql`),
so the two can never count a deadline differently (CONVENTIONS §3). A test holds them together
(reporting/tests/test_timeliness_rules.py).

The rule set a case follows is chosen the same way on both sides too: cases.flags.rules_for in
Python, `with_rule_set` here in SQL (the set in force on the referral, else the start, else the
day the case was registered; before the first set the first one; none stored: the defaults).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import (
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate

from samverkan.dates import add_days

from .models import Case, RuleSet


@dataclass(frozen=True)
class Deadline:
    """`days` (a RuleSet field; None: the day itself) after the latest of the dates `anchors`
    that are known. No anchor known: no deadline."""

    code: str
    anchors: tuple[str, ...]
    days: str | None = None

    def limit(self, rules: RuleSet) -> int:
        return getattr(rules, self.days) if self.days else 0

    def due(self, rules: RuleSet, **dates: dt.date | None) -> dt.date | None:
        """The deadline for one case, from its dates (keyword per anchor)."""
        known = [dates[name] for name in self.anchors if dates.get(name) is not None]
        return add_days(max(known), self.limit(rules)) if known else None

    def limit_sql(self, rules: str) -> str:
        """SQL: the limit in days from the rule-set row `rules` (joined by `rule_set_pk`; the
        model's default when no set is stored, as RuleSet.for_date)."""
        return rule_sql(self.days, rules) if self.days else "0"

    def due_sql(self, dates: Mapping[str, str], rules: str) -> str:
        """SQL: the deadline, from one SQL expression per anchor. PostgreSQL's GREATEST skips
        NULLs and is NULL only when all are, as `due` takes the latest known date."""
        latest = f"GREATEST({', '.join(dates[name] for name in self.anchors)})"
        return f"({latest} + {self.limit_sql(rules)})"


def rule_sql(field: str, rules: str) -> str:
    """SQL: the limit `field` of the rule-set row `rules`, or the model's default when no set is
    stored (as RuleSet.for_date)."""
    default = RuleSet._meta.get_field(field).get_default()
    return f"COALESCE({rules}.{field}, {int(default)})"


# Rule 1: from the preparation group to the start of the needs analysis.
START = Deadline("start_due", ("referral_date",), "prep_to_start_days")
# Rule 4: an individual plan before introduction and trial (the day of the move).
PLAN = Deadline("plan_missing", ("introduction_on",))
# Rule 5: closing documentation after the end date.
CLOSING_DOC = Deadline("closing_doc_due", ("end_date",), "closing_doc_days")
# The follow-up cadence (SPEC §5): the start or the last follow-up meeting of the case.
FOLLOW_UP = Deadline("follow_up_due", ("start_date", "last_follow_up"), "follow_up_days")
# Support during the enrolment: the start or the day the last intervention ended.
INTERVENTION = Deadline(
    "intervention_missing",
    ("start_date", "last_intervention_end"),
    "max_days_without_intervention",
)


# --- the rule set of a case, in SQL ----------------------------------------------------------


def with_rule_set(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` annotated with `rule_set_pk`: the id of the rule set each case follows, chosen
    as cases.flags.rules_for chooses it (None when no set is stored: then the defaults hold,
    see Deadline.limit_sql). `rules_day` is the day it is chosen by."""
    in_force = (
        RuleSet.objects.filter(valid_from__lte=OuterRef("rules_day"))
        .order_by("-valid_from")
        .values("pk")[:1]
    )
    first = RuleSet.objects.order_by("valid_from").values("pk")[:1]
    return cases.annotate(
        # rules_for: referral, else start, else the registration's (UTC) date.
        rules_day=Coalesce(
            F("referral_date"), F("start_date"), TruncDate("created_at", tzinfo=dt.UTC)
        )
    ).annotate(
        rule_set_pk=Coalesce(
            Subquery(in_force, output_field=IntegerField()),
            Subquery(first, output_field=IntegerField()),
        )
    )


# --- the facts the support deadline counts from ----------------------------------------------


def current_intervention(day: dt.date, prefix: str = "") -> Q:
    """An intervention active or planned on `day`: not ended before it (a planned one has no end;
    a running one ends on or after the day). `prefix` leads to the intervention
    ("interventions__" from a case)."""
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})


def with_intervention_facts(cases: QuerySet[Case], *, today: dt.date) -> QuerySet[Case]:
    """`cases` annotated with the inputs of the flag `intervention_missing` (cases.flags):
    `intervention_current`, an intervention active or planned today, and
    `last_intervention_end`, the day the last one ended. Two subqueries of the one query that
    reads the cases (the worklist)."""
    own = Case.objects.filter(pk=OuterRef("pk"))
    last_end = own.values("pk").annotate(last=Max("interventions__end_date")).values("last")
    return cases.annotate(
        # One filter, so both conditions hold for the same intervention (a case with none
        # would otherwise match "no end" through the outer join).
        intervention_current=Exists(
            own.filter(
                Q(interventions__isnull=False) & current_intervention(today, "interventions__")
            )
        ),
        last_intervention_end=Subquery(last_end, output_field=DateField()),
    )


def intervention_facts(cases: Iterable[Case], *, today: dt.date) -> dict[int, dict]:
    """Per case, the inputs of the flag `intervention_missing` (cases.flags.case_flags): read
    from the cases when `with_intervention_facts` annotated them, else in one query."""
    cases = list(cases)
    if cases and all(hasattr(case, "intervention_current") for case in cases):
        found = cases
    else:
        ids = [case.pk for case in cases]
        found = with_intervention_facts(Case.objects.filter(pk__in=ids), today=today).only("pk")
    return {
        case.pk: {
            "intervention_current": case.intervention_current,
            "last_intervention_end": case.last_intervention_end,
        }
        for case in found
    }
