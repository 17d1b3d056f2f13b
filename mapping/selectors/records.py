"""What a person's overview is built from: the records read in a fixed number of queries,
the event, span and deadline shapes, and small formatting helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Case,
    PhaseTransition,
    StatusEntry,
)
from cases.secrecy import hidden_case_fields

from ..models import (
    MAPPING_FK_FIELDS,
    Intervention,
    JointMapping,
    Meeting,
    PlanVersion,
)

# --- a person's whole story (the overview page) ----------------------------------------------
#
# Everything the overview shows is read here in a fixed number of queries (one per kind of
# record, with prefetches), whatever the number of meetings, phases or status entries: the
# builders below only walk lists already in memory. Secrecy (SPEC §7) is applied once, from
# cases.secrecy.hidden_case_fields, and FK's/AF's free-text notes are never part of the story.

# Within one day the events follow the order in which things happen: the mapping ends before the
# case it opened, an intervention ends before the case that closed it, a status is read last.
KIND_ORDER = (
    "consent_given",
    "sick_leave_start",
    "mapping_requested",
    "mapping_received",
    "meeting",
    "mapping_first_meeting",
    "mapping_decision",
    "mapping_confirmed",
    "mapping_ended",
    "case_opened",
    "case_phase",
    "plan_version",
    "intervention_planned",
    "intervention_started",
    "intervention_moved",
    "intervention_ended",
    "case_closed",
    "closing_doc",
    "benefit_ended",
    "status_entry",
    "consent_withdrawn",
)
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}

# Lanes of the chart and the list's tags.
LANE_MAPPING = "mapping"
LANE_CASE = "case"
LANE_PLAN = "plan"
LANE_INTERVENTION = "intervention"
LANE_MEETING = "meeting"
LANE_STATUS = "status"
LANE_CONSENT = "consent"
LANE_BENEFIT = "benefit"

# The case phases in process order (SPEC §3), numbered on the chart so that a phase reads
# without its colour.
PHASE_NUMBERS = {
    "referred": 1,
    "needs_analysis": 2,
    "introduction_trial": 3,
    "work_oriented": 4,
}

WAITING_LEVEL = "waiting"


@dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    kind: str
    title: str
    detail: str
    url: str
    lane: str
    css: str
    seq: int = 0  # the record's id: a stable order for events of one kind on one day

    @property
    def sort_key(self):
        return (self.date, _KIND_RANK[self.kind], self.seq)


@dataclass(frozen=True)
class TimelineSpan:
    """A period on the chart: a mapping (waiting / held), a case phase, an intervention."""

    lane: str
    start: dt.date
    end: dt.date  # the last day drawn; a running period is drawn up to today
    label: str
    short: str
    css: str
    url: str
    running: bool = False


@dataclass(frozen=True)
class Deadline:
    """Something due: a rule's deadline (`date`), or work that waits without a rule-given date
    (`date` None, waiting `since`)."""

    date: dt.date | None
    kind: str
    wording: str
    level: str
    subject: str
    url: str
    days_left: int | None = None
    since: dt.date | None = None

    @property
    def days_ago(self) -> int | None:
        """Days since a passed deadline (the template has no absolute-value filter)."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else None


@dataclass
class PersonRecords:
    """The person's records the user may see, loaded once for the overview."""

    person: object
    today: dt.date
    hidden: frozenset
    mappings: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    status_entries: list = field(default_factory=list)
    consents: list = field(default_factory=list)

    @property
    def fk_hidden(self) -> bool:
        return bool(self.hidden & MAPPING_FK_FIELDS)


def person_records(*, person, user, today: dt.date) -> PersonRecords:
    """Eight queries (plus the user's scope, cached per request) for any amount of history."""
    cases = (
        Case.objects.visible_to(user)
        .filter(person=person)
        .order_by("created_at", "id")
        .prefetch_related(
            Prefetch("transitions", queryset=PhaseTransition.objects.order_by("date", "id")),
            Prefetch(
                "plan_versions",
                queryset=PlanVersion.objects.select_related("created_by").order_by("version"),
            ),
            Prefetch(
                "interventions",
                queryset=Intervention.objects.order_by("start_date", "planned_start", "id"),
            ),
        )
    )
    return PersonRecords(
        person=person,
        today=today,
        hidden=hidden_case_fields(user=user, person=person, on=today),
        mappings=list(
            JointMapping.objects.visible_to(user)
            .filter(person=person)
            .select_related("fk_signed_by", "af_signed_by")
            .order_by("requested_on", "id")
        ),
        cases=list(cases),
        meetings=list(
            Meeting.objects.visible_to(user).filter(person=person).order_by("date", "id")
        ),
        status_entries=list(
            StatusEntry.objects.visible_to(user)
            .filter(person=person)
            .select_related("code")
            .order_by("date", "id")
        ),
        consents=list(person.consents.order_by("given_on", "id")),
    )


def _local_day(moment) -> dt.date:
    return timezone.localdate(moment)


def _url(name: str, pk, anchor: str = "") -> str:
    return reverse(name, args=[pk]) + (f"#{anchor}" if anchor else "")


def _join(*parts) -> str:
    return "; ".join(str(p) for p in parts if p)


def _agency_names(agencies) -> str:
    names = [str(a.label) for a in agencies]
    if len(names) == 2:
        return _("%(first)s och %(second)s") % {"first": names[0], "second": names[1]}
    return ", ".join(names)


def _fk_facts(obj, hidden: frozenset, *, band: str = "") -> list[str]:
    """FK's benefit facts of a case or mapping, only for a reader who may see them."""

    facts = []
    if "benefit" not in hidden and obj.benefit:
        facts.append(_("Ersättning: %(b)s") % {"b": obj.get_benefit_display()})
    if "benefit_end_date" not in hidden and obj.benefit_end_date:
        facts.append(_("förmånstidens slut %(d)s") % {"d": obj.benefit_end_date.isoformat()})
    if "sick_leave_start" not in hidden and band:
        facts.append(_("tid i sjukfallet: %(band)s") % {"band": band})
    return facts
