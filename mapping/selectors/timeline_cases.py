"""A case's own events on the person's timeline: its phases and its interventions (the
overview's list and chart; mapping.selectors.timeline puts the whole story together)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cases.models import (
    ExitReason,
    Phase,
    TargetGroup,
)
from samverkan.display import user_label

from ..models import (
    Outcome,
)
from .records import (
    LANE_CASE,
    LANE_INTERVENTION,
    LANE_PLAN,
    PersonRecords,
    TimelineEvent,
    _fk_facts,
    _join,
    _local_day,
    _url,
)


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
                        user_label(plan.created_by),
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
                    _("%(h)s tim/vecka") % {"h": number_format(i.hours_per_week.normalize())},
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
