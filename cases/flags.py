"""The rules of SPEC §3 as flags on a case: the rule's wording, its deadline and how urgent it is.

Flags are derived on read from the case, the rule set in force at its start (RuleSet.for_date)
and today's date; nothing here is stored, so a changed rule set or a new day changes them at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.dates import add_months, age_on, days_between

from .deadlines import intervention_facts
from .flag_rules import (
    DUE,
    DUE_SOON,
    DUE_SOON_DAYS,
    FLAG_RULES,
    INFO,
    OVERDUE,
    SICK_LEAVE_BENEFITS,  # noqa: F401 (read from here by other apps)
    SINCE,  # noqa: F401
    contact_meeting_date,
    level_by_date,
)
from .flag_terms import PyTerms
from .models import Case, FlagDismissal, RuleSet

# Three severities, used the same way on every page (the worklist, the case page, the overview,
# the to-do list): overdue, a deadline passed and the thing still to do; due soon, a deadline
# within DUE_SOON_DAYS (or a rule's own warning window); information, the rest. They, and when
# each flag applies, are declared in cases.flag_rules.
LEVEL_ORDER = {OVERDUE: 0, DUE_SOON: 1, INFO: 2}
LEVEL_LABELS = {
    OVERDUE: gettext_lazy("Försenad"),
    DUE_SOON: gettext_lazy("Snart"),
    INFO: gettext_lazy("Info"),
}
# The icon beside the colour and the word (never colour alone).
LEVEL_ICONS = {OVERDUE: "!", DUE_SOON: "◷", INFO: "i"}


def level_for(deadline: dt.date, today: dt.date, *, window: int = DUE_SOON_DAYS) -> str:
    """The severity of something due on `deadline`: overdue after it, due soon within `window`
    days of it, information before that (cases.flag_rules.level_by_date)."""
    return level_by_date(PyTerms(today=today), deadline, window)


@dataclass(frozen=True)
class Flag:
    code: str
    wording: str
    deadline: dt.date | None
    level: str
    # DUE or SINCE for a dated flag.
    date_kind: str = DUE

    @property
    def css(self) -> str:
        return f"flag-{self.level}"

    @property
    def short(self) -> str:
        return str(FLAG_LABELS[self.code])

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def dismissable(self) -> bool:
        return self.code in SUGGESTIONS


# The flags' short labels: the worklist's columns, filter and legend.
FLAG_LABELS = {
    "start_due": gettext_lazy("Starta behovsanalys"),
    "over_max_days": gettext_lazy("Över längsta tid"),
    "near_max_days": gettext_lazy("Nära längsta tid"),
    "benefit_ended": gettext_lazy("Förmånstiden slut"),
    "plan_missing": gettext_lazy("Plan saknas"),
    "closing_doc_due": gettext_lazy("Slutdokumentation"),
    "follow_up_due": gettext_lazy("Uppföljning"),
    "intervention_missing": gettext_lazy("Ingen insats"),
    "contact_meeting_due": gettext_lazy("Kontaktmöte"),
    "mapping_suggested": gettext_lazy("Kartläggning"),
}
# Suggestions (SPEC §3 rule 7) rather than rules: an officer may mark one not relevant for a
# case, with a reason (cases.FlagDismissal).
SUGGESTIONS = {
    "contact_meeting_due": gettext_lazy("Erbjud kontaktmöte"),
    "mapping_suggested": gettext_lazy("Överväg gemensam kartläggning"),
}


# --- the inputs of case_flags -------------------------------------------------------------------
#
# Beyond the case itself, the rules read facts kept by the layer above (the individual plan, the
# follow-up meetings, the meetings held and mappings considered: mapping.selectors). That layer
# registers its facts in mapping.apps as SQL annotations of a query of cases, so the worklist
# can sort and filter a whole area by them (cases.worklist_query) and every page reads them for
# all its cases at once (`case_flag_inputs`): the worklist, the case page and the overview's
# deadlines flag alike, in a fixed number of queries.
CaseFactsProvider = Callable[[], dict[str, Any]]
_fact_providers: list[CaseFactsProvider] = []


def provide_case_facts(provider: CaseFactsProvider) -> None:
    if provider not in _fact_providers:
        _fact_providers.append(provider)


def case_fact_annotations() -> dict[str, Any]:
    """The registered facts, name: SQL expression over a query of cases."""
    annotations: dict[str, Any] = {}
    for provider in _fact_providers:
        annotations.update(provider())
    return annotations


def case_fact_names() -> tuple[str, ...]:
    """The names of the registered facts. Building their expressions to learn the names costs
    about a millisecond, and a page of the worklist asks them several times: kept per process
    for the providers registered (the names do not depend on the data or the day)."""
    providers = tuple(_fact_providers)
    if _fact_names[0] != providers:
        _fact_names[:] = [providers, tuple(case_fact_annotations())]
    return _fact_names[1]


_fact_names: list = [None, ()]  # [the providers, their facts' names]


def with_case_facts(cases):
    """`cases` (a query) annotated with the registered facts, read by `case_flag_inputs`."""
    return cases.annotate(**case_fact_annotations())


def with_flag_inputs(cases, *, today: dt.date):
    """`cases` (a query) annotated with everything `case_flag_inputs` reads beyond the case and
    its suggestions marked not relevant: their interventions (cases.deadlines) and the layer
    above's facts. A page that reads its cases so asks no query of its own for them."""
    from .deadlines import with_intervention_facts

    return with_case_facts(with_intervention_facts(cases, today=today))


def _layer_facts(cases: list[Case]) -> dict[int, dict[str, Any]]:
    """The registered facts per case: from the cases when `with_case_facts` annotated them,
    else in one query."""
    names = case_fact_names()
    if not names:
        return {}
    if all(hasattr(case, name) for case in cases for name in names):
        return {case.pk: {name: getattr(case, name) for name in names} for case in cases}
    rows = (
        Case.objects.filter(pk__in=[case.pk for case in cases])
        .annotate(**case_fact_annotations())
        .values("pk", *names)
    )
    return {row.pop("pk"): row for row in rows}


def case_flag_inputs(
    cases: Iterable[Case], *, today: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """Per case id, the keyword arguments of `case_flags` beyond the case, today and hidden."""
    cases = list(cases)
    inputs: dict[int, dict[str, Any]] = {case.pk: {} for case in cases}
    if cases:
        # The case's own interventions (cases.deadlines), then the layers above.
        for pk, facts in intervention_facts(cases, today=today or timezone.localdate()).items():
            inputs[pk].update(facts)
        for pk, facts in _layer_facts(cases).items():
            inputs[pk].update(facts)
        dismissed: dict[int, set[str]] = {}
        for pk, code in _dismissals(cases):
            dismissed.setdefault(pk, set()).add(code)
        for pk, codes in dismissed.items():
            inputs[pk]["dismissed"] = frozenset(codes)
    return inputs


def _dismissals(cases: list[Case]):
    """(case id, code) of the suggestions marked not relevant: from the cases when the query
    that read them brought their codes (`dismissed_codes`, cases.worklist_query), else in one
    query."""
    if all(hasattr(case, "dismissed_codes") for case in cases):
        return [(case.pk, code) for case in cases for code in case.dismissed_codes]
    return FlagDismissal.objects.filter(case_id__in=[case.pk for case in cases]).values_list(
        "case_id", "code"
    )


def rules_for(case: Case, sets: list[RuleSet] | None = None) -> RuleSet:
    """The set in force when the case began (its preparation group, else its start): a case
    keeps its rules when a new set comes into force while it runs. `sets`: RuleSet.all_sets(),
    read once for a list of cases."""
    # A case being created has no registration time yet: today's (UTC) date, as it will get.
    created = case.created_at or timezone.now()
    day = case.referral_date or case.start_date or created.astimezone(dt.UTC).date()
    return RuleSet.for_date(day) if sets is None else RuleSet.in_force(sets, day)


def is_young(case: Case, rules: RuleSet | None = None, today: dt.date | None = None) -> bool:
    """Priority group "young": 29 years or younger at start (SPEC §3)."""
    rules = rules or rules_for(case)
    day = case.start_date or case.referral_date or today or timezone.localdate()
    return age_on(case.person.birth_date, day) <= rules.young_max_age


def benefit_ends_priority(case: Case, rules: RuleSet | None = None) -> bool:
    """Priority group "benefit ends": the benefit's end date within 12 months of start."""
    rules = rules or rules_for(case)
    start = case.start_date or case.referral_date
    if not (start and case.benefit_end_date):
        return False
    return case.benefit_end_date <= add_months(start, rules.benefit_priority_months)


# What each flag says, from the case, its rules and today.
WORDINGS: dict[str, Callable[[Case, RuleSet, dt.date], str]] = {
    "start_due": lambda case, rules, today: (
        _("Starta behovsanalysen: högst %(days)s dagar från beredningsgruppen.")
        % {"days": rules.prep_to_start_days}
    ),
    "over_max_days": lambda case, rules, today: (
        _("Dag %(day)s: längst %(max)s dagar i samverkan. Avsluta ärendet.")
        % {"day": days_between(case.start_date, today), "max": rules.max_days}
    ),
    "near_max_days": lambda case, rules, today: (
        _("Dag %(day)s av högst %(max)s i samverkan: planera avslutet.")
        % {"day": days_between(case.start_date, today), "max": rules.max_days}
    ),
    "benefit_ended": lambda case, rules, today: _(
        "Förmånstiden har tagit slut: avsluta ärendet. Arbetsförmedlingen erbjuder ordinarie stöd."
    ),
    "contact_meeting_due": lambda case, rules, today: (
        _("Erbjud kontaktmöte före dag %(day)s: återgång till arbetsgivaren bedöms osannolik.")
        % {"day": rules.contact_meeting_day}
    ),
    "mapping_suggested": lambda case, rules, today: (
        _("Överväg gemensam kartläggning: förmånstiden slutar inom %(months)s månader.")
        % {"months": rules.mapping_before_benefit_end_months}
    ),
    "plan_missing": lambda case, rules, today: _(
        "Upprätta en individuell plan: den krävs före introduktion och prövning."
    ),
    "closing_doc_due": lambda case, rules, today: (
        _("Upprätta slutdokumentationen: inom %(days)s dagar efter avslutet.")
        % {"days": rules.closing_doc_days}
    ),
    "follow_up_due": lambda case, rules, today: (
        _("Följ upp: minst var %(days)s:e dag.") % {"days": rules.follow_up_days}
    ),
    "intervention_missing": lambda case, rules, today: (
        _("Ingen pågående eller planerad insats: planera en insats, högst %(days)s dagar utan.")
        % {"days": rules.max_days_without_intervention}
    ),
}


def case_flags(
    case: Case,
    *,
    today: dt.date,
    rules: RuleSet | None = None,
    has_plan: bool | None = None,
    last_follow_up: dt.date | None = None,
    hidden: frozenset[str] = frozenset(),
    contact_meeting_held: bool | None = None,
    mapping_considered: bool | None = None,
    dismissed: frozenset[str] = frozenset(),
    intervention_current: bool | None = None,
    last_intervention_end: dt.date | None = None,
) -> list[Flag]:
    """What is to do on the case today under the rules, most urgent first.

    `hidden` are fields the reader may not see (cases.secrecy): rules built on them are left out,
    since a flag would reveal the fact behind it. `dismissed` are suggestions an officer marked
    not relevant for the case (cases.FlagDismissal). Rules broken at a point already past are
    not flags but deviations (`case_deviations`). When a flag applies, its date and severity
    are declared in cases.flag_rules, which the worklist evaluates in SQL too; deadlines come
    from cases.deadlines, the ones the timeliness figures evaluate in SQL."""
    rules = rules or rules_for(case)
    terms = PyTerms(
        today=today,
        case=case,
        rules=rules,
        facts={
            "has_plan": has_plan,
            "last_follow_up": last_follow_up,
            "contact_meeting_held": contact_meeting_held,
            "mapping_considered": mapping_considered,
            "intervention_current": intervention_current,
            "last_intervention_end": last_intervention_end,
        },
        fk_visible=not (hidden & {"benefit_end_date"}),
        dismissed=dismissed,
    )
    flags: list[Flag] = []
    for rule in FLAG_RULES:
        if rule.applies(terms):
            day = rule.date(terms)
            flags.append(
                Flag(
                    rule.code,
                    WORDINGS[rule.code](case, rules, today),
                    day,
                    rule.level(terms, day),
                    rule.date_kind,
                )
            )
    flags.sort(key=lambda f: (LEVEL_ORDER[f.level], f.deadline or dt.date.max))
    return flags


def contact_meeting_day(case: Case, rules: RuleSet) -> dt.date | None:
    """Day 181 of the sick-leave case when a kontaktmöte is called for (SPEC §3 rule 7,
    cases.flag_rules.contact_meeting_date)."""
    return contact_meeting_date(PyTerms(today=timezone.localdate(), case=case, rules=rules))


def nearest_due(flags: list[Flag]) -> Flag | None:
    """The flag whose deadline comes first (a fact's date, "since", is no deadline)."""
    dated = [f for f in flags if f.deadline and f.date_kind == DUE]
    return min(dated, key=lambda f: (f.deadline, LEVEL_ORDER[f.level])) if dated else None
