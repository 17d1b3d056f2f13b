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

from samverkan.dates import add_days, add_months, age_on, days_between

from .deadlines import CLOSING_DOC, FOLLOW_UP, INTERVENTION, START, intervention_facts
from .models import Case, FlagDismissal, Phase, RuleSet

# The benefits of a sick-leave case (sjukfall), where the day-181 rule applies.
SICK_LEAVE_BENEFITS = ("sjukpenning", "rehabiliteringspenning")

# Three severities, used the same way on every page (the worklist, the case page, the overview,
# the to-do list): overdue, a deadline passed and the thing still to do; due soon, a deadline
# within DUE_SOON_DAYS (or a rule's own warning window); information, the rest.
OVERDUE = "overdue"
DUE_SOON = "due_soon"
INFO = "info"
LEVEL_ORDER = {OVERDUE: 0, DUE_SOON: 1, INFO: 2}
LEVEL_LABELS = {
    OVERDUE: gettext_lazy("Försenad"),
    DUE_SOON: gettext_lazy("Snart"),
    INFO: gettext_lazy("Info"),
}
# The icon beside the colour and the word (never colour alone).
LEVEL_ICONS = {OVERDUE: "!", DUE_SOON: "◷", INFO: "i"}
DUE_SOON_DAYS = 7

# What a flag's date means: a deadline ("senast") or the day a fact began ("sedan").
DUE = "due"
SINCE = "since"


def level_for(deadline: dt.date, today: dt.date, *, window: int = DUE_SOON_DAYS) -> str:
    """The severity of something due on `deadline`: overdue after it, due soon within `window`
    days of it, information before that."""
    if today > deadline:
        return OVERDUE
    if (deadline - today).days <= window:
        return DUE_SOON
    return INFO


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
# Phases in which a kontaktmöte can still help the return to the employer: once the case has
# moved on to introduction and trial, the suggestion no longer applies.
CONTACT_MEETING_PHASES = frozenset({Phase.REFERRED, Phase.NEEDS_ANALYSIS})


# --- the inputs of case_flags -------------------------------------------------------------------
#
# Beyond the case itself, the rules read facts kept by the layer above (the individual plan, the
# follow-up meetings, the meetings held and mappings considered: mapping.selectors). That layer
# registers one provider in mapping.apps; every page asks `case_flag_inputs` for all its cases at
# once, so the worklist, the case page and the overview's deadlines flag alike, in a fixed
# number of queries.
CaseFactsProvider = Callable[[list[Case]], dict[int, dict[str, Any]]]
_fact_providers: list[CaseFactsProvider] = []


def provide_case_facts(provider: CaseFactsProvider) -> None:
    if provider not in _fact_providers:
        _fact_providers.append(provider)


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
        for provider in _fact_providers:
            for pk, facts in provider(cases).items():
                inputs[pk].update(facts)
        dismissed: dict[int, set[str]] = {}
        for pk, code in FlagDismissal.objects.filter(case_id__in=list(inputs)).values_list(
            "case_id", "code"
        ):
            dismissed.setdefault(pk, set()).add(code)
        for pk, codes in dismissed.items():
            inputs[pk]["dismissed"] = frozenset(codes)
    return inputs


def rules_for(case: Case, sets: list[RuleSet] | None = None) -> RuleSet:
    """The set in force when the case began (its preparation group, else its start): a case
    keeps its rules when a new set comes into force while it runs. `sets`: RuleSet.all_sets(),
    read once for a list of cases."""
    day = case.referral_date or case.start_date or case.created_at.date()
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
    not flags but deviations (`case_deviations`). Deadlines come from the declarations in
    cases.deadlines, the ones the timeliness figures evaluate in SQL."""
    rules = rules or rules_for(case)
    flags: list[Flag] = []
    is_open = case.phase != Phase.CLOSED

    # Rule 1: at most 14 days from the preparation group to the start of the needs analysis.
    if case.referral_date and case.start_date is None and is_open:
        deadline = START.due(rules, referral_date=case.referral_date)
        flags.append(
            Flag(
                "start_due",
                _("Starta behovsanalysen: högst %(days)s dagar från beredningsgruppen.")
                % {"days": rules.prep_to_start_days},
                deadline,
                level_for(deadline, today),
            )
        )

    # Rule 2: at most 365 days in samverkan, warned from day 300.
    if is_open and case.start_date:
        limit = add_days(case.start_date, rules.max_days)
        day_number = days_between(case.start_date, today)
        if today > limit:
            flags.append(
                Flag(
                    "over_max_days",
                    _("Dag %(day)s: längst %(max)s dagar i samverkan. Avsluta ärendet.")
                    % {"day": day_number, "max": rules.max_days},
                    limit,
                    OVERDUE,
                )
            )
        elif day_number >= rules.warn_day:
            flags.append(
                Flag(
                    "near_max_days",
                    _("Dag %(day)s av högst %(max)s i samverkan: planera avslutet.")
                    % {"day": day_number, "max": rules.max_days},
                    limit,
                    DUE_SOON,
                )
            )

    fk_visible = not (hidden & {"benefit_end_date"})
    # Rule 6: when the benefit period has ended the case closes and AF offers ordinary support.
    if fk_visible and is_open and case.benefit_end_date and case.benefit_end_date < today:
        flags.append(
            Flag(
                "benefit_ended",
                _(
                    "Förmånstiden har tagit slut: avsluta ärendet. Arbetsförmedlingen erbjuder "
                    "ordinarie stöd."
                ),
                case.benefit_end_date,
                OVERDUE,
                SINCE,
            )
        )

    # Rule 7: a kontaktmöte where return to the employer before day 181 of the sick-leave case
    # is unlikely, while it can still help: until day 181 and before the case moves on from the
    # needs analysis (after day 181 a meeting not held is a deviation, `case_deviations`) ...
    deadline = contact_meeting_day(case, rules)
    if (
        fk_visible
        and deadline is not None
        and today <= deadline
        and case.phase in CONTACT_MEETING_PHASES
        and "contact_meeting_due" not in dismissed
        and contact_meeting_held is False
    ):
        flags.append(
            Flag(
                "contact_meeting_due",
                _(
                    "Erbjud kontaktmöte före dag %(day)s: återgång till arbetsgivaren bedöms "
                    "osannolik."
                )
                % {"day": rules.contact_meeting_day},
                deadline,
                level_for(deadline, today),
            )
        )
    # ... and a joint mapping considered at least 6 months before the benefit period ends.
    if (
        fk_visible
        and is_open
        and "mapping_suggested" not in dismissed
        and mapping_considered is False
        and case.benefit_end_date
        and today <= case.benefit_end_date
        and today >= add_months(case.benefit_end_date, -rules.mapping_before_benefit_end_months)
    ):
        flags.append(
            Flag(
                "mapping_suggested",
                _("Överväg gemensam kartläggning: förmånstiden slutar inom %(months)s månader.")
                % {"months": rules.mapping_before_benefit_end_months},
                case.benefit_end_date,
                level_for(case.benefit_end_date, today),
            )
        )

    # Rule 4: an individual plan before introduction and trial.
    if case.phase == Phase.NEEDS_ANALYSIS and has_plan is False:
        flags.append(
            Flag(
                "plan_missing",
                _("Upprätta en individuell plan: den krävs före introduktion och prövning."),
                None,
                INFO,
            )
        )

    # Rule 5: closing documentation within 21 days after the end date.
    if case.closing_doc_due():
        deadline = CLOSING_DOC.due(rules, end_date=case.end_date)
        flags.append(
            Flag(
                "closing_doc_due",
                _("Upprätta slutdokumentationen: inom %(days)s dagar efter avslutet.")
                % {"days": rules.closing_doc_days},
                deadline,
                level_for(deadline, today),
            )
        )

    # Follow-up cadence: a follow-up at least every 28 days during active support.
    if is_open and case.start_date:
        deadline = FOLLOW_UP.due(rules, start_date=case.start_date, last_follow_up=last_follow_up)
        flags.append(
            Flag(
                "follow_up_due",
                _("Följ upp: minst var %(days)s:e dag.") % {"days": rules.follow_up_days},
                deadline,
                level_for(deadline, today),
            )
        )

    # Support during the whole enrolment: no intervention running or planned for at most
    # max_days_without_intervention days, counted from the start or the last one's end.
    if is_open and case.start_date and intervention_current is False:
        deadline = INTERVENTION.due(
            rules, start_date=case.start_date, last_intervention_end=last_intervention_end
        )
        flags.append(
            Flag(
                "intervention_missing",
                _(
                    "Ingen pågående eller planerad insats: planera en insats, högst %(days)s "
                    "dagar utan."
                )
                % {"days": rules.max_days_without_intervention},
                deadline,
                level_for(deadline, today),
            )
        )

    flags.sort(key=lambda f: (LEVEL_ORDER[f.level], f.deadline or dt.date.max))
    return flags


def contact_meeting_day(case: Case, rules: RuleSet) -> dt.date | None:
    """Day 181 of the sick-leave case (its first day is day 1, so sick_leave_start + 180 days)
    when a kontaktmöte is called for: a sick-leave benefit and return to the employer before
    that day unlikely (SPEC §3 rule 7)."""
    if not (
        case.return_unlikely_before_181
        and case.sick_leave_start
        and case.benefit in SICK_LEAVE_BENEFITS
    ):
        return None
    return add_days(case.sick_leave_start, rules.contact_meeting_day - 1)


def nearest_due(flags: list[Flag]) -> Flag | None:
    """The flag whose deadline comes first (a fact's date, "since", is no deadline)."""
    dated = [f for f in flags if f.deadline and f.date_kind == DUE]
    return min(dated, key=lambda f: (f.deadline, LEVEL_ORDER[f.level])) if dated else None
