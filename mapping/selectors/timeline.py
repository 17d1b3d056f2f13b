"""A person's whole story in time order, for the overview page (SPEC §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cases.flags import INFO, LEVEL_ORDER, OVERDUE, case_flags, rules_for
from cases.models import (
    WORK_OR_EDUCATION,
    Case,
    ExitReason,
    Phase,
    PhaseTransition,
    StatusEntry,
    TargetGroup,
)
from cases.secrecy import hidden_case_fields
from cases.selectors import last_follow_ups
from samverkan.dates import add_days

from ..models import (
    AgencyCode,
    Intervention,
    JointMapping,
    Meeting,
    Outcome,
    Participant,
    PlanVersion,
)
from .base import suggestion_facts

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
        return bool(self.hidden & {"benefit", "benefit_end_date", "sick_leave_start"})


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


def _user_label(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


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


def _mapping_events(records: PersonRecords) -> list[TimelineEvent]:
    hidden = records.hidden
    meeting_days = {(m.mapping_id, m.date) for m in records.meetings if m.mapping_id}
    events = []
    for m in records.mappings:
        url = _url("mapping:mapping_detail", m.pk)

        def add(day, kind, title, detail="", css="", mapping=m, url=url):
            events.append(
                TimelineEvent(
                    day, kind, title, detail, url, LANE_MAPPING, f"tl-ev-mapping {css}", mapping.pk
                )
            )

        initiator = AgencyCode(m.initiated_by).label if m.initiated_by else ""
        if m.requested_on:
            add(
                m.requested_on,
                "mapping_requested",
                _("Gemensam kartläggning begärd av %(agency)s") % {"agency": initiator},
                _join(*_fk_facts(m, hidden, band=m.get_sick_leave_band_display())),
            )
        if m.request_received_on:
            receiver = [a.label for a in AgencyCode if a.value != m.initiated_by]
            add(
                m.request_received_on,
                "mapping_received",
                _("Begäran om kartläggning mottagen"),
                receiver[0] if len(receiver) == 1 else "",
            )
        if m.first_meeting_on and (m.pk, m.first_meeting_on) not in meeting_days:
            # Registered without its meeting (e.g. imported): the date alone is the event.
            add(m.first_meeting_on, "mapping_first_meeting", _("Första kartläggningsmötet"))
        if m.decision and m.decision_date:
            waiting = [a for a in AgencyCode if not m.signed_by_agency(a.value)]
            add(
                m.decision_date,
                "mapping_decision",
                _("Beslut: %(decision)s") % {"decision": m.get_decision_display()},
                _("Väntar på bekräftelse från %(agencies)s") % {"agencies": _agency_names(waiting)}
                if m.is_open and waiting
                else "",
            )
        for agency, at, by in (
            (AgencyCode.FK, m.fk_signed_at, m.fk_signed_by),
            (AgencyCode.AF, m.af_signed_at, m.af_signed_by),
        ):
            if at:
                add(
                    _local_day(at),
                    "mapping_confirmed",
                    _("Beslutet bekräftat för %(agency)s") % {"agency": agency.label},
                    _user_label(by),
                )
        if m.ended_on:
            add(
                m.ended_on,
                "mapping_ended",
                _("Kartläggningen avslutad"),
                _join(
                    m.get_decision_display(),
                    _("ärende %(id)s öppnades") % {"id": m.case_id} if m.case_id else "",
                ),
            )
    return events


def _meeting_events(records: PersonRecords) -> list[TimelineEvent]:
    labels = dict(Participant.choices)
    mappings = {m.pk: m for m in records.mappings}
    events = []
    for meeting in records.meetings:
        title = meeting.get_kind_display()
        mapping = mappings.get(meeting.mapping_id)
        context = ""
        if mapping is not None:
            context = _("kartläggning %(id)s") % {"id": mapping.pk}
            if meeting.date == mapping.first_meeting_on:
                title = _("%(kind)s – första kartläggningsmötet") % {"kind": title}
        elif meeting.case_id:
            context = _("ärende %(id)s") % {"id": meeting.case_id}
        who = ", ".join(str(labels.get(code, code)) for code in meeting.participants or [])
        events.append(
            TimelineEvent(
                meeting.date,
                "meeting",
                title,
                _join(context, _("deltog: %(who)s") % {"who": who} if who else ""),
                _url("mapping:meeting_edit", meeting.pk),
                LANE_MEETING,
                f"tl-ev-meeting tl-meeting-{meeting.kind}",
                meeting.pk,
            )
        )
    return events


@dataclass(frozen=True)
class _Move:
    date: dt.date
    from_phase: str
    to_phase: str
    pk: int


def _phase_moves(case) -> list[_Move]:
    """The case's dated phase moves. Cases written by the services have their PhaseTransition
    rows; a case without any (e.g. written by an import or the admin) is told from its own
    dates, so that it is not missing from the story."""
    rows = [_Move(t.date, t.from_phase, t.to_phase, t.pk) for t in case.transitions.all()]
    if rows:
        return rows
    moves, last = [], ""
    for day, phase in (
        (case.referral_date, "referred"),
        (case.start_date, "needs_analysis"),
        (case.end_date if case.phase == "closed" else None, "closed"),
    ):
        if day:
            moves.append(_Move(day, last, phase, 0))
            last = phase
    return moves


def _case_events(records: PersonRecords) -> list[TimelineEvent]:
    hidden = records.hidden
    from_mapping = {m.case_id: m for m in records.mappings if m.case_id}
    events = []
    for case in records.cases:
        url = _url("cases:case_detail", case.pk)
        for t in _phase_moves(case):
            phase = Phase(t.to_phase)
            if not t.from_phase:
                mapping = from_mapping.get(case.pk)
                events.append(
                    TimelineEvent(
                        t.date,
                        "case_opened",
                        _("Ärende %(id)s öppnat: %(phase)s")
                        % {"id": case.pk, "phase": phase.label},
                        _join(
                            TargetGroup(case.target_group).label if case.target_group else "",
                            _("efter kartläggning %(id)s") % {"id": mapping.pk} if mapping else "",
                            *_fk_facts(case, hidden),
                        ),
                        url,
                        LANE_CASE,
                        f"tl-ev-case tl-phase-{phase.value}",
                        t.pk,
                    )
                )
            elif phase == Phase.CLOSED:
                reason = ExitReason(case.exit_reason).label if case.exit_reason else ""
                events.append(
                    TimelineEvent(
                        t.date,
                        "case_closed",
                        _("Ärende %(id)s avslutat") % {"id": case.pk},
                        _join(reason, _("från fas: %(p)s") % {"p": Phase(t.from_phase).label}),
                        url,
                        LANE_CASE,
                        "tl-ev-case tl-phase-closed",
                        t.pk,
                    )
                )
            else:
                events.append(
                    TimelineEvent(
                        t.date,
                        "case_phase",
                        _("Ny fas: %(phase)s") % {"phase": phase.label},
                        _("ärende %(id)s, från %(p)s")
                        % {"id": case.pk, "p": Phase(t.from_phase).label},
                        url,
                        LANE_CASE,
                        f"tl-ev-case tl-phase-{phase.value}",
                        t.pk,
                    )
                )
        if case.closing_doc_date:
            events.append(
                TimelineEvent(
                    case.closing_doc_date,
                    "closing_doc",
                    _("Slutdokumentation upprättad"),
                    _("ärende %(id)s") % {"id": case.pk},
                    url,
                    LANE_CASE,
                    "tl-ev-case",
                    case.pk,
                )
            )
        for plan in case.plan_versions.all():
            period = ""
            if plan.start_date or plan.end_date:
                period = _("period %(a)s – %(b)s") % {
                    "a": plan.start_date.isoformat() if plan.start_date else "…",
                    "b": plan.end_date.isoformat() if plan.end_date else "…",
                }
            events.append(
                TimelineEvent(
                    _local_day(plan.created_at),
                    "plan_version",
                    _("Individuell plan, version %(v)s") % {"v": plan.version},
                    _join(
                        _("mål: %(goal)s") % {"goal": Truncator(plan.goal).chars(100)},
                        period,
                        _user_label(plan.created_by),
                    ),
                    _url("cases:case_detail", case.pk, "plan-h"),
                    LANE_PLAN,
                    "tl-ev-plan",
                    plan.pk,
                )
            )
        events += _intervention_events(case)
    return events


def _intervention_events(case) -> list[TimelineEvent]:
    interventions = list(case.interventions.all())
    by_id = {i.pk: i for i in interventions}
    moved_on = {i.moved_from_id: i for i in interventions if i.moved_from_id}
    events = []
    for i in interventions:
        url = _url("mapping:intervention_detail", i.pk)
        css = f"tl-ev-intervention tl-int-{i.category}"
        category = i.get_category_display()
        provider = i.provider_name or i.get_provider_display()

        def add(day, kind, title, detail, i=i, url=url, css=css):
            events.append(
                TimelineEvent(day, kind, title, detail, url, LANE_INTERVENTION, css, i.pk)
            )

        created = _local_day(i.created_at)
        if i.moved_from_id is None and (i.start_date is None or created < i.start_date):
            add(
                created,
                "intervention_planned",
                _("Insats planerad: %(kind)s") % {"kind": i.get_kind_display()},
                _join(
                    category,
                    provider,
                    _("planerad start %(d)s") % {"d": i.planned_start.isoformat()}
                    if i.planned_start
                    else "",
                ),
            )
        if i.start_date and i.moved_from_id:
            old = by_id.get(i.moved_from_id)
            outcome = old.get_outcome_display() if old and old.outcome else ""
            add(
                i.start_date,
                "intervention_moved",
                _("Bytt till arbetslivsinriktad insats: %(kind)s") % {"kind": i.get_kind_display()},
                _join(
                    _("från %(old)s") % {"old": old.get_kind_display()} if old else "",
                    outcome,
                    provider,
                ),
            )
        elif i.start_date:
            add(
                i.start_date,
                "intervention_started",
                _("Insats startade: %(kind)s") % {"kind": i.get_kind_display()},
                _join(
                    category,
                    provider,
                    _("%(h)s tim/vecka") % {"h": f"{i.hours_per_week:g}".replace(".", ",")},
                ),
            )
        follower = moved_on.get(i.pk)
        ended_by_move = follower is not None and follower.start_date == i.end_date
        if i.end_date and not ended_by_move:
            add(
                i.end_date,
                "intervention_ended",
                _("Insats avslutad: %(kind)s") % {"kind": i.get_kind_display()},
                _join(category, Outcome(i.outcome).label if i.outcome else ""),
            )
    return events


def _fact_events(records: PersonRecords) -> list[TimelineEvent]:
    """FK's dates that frame the story (day 1 of the sick-leave case, the end of the benefit),
    once each, for readers who may see them."""
    hidden = records.hidden
    events = []
    seen = set()
    sources = [(c, _url("cases:case_detail", c.pk)) for c in records.cases] + [
        (m, _url("mapping:mapping_detail", m.pk)) for m in records.mappings
    ]
    for obj, url in sources:
        if "sick_leave_start" not in hidden and obj.sick_leave_start:
            key = ("sick_leave_start", obj.sick_leave_start)
            if key not in seen:
                seen.add(key)
                events.append(
                    TimelineEvent(
                        obj.sick_leave_start,
                        "sick_leave_start",
                        _("Sjukfallets första dag"),
                        _("dag 1 i sjukfallet"),
                        url,
                        LANE_BENEFIT,
                        "tl-ev-benefit",
                    )
                )
        end = obj.benefit_end_date
        if "benefit_end_date" not in hidden and end and end <= records.today:
            key = ("benefit_ended", end)
            if key not in seen:
                seen.add(key)
                events.append(
                    TimelineEvent(
                        end,
                        "benefit_ended",
                        _("Förmånstiden slutade"),
                        obj.get_benefit_display() if "benefit" not in hidden else "",
                        url,
                        LANE_BENEFIT,
                        "tl-ev-benefit",
                    )
                )
    return events


def _person_events(records: PersonRecords) -> list[TimelineEvent]:
    person = records.person
    events = []
    for entry in records.status_entries:
        good = entry.code.outcome_category in WORK_OR_EDUCATION
        events.append(
            TimelineEvent(
                entry.date,
                "status_entry",
                _("Status hos AF: %(name)s") % {"name": entry.code.name},
                entry.code.get_outcome_category_display(),
                _url("cases:person_detail", person.pk, "status-h"),
                LANE_STATUS,
                "tl-ev-status " + ("tl-status-work" if good else "tl-status-other"),
                entry.pk,
            )
        )
    for consent in records.consents:
        covers = []
        if consent.covers_sharing:
            covers.append(_("uppgifter mellan FK och AF"))
        if consent.covers_follow_up:
            covers.append(_("registrering för uppföljning"))
        url = _url("cases:person_detail", person.pk, "consent-h")
        events.append(
            TimelineEvent(
                consent.given_on,
                "consent_given",
                _("Rättslig grund registrerad")
                if consent.legal_basis
                else _("Samtycke registrerat"),
                _join(", ".join(str(c) for c in covers), consent.legal_basis),
                url,
                LANE_CONSENT,
                "tl-ev-consent",
                consent.pk,
            )
        )
        if consent.withdrawn_on:
            events.append(
                TimelineEvent(
                    consent.withdrawn_on,
                    "consent_withdrawn",
                    _("Samtycke återkallat"),
                    _("gällde från %(d)s") % {"d": consent.given_on.isoformat()},
                    url,
                    LANE_CONSENT,
                    "tl-ev-consent",
                    consent.pk,
                )
            )
    return events


def person_timeline(
    *, person, user, today: dt.date, records: PersonRecords | None = None
) -> list[TimelineEvent]:
    """The person's whole story, oldest first: mappings, meetings, cases and their phases, plan
    versions, interventions, AF status entries and consents. Pass `records` to reuse what the
    page already loaded."""
    records = records or person_records(person=person, user=user, today=today)
    events = (
        _mapping_events(records)
        + _meeting_events(records)
        + _case_events(records)
        + _fact_events(records)
        + _person_events(records)
    )
    return sorted(events, key=lambda e: e.sort_key)


def person_timeline_spans(
    *, person, user, today: dt.date, records: PersonRecords | None = None
) -> list[TimelineSpan]:
    """The periods behind the chart: each mapping (waiting for its first meeting, then held),
    each case phase, each started intervention. Running periods are drawn up to today."""
    records = records or person_records(person=person, user=user, today=today)
    spans = []
    for m in records.mappings:
        url = _url("mapping:mapping_detail", m.pk)
        stop = m.ended_on or today
        if m.requested_on and (m.first_meeting_on is None or m.first_meeting_on > m.requested_on):
            until = m.first_meeting_on - dt.timedelta(days=1) if m.first_meeting_on else stop
            spans.append(
                TimelineSpan(
                    LANE_MAPPING,
                    m.requested_on,
                    max(until, m.requested_on),
                    _("Kartläggning %(id)s: väntar på första mötet") % {"id": m.pk},
                    _("Väntar"),
                    "tl-mapping-waiting",
                    url,
                    running=m.first_meeting_on is None and m.is_open,
                )
            )
        if m.first_meeting_on:
            spans.append(
                TimelineSpan(
                    LANE_MAPPING,
                    m.first_meeting_on,
                    max(stop, m.first_meeting_on),
                    _("Kartläggning %(id)s") % {"id": m.pk}
                    + (f": {m.get_decision_display()}" if m.decision else ""),
                    _("Kartläggning"),
                    "tl-mapping-held",
                    url,
                    running=m.is_open,
                )
            )
    for case in records.cases:
        url = _url("cases:case_detail", case.pk)
        all_moves = _phase_moves(case)
        moves = [t for t in all_moves if t.to_phase != Phase.CLOSED]
        closed = next((t for t in all_moves if t.to_phase == Phase.CLOSED), None)
        for n, t in enumerate(moves):
            if n + 1 < len(moves):
                until = moves[n + 1].date - dt.timedelta(days=1)
            elif closed is not None:
                until = closed.date
            else:
                until = today
            phase = Phase(t.to_phase)
            spans.append(
                TimelineSpan(
                    LANE_CASE,
                    t.date,
                    max(until, t.date),
                    _("Ärende %(id)s: %(phase)s") % {"id": case.pk, "phase": phase.label},
                    str(PHASE_NUMBERS[phase.value]),
                    f"tl-phase-{phase.value}",
                    url,
                    running=closed is None and n + 1 == len(moves),
                )
            )
        for i in case.interventions.all():
            if i.start_date is None:
                continue
            spans.append(
                TimelineSpan(
                    LANE_INTERVENTION,
                    i.start_date,
                    max(i.end_date or today, i.start_date),
                    f"{i.get_kind_display()} ({i.get_category_display().lower()})",
                    i.get_kind_display(),
                    f"tl-int-{i.category}",
                    _url("mapping:intervention_detail", i.pk),
                    running=i.end_date is None,
                )
            )
    return spans


# Case flags that describe the past rather than something due.
_NOT_DUE = frozenset({"started_late"})


def person_next_deadlines(
    *, person, user, today: dt.date, records: PersonRecords | None = None
) -> list[Deadline]:
    """What is due for the person, nearest first: the case flags (cases.flags.case_flags, with
    the inputs of the case page), then work waiting without a rule-given date (a mapping
    without its first meeting, a decision one agency has not confirmed, a planned intervention
    without a planned start), longest waiting first."""
    records = records or person_records(person=person, user=user, today=today)
    items: list[Deadline] = []

    def due(day, kind, wording, level, subject, url, since=None):
        items.append(
            Deadline(
                date=day,
                kind=kind,
                wording=wording,
                level=level,
                subject=subject,
                url=url,
                days_left=(day - today).days if day else None,
                since=since,
            )
        )

    # The open case, and an ended case whose closing documentation is still missing (rule 5).
    cases = [c for c in records.cases if c.is_open or (c.end_date and not c.closing_doc_date)]
    facts = suggestion_facts(cases) if cases else {}
    follow_ups = last_follow_ups([c.pk for c in cases]) if cases else {}
    for case in cases:
        rules = rules_for(case)
        subject = str(case)
        url = _url("cases:case_detail", case.pk)
        flags = case_flags(
            case,
            today=today,
            rules=rules,
            has_plan=bool(case.plan_versions.all()),
            last_follow_up=follow_ups.get(case.pk),
            hidden=records.hidden,
            **facts[case.pk],
        )
        for flag in flags:
            if flag.code in _NOT_DUE or (not case.is_open and flag.code != "closing_doc_due"):
                continue
            due(flag.deadline, flag.code, flag.wording, flag.level, subject, url)
        if not case.is_open:
            continue
        follow_up_meetings = [
            m.date
            for m in records.meetings
            if m.case_id == case.pk and m.kind == Meeting.Kind.FOLLOW_UP
        ]
        for i in case.interventions.all():
            i_url = _url("mapping:intervention_detail", i.pk)
            if i.start_date is None:
                late = i.planned_start is not None and i.planned_start < today
                due(
                    i.planned_start,
                    "intervention_planned_start",
                    _("Planerad start: %(kind)s (%(cat)s)")
                    % {"kind": i.get_kind_display(), "cat": i.get_category_display().lower()},
                    OVERDUE if late else (INFO if i.planned_start else WAITING_LEVEL),
                    subject,
                    i_url,
                    since=_local_day(i.created_at),
                )
            elif i.end_date is None and not i.follow_up_notes.strip():
                if any(d >= i.start_date for d in follow_up_meetings):
                    continue
                # SPEC §5 follow-up cadence: at least every four weeks of active support.
                deadline = add_days(i.start_date, rules.follow_up_days)
                due(
                    deadline,
                    "intervention_follow_up",
                    _("Följ upp insatsen %(kind)s: ingen uppföljning sedan starten %(d)s.")
                    % {"kind": i.get_kind_display(), "d": i.start_date.isoformat()},
                    OVERDUE if today > deadline else INFO,
                    subject,
                    i_url,
                )

    for m in records.mappings:
        if not m.is_open:
            continue
        subject = str(m)
        url = _url("mapping:mapping_detail", m.pk)
        if m.first_meeting_on is None:
            due(
                None,
                "mapping_waiting",
                _("Kartläggningen väntar på sitt första möte."),
                WAITING_LEVEL,
                subject,
                url,
                since=m.request_received_on or m.requested_on,
            )
        if m.decision:
            waiting = [a for a in AgencyCode if not m.signed_by_agency(a.value)]
            if waiting:
                due(
                    None,
                    "decision_pending",
                    _("Beslutet (%(decision)s) väntar på bekräftelse från %(agencies)s.")
                    % {"decision": m.get_decision_display(), "agencies": _agency_names(waiting)},
                    WAITING_LEVEL,
                    subject,
                    url,
                    since=m.decision_date,
                )

    level_rank = {**LEVEL_ORDER, WAITING_LEVEL: 3}
    dated = sorted(
        (d for d in items if d.date), key=lambda d: (d.date, level_rank[d.level], d.kind)
    )
    waiting = sorted(
        (d for d in items if not d.date), key=lambda d: (d.since or dt.date.max, d.kind)
    )
    return dated + waiting
