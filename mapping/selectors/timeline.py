"""A person's whole story as dated events and spans (the overview's list and chart)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from cases.models import (
    WORK_OR_EDUCATION,
    Phase,
)
from samverkan.display import user_label

from ..models import (
    AgencyCode,
    Participant,
)
from .records import (
    LANE_BENEFIT,
    LANE_CASE,
    LANE_CONSENT,
    LANE_INTERVENTION,
    LANE_MAPPING,
    LANE_MEETING,
    LANE_STATUS,
    PHASE_NUMBERS,
    PersonRecords,
    TimelineEvent,
    TimelineSpan,
    _agency_names,
    _fk_facts,
    _join,
    _local_day,
    _url,
    person_records,
)
from .timeline_cases import _case_events, _phase_moves


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
                    user_label(by),
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
