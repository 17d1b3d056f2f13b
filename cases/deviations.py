"""Rules of SPEC §3 broken at a point already past: recorded on the case as deviations, not
shown as open deadlines (a flag is something still to do, cases.flags)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.dates import add_days, add_months, days_between

from .flags import contact_meeting_day, rules_for
from .models import Case, RuleSet


@dataclass(frozen=True)
class Deviation:
    """A rule broken at a point already past (SPEC §3): recorded on the case, not a deadline."""

    code: str
    wording: str
    day: dt.date | None


DEVIATION_LABELS = {
    "started_late": gettext_lazy("Sen start"),
    "benefit_left_short": gettext_lazy("Kort ersättningstid vid inskrivningen"),
    "contact_meeting_missed": gettext_lazy("Inget kontaktmöte före dag 181"),
}


def case_deviations(
    case: Case,
    *,
    today: dt.date,
    rules: RuleSet | None = None,
    hidden: frozenset[str] = frozenset(),
    contact_meeting_held: bool | None = None,
    dismissed: frozenset[str] = frozenset(),
    **_other_inputs,
) -> list[Deviation]:
    """The rules the case broke at a point already past, recorded on the case (SPEC §3): a
    needs analysis started later than 14 days after the preparation group (rule 1), a
    registration with less benefit left than the rule asks (rule 3), and no kontaktmöte by day
    181 where one was called for (rule 7). Nothing to do any more, so no deadline and no place
    on the worklist. Takes the same inputs as `case_flags` (cases.flags.case_flag_inputs)."""
    rules = rules or rules_for(case)
    deviations: list[Deviation] = []
    fk_visible = not (hidden & {"benefit_end_date"})
    day_181 = contact_meeting_day(case, rules)
    if (
        fk_visible
        and day_181 is not None
        and today > day_181
        and contact_meeting_held is False
        and "contact_meeting_due" not in dismissed
        # only a case that ran before day 181 could have held it
        and (case.referral_date or case.start_date or case.created_at.date()) <= day_181
    ):
        deviations.append(
            Deviation(
                "contact_meeting_missed",
                _("Inget kontaktmöte hölls före dag %(day)s av sjukfallet (%(date)s).")
                % {"day": rules.contact_meeting_day, "date": day_181.isoformat()},
                day_181,
            )
        )
    if case.referral_date and case.start_date:
        deadline = add_days(case.referral_date, rules.prep_to_start_days)
        if case.start_date > deadline:
            deviations.append(
                Deviation(
                    "started_late",
                    _(
                        "Behovsanalysen startade %(days)s dagar efter beredningsgruppen "
                        "(högst %(max)s)."
                    )
                    % {
                        "days": days_between(case.referral_date, case.start_date),
                        "max": rules.prep_to_start_days,
                    },
                    case.start_date,
                )
            )
    start = case.start_date or case.referral_date
    if fk_visible and start and case.benefit_end_date:
        if case.benefit_end_date < add_months(start, rules.benefit_left_months):
            deviations.append(
                Deviation(
                    "benefit_left_short",
                    _(
                        "Inskriven med ersättning till %(end)s: minst %(months)s månader ska "
                        "återstå vid inskrivningen."
                    )
                    % {
                        "end": case.benefit_end_date.isoformat(),
                        "months": rules.benefit_left_months,
                    },
                    start,
                )
            )
    return deviations
