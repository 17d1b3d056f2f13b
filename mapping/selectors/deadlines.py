"""A person's next deadlines, nearest first (the top of the overview)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from cases.flags import (
    LEVEL_ORDER,
    SINCE,
    case_flag_inputs,
    case_flags,
    level_for,
    rules_for,
)
from samverkan.dates import add_days

from ..models import (
    AgencyCode,
    Meeting,
)
from .records import (
    WAITING_LEVEL,
    Deadline,
    PersonRecords,
    _agency_names,
    _local_day,
    _url,
    person_records,
)


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
    inputs = case_flag_inputs(cases)
    for case in cases:
        rules = rules_for(case)
        subject = str(case)
        url = _url("cases:case_detail", case.pk)
        flags = case_flags(case, today=today, rules=rules, hidden=records.hidden, **inputs[case.pk])
        for flag in flags:
            if not case.is_open and flag.code != "closing_doc_due":
                continue
            if flag.date_kind == SINCE:  # a fact's date is no deadline
                due(None, flag.code, flag.wording, flag.level, subject, url, since=flag.deadline)
            else:
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
                due(
                    i.planned_start,
                    "intervention_planned_start",
                    _("Planerad start: %(kind)s (%(cat)s)")
                    % {"kind": i.get_kind_display(), "cat": i.get_category_display().lower()},
                    level_for(i.planned_start, today) if i.planned_start else WAITING_LEVEL,
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
                    level_for(deadline, today),
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
