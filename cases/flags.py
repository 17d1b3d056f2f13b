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
from django.utils.translation import gettext_lazy

from samverkan.dates import add_days, add_months, age_on, days_between

from .models import Case, Phase, RuleSet

# The benefits of a sick-leave case (sjukfall), where the day-181 rule applies.
SICK_LEAVE_BENEFITS = ("sjukpenning", "rehabiliteringspenning")

OVERDUE = "overdue"
WARNING = "warning"
INFO = "info"
LEVEL_ORDER = {OVERDUE: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Flag:
    code: str
    wording: str
    deadline: dt.date | None
    level: str

    @property
    def css(self) -> str:
        return f"flag-{self.level}"


# The flags' codes as the worklist names them in its filter and legend.
FLAG_LABELS = {
    "start_due": gettext_lazy("Behovsanalysen ska starta"),
    "started_late": gettext_lazy("Sen start"),
    "over_max_days": gettext_lazy("Över längsta tid"),
    "near_max_days": gettext_lazy("Nära längsta tid"),
    "benefit_left_short": gettext_lazy("Kort ersättningstid kvar"),
    "benefit_ended": gettext_lazy("Förmånstiden slut"),
    "plan_missing": gettext_lazy("Plan saknas"),
    "closing_doc_due": gettext_lazy("Slutdokumentation"),
    "follow_up_due": gettext_lazy("Uppföljning"),
    "contact_meeting_due": gettext_lazy("Kontaktmöte föreslås"),
    "mapping_suggested": gettext_lazy("Kartläggning föreslås"),
}


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


def case_flag_inputs(cases: Iterable[Case]) -> dict[int, dict[str, Any]]:
    """Per case id, the keyword arguments of `case_flags` beyond the case, today and hidden."""
    cases = list(cases)
    inputs: dict[int, dict[str, Any]] = {case.pk: {} for case in cases}
    if cases:
        for provider in _fact_providers:
            for pk, facts in provider(cases).items():
                inputs[pk].update(facts)
    return inputs


def rules_for(case: Case) -> RuleSet:
    """The set in force when the case began (its preparation group, else its start): a case
    keeps its rules when a new set comes into force while it runs."""
    return RuleSet.for_date(case.referral_date or case.start_date or case.created_at.date())


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
) -> list[Flag]:
    """Every rule that applies to the case today, most urgent first.

    `hidden` are fields the reader may not see (cases.secrecy): rules built on them are left out,
    since a flag would reveal the fact behind it."""
    rules = rules or rules_for(case)
    flags: list[Flag] = []
    is_open = case.phase != Phase.CLOSED

    # Rule 1: at most 14 days from the preparation group to the start of the needs analysis.
    if case.referral_date:
        deadline = add_days(case.referral_date, rules.prep_to_start_days)
        if case.start_date is None and is_open:
            flags.append(
                Flag(
                    "start_due",
                    f"Behovsanalysen ska starta inom {rules.prep_to_start_days} dagar "
                    "från beredningsgruppen.",
                    deadline,
                    OVERDUE if today > deadline else INFO,
                )
            )
        elif case.start_date and case.start_date > deadline:
            flags.append(
                Flag(
                    "started_late",
                    f"Behovsanalysen startade {days_between(case.referral_date, case.start_date)} "
                    f"dagar efter beredningsgruppen (högst {rules.prep_to_start_days}).",
                    deadline,
                    INFO,
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
                    f"Längst {rules.max_days} dagar i samverkan: dag {day_number}. "
                    "Ärendet ska avslutas.",
                    limit,
                    OVERDUE,
                )
            )
        elif day_number >= rules.warn_day:
            flags.append(
                Flag(
                    "near_max_days",
                    f"Dag {day_number} av högst {rules.max_days} i samverkan.",
                    limit,
                    WARNING,
                )
            )

    fk_visible = not (hidden & {"benefit_end_date"})
    # Rule 3: at least 6 months of benefit left at registration.
    start = case.start_date or case.referral_date
    if fk_visible and start and case.benefit_end_date:
        needed = add_months(start, rules.benefit_left_months)
        if case.benefit_end_date < needed:
            flags.append(
                Flag(
                    "benefit_left_short",
                    f"Minst {rules.benefit_left_months} månaders ersättning ska återstå vid "
                    "inskrivningen.",
                    case.benefit_end_date,
                    WARNING,
                )
            )

    # Rule 6: when the benefit period has ended the case closes and AF offers ordinary support.
    if fk_visible and is_open and case.benefit_end_date and case.benefit_end_date < today:
        flags.append(
            Flag(
                "benefit_ended",
                "Förmånstiden har tagit slut: ärendet ska avslutas och Arbetsförmedlingen "
                "erbjuder ordinarie stöd.",
                case.benefit_end_date,
                OVERDUE,
            )
        )

    # Rule 7: a kontaktmöte where return to the employer before day 181 of the sick-leave case
    # is unlikely (its first day is day 1, so day 181 is sick_leave_start + 180 days) ...
    if (
        fk_visible
        and is_open
        and contact_meeting_held is False
        and case.return_unlikely_before_181
        and case.sick_leave_start
        and case.benefit in SICK_LEAVE_BENEFITS
    ):
        deadline = add_days(case.sick_leave_start, rules.contact_meeting_day - 1)
        flags.append(
            Flag(
                "contact_meeting_due",
                f"Erbjud kontaktmöte: återgång till arbetsgivaren före dag "
                f"{rules.contact_meeting_day} bedöms osannolik.",
                deadline,
                OVERDUE if today > deadline else WARNING,
            )
        )
    # ... and a joint mapping considered at least 6 months before the benefit period ends.
    if (
        fk_visible
        and is_open
        and mapping_considered is False
        and case.benefit_end_date
        and today <= case.benefit_end_date
        and today >= add_months(case.benefit_end_date, -rules.mapping_before_benefit_end_months)
    ):
        flags.append(
            Flag(
                "mapping_suggested",
                f"Överväg gemensam kartläggning: förmånstiden slutar inom "
                f"{rules.mapping_before_benefit_end_months} månader.",
                case.benefit_end_date,
                WARNING,
            )
        )

    # Rule 4: an individual plan before introduction and trial.
    if case.phase == Phase.NEEDS_ANALYSIS and has_plan is False:
        flags.append(
            Flag(
                "plan_missing",
                "En individuell plan krävs före introduktion och prövning.",
                None,
                INFO,
            )
        )

    # Rule 5: closing documentation within 21 days after the end date.
    if case.end_date and not case.closing_doc_date:
        deadline = add_days(case.end_date, rules.closing_doc_days)
        flags.append(
            Flag(
                "closing_doc_due",
                f"Slutdokumentation ska upprättas inom {rules.closing_doc_days} dagar efter "
                "avslutet.",
                deadline,
                OVERDUE if today > deadline else WARNING,
            )
        )

    # Follow-up cadence: a follow-up at least every 28 days during active support.
    if is_open and case.start_date:
        since = max(d for d in (case.start_date, last_follow_up) if d)
        deadline = add_days(since, rules.follow_up_days)
        flags.append(
            Flag(
                "follow_up_due",
                f"Uppföljning minst var {rules.follow_up_days}:e dag.",
                deadline,
                OVERDUE if today > deadline else INFO,
            )
        )

    flags.sort(key=lambda f: (LEVEL_ORDER[f.level], f.deadline or dt.date.max))
    return flags


def nearest_deadline(flags: list[Flag]) -> dt.date | None:
    dates = [f.deadline for f in flags if f.deadline]
    return min(dates) if dates else None
