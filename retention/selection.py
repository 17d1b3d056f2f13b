"""Who is due for retention on a day (the rule, once): the persons the dry run lists and the
apply purges, with the rule that picks each and the date behind it.

Two rules, both under the RetentionRule in force on the day:

- *after close*: the person has had a case, none is open, the last one closed more than
  `years_after_close` years before the day, and nothing dated has happened since then;
- *without case*: the person never had a case, and nothing dated (consent, status, joint mapping,
  meeting, nor the registration itself) has happened for more than `years_without_activity`.

"Activity" is what the officers date: case dates, consents given or withdrawn, AF status
entries, a joint mapping's dates and meetings. A row's own timestamps are not used (an import or
a correction today would otherwise keep a person whose last real event lies years back), except
the registration of a person without any case, who otherwise has no date at all.

Persons already purged (their personnummer is the placeholder, see
cases.models.person.PURGED_PREFIX) are never picked again: that makes the apply idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import DateField, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils.translation import gettext as _

from cases.models import Case, Consent, Person, StatusEntry
from mapping.models import JointMapping, Meeting
from samverkan.dates import add_months

from .models import RetentionRule

AFTER_CLOSE = "after_close"
WITHOUT_CASE = "without_case"


@dataclass(frozen=True)
class Periods:
    """The rule in force and the periods applied (a run may shorten them, e.g. for a test)."""

    rule: RetentionRule
    years_after_close: int
    years_without_activity: int

    def cutoff_after_close(self, day: dt.date) -> dt.date:
        return add_months(day, -12 * self.years_after_close)

    def cutoff_without_activity(self, day: dt.date) -> dt.date:
        return add_months(day, -12 * self.years_without_activity)


@dataclass(frozen=True)
class Candidate:
    person_id: int
    rule: str
    since: dt.date

    @property
    def reason(self) -> str:
        """Why, in words and without identity: the date the rule counts from."""
        if self.rule == AFTER_CLOSE:
            return _("sista ärendet avslutades %(day)s") % {"day": f"{self.since:%Y-%m-%d}"}
        return _("inget ärende, senaste aktivitet %(day)s") % {"day": f"{self.since:%Y-%m-%d}"}


class NoRuleInForce(Exception):
    pass


def periods_on(day: dt.date, *, years: int | None = None) -> Periods:
    """The rule in force on `day`, its periods, or both periods set to `years` for this run."""
    rule = RetentionRule.objects.in_force_on(day)
    if rule is None:
        raise NoRuleInForce(
            _("Ingen gallringsregel gäller %(day)s. Lägg in en regel i administrationen.")
            % {"day": f"{day:%Y-%m-%d}"}
        )
    if years is not None:
        return Periods(rule=rule, years_after_close=years, years_without_activity=years)
    return Periods(
        rule=rule,
        years_after_close=rule.years_after_close,
        years_without_activity=rule.years_without_activity,
    )


def _latest(queryset, expression):
    """The latest value of `expression` over the outer person's rows of `queryset`."""
    return Subquery(
        queryset.filter(person_id=OuterRef("pk"))
        .values("person_id")
        .annotate(latest=Max(expression))
        .values("latest")[:1],
        output_field=DateField(),
    )


def _with_dates(persons):
    """Annotate `last_case_end`, `last_activity` (the latest dated event, NULL when none) and
    whether the person has a case and an open one."""
    case_day = Greatest(
        Coalesce("end_date", "start_date", "referral_date"),
        Coalesce("start_date", "referral_date", "end_date"),
        Coalesce("referral_date", "start_date", "end_date"),
    )
    consent_day = Greatest("given_on", Coalesce("withdrawn_on", "given_on"))
    mapping_day = Greatest(
        "requested_on",
        "request_received_on",
        "first_meeting_on",
        "ended_on",
        "decision_date",
        "case_date",
    )
    events = [
        _latest(Case.objects.all(), case_day),
        _latest(Consent.objects.all(), consent_day),
        _latest(StatusEntry.objects.all(), F("date")),
        _latest(JointMapping.objects.all(), mapping_day),
        _latest(Meeting.objects.all(), F("date")),
    ]
    # PostgreSQL's GREATEST skips NULLs, so a person without one kind of event still counts.
    return persons.annotate(
        has_case=Exists(Case.objects.filter(person_id=OuterRef("pk"))),
        has_open_case=Exists(Case.objects.open().filter(person_id=OuterRef("pk"))),
        last_case_end=_latest(Case.objects.all(), F("end_date")),
        last_activity=Greatest(*events),
        registered_on=Cast("created_at", DateField()),
    )


def candidates(day: dt.date, periods: Periods, *, among=None) -> list[Candidate]:
    """Every person due on `day`, ordered by id (`among`: only these ids, re-checked inside a
    batch's transaction)."""
    after_close = periods.cutoff_after_close(day)
    without_activity = periods.cutoff_without_activity(day)
    persons = Person.objects.not_purged()
    if among is not None:
        persons = persons.filter(pk__in=among)
    persons = _with_dates(persons).filter(
        Q(
            has_case=True,
            has_open_case=False,
            last_case_end__lt=after_close,
        )
        & (Q(last_activity__isnull=True) | Q(last_activity__lt=after_close))
        | Q(has_case=False)
        & (Q(last_activity__isnull=True) | Q(last_activity__lt=without_activity))
        & Q(registered_on__lt=without_activity)
    )
    found = []
    for person_id, has_case, last_case_end, last_activity, registered_on in persons.order_by(
        "pk"
    ).values_list("pk", "has_case", "last_case_end", "last_activity", "registered_on"):
        if has_case:
            found.append(Candidate(person_id, AFTER_CLOSE, last_case_end))
        else:
            since = max(day for day in (last_activity, registered_on) if day is not None)
            found.append(Candidate(person_id, WITHOUT_CASE, since))
    return found
