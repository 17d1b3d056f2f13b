"""The preparation group's work (SPEC §3): sessions, the people presented, the decisions, the
protocol. Every write goes through these functions, with the history and the access log.

What a decision does to the case, in one place:
- admitted: the case's preparation-group day becomes the session's day (the 14-day rule counts
  from the admitting session); given a start day, the case starts its needs analysis then;
- not admitted: the case closes on the session's day with the exit reason "not admitted" (it
  never started: no outcome, no closing documentation);
- postponed: the case stays referred, to be presented at a later session;
- a consultation answered: nothing changes in any case.
A decision is recorded once; the protocol is closed (justerat) when every referral has one, and
nothing in it changes after that."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.models import AccessLog
from cases.flags import benefit_ends_priority, is_young, rules_for
from cases.models import Case, ExitReason, Person, Phase
from cases.services import case_transition, case_update
from samverkan.dates import add_days, add_months
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    require_not_future,
    require_plausible,
    save_logged,
    save_new_version,
    today_or,
)

from .models import REASONS_FOR, Decision, Kind, Reason, Referral, Session

PURPOSE = "beredningsgrupp"
# A session can be planned this far ahead.
PLAN_AHEAD_DAYS = 366


def may_take_part(user, area_id: int) -> bool:
    """The area's officers and coordinators (case access in the area) run its sessions."""
    scope = scope_for(user)
    return scope.case_access and area_id in scope.area_ids


def _require(context: AccessContext, area_id: int) -> None:
    user = actor(context)
    if user is None or not may_take_part(user, area_id):
        raise PermissionDenied(_("Beredningsgruppen är områdets handläggares och samordnares."))


def _require_open(session: Session) -> None:
    if session.is_closed:
        raise ValidationError(_("Protokollet är justerat och kan inte ändras."))


def _check_attendees(area_id: int, attendees) -> None:
    outside = [u for u in attendees if not may_take_part(u, area_id)]
    if outside:
        raise ValidationError(
            {"attendees": _("Deltagarna ska vara handläggare eller samordnare i området.")}
        )


@transaction.atomic
def session_create(
    *,
    area,
    held_on: dt.date,
    group=None,
    attendees=(),
    other_attendees: str = "",
    context: AccessContext,
    today: dt.date | None = None,
) -> Session:
    today = today_or(today)
    _require(context, area.pk)
    if held_on is None:
        raise ValidationError({"held_on": _("Ange mötesdag.")})
    require_plausible(held_on=held_on)
    if held_on > add_days(today, PLAN_AHEAD_DAYS):
        raise ValidationError({"held_on": _("Ett möte kan planeras högst ett år framåt.")})
    if group is not None and group.area_id != area.pk:
        raise ValidationError({"group": _("Beredningsgruppen hör till ett annat område.")})
    _check_attendees(area.pk, attendees)
    session = Session(
        area=area,
        group=group,
        held_on=held_on,
        other_attendees=(other_attendees or "").strip(),
        created_by=actor(context),
    )
    session.full_clean()
    save_logged(session, context=context, action=AccessLog.Action.CREATE, purpose=PURPOSE)
    session.attendees.set(attendees)
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    expected_version: int | None,
    data: dict,
    context: AccessContext,
    today: dt.date | None = None,
) -> Session:
    """The attendees, the other attendees and the protocol's notes; the day while nothing is
    decided yet."""
    today = today_or(today)
    current = lock_for_update(Session, session.pk, expected_version)
    _require(context, current.area_id)
    _require_open(current)
    changed = []
    attendees = data.pop("attendees", None)
    for field, value in data.items():
        if field not in ("held_on", "other_attendees", "notes"):
            raise ValueError(f"{field} cannot be changed here")
        value = value.strip() if isinstance(value, str) else value
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if "held_on" in changed:
        require_plausible(held_on=current.held_on)
        if current.referrals.exclude(decision="").exists():
            raise ValidationError(
                {"held_on": _("Mötesdagen kan inte ändras när beslut är registrerade.")}
            )
        if current.held_on > add_days(today, PLAN_AHEAD_DAYS):
            raise ValidationError({"held_on": _("Ett möte kan planeras högst ett år framåt.")})
    if attendees is not None:
        _check_attendees(current.area_id, attendees)
        if set(current.attendees.all()) != set(attendees):
            current.attendees.set(attendees)
            changed.append("attendees")
    if not changed:
        return current
    current.full_clean()
    return save_new_version(current, changed, context=context)


TEXT_MAX = 4000


def _require_length(**texts) -> None:
    for field, value in texts.items():
        if value and len(value) > TEXT_MAX:
            raise ValidationError({field: _("Högst %(n)d tecken.") % {"n": TEXT_MAX}})


def still_referred(referral: Referral, session: Session) -> bool:
    """The case is still waiting for the group in the session's area: not moved to another area,
    not closed or started meanwhile. A referral whose case has left needs no decision (the
    protocol can be closed without it, and the old area no longer shows the person)."""
    case = referral.case
    return case.area_id == session.area_id and case.phase == Phase.REFERRED


def presentable_cases(area_id: int):
    """The area's referred cases that may be taken up: not waiting for a decision at another
    session and not already admitted (postponed ones come back)."""
    return Case.objects.filter(area_id=area_id, phase=Phase.REFERRED).exclude(
        referrals__decision__in=["", Decision.ADMITTED]
    )


def assessment_from_case(case: Case, on: dt.date) -> dict:
    """What the case already says about the needs criteria, as the form's starting point."""
    rules = rules_for(case)
    months = None
    if case.benefit_end_date and case.benefit_end_date >= on:
        months = 0
        while add_months(on, months + 1) <= case.benefit_end_date:
            months += 1
    return {
        "in_target_group": "yes" if case.target_group else "",
        "priority_young": is_young(case, rules, on),
        "priority_benefit_ends": benefit_ends_priority(case, rules),
        "benefit_months_left": months,
    }


@transaction.atomic
def referral_add(
    *,
    session: Session,
    context: AccessContext,
    case: Case | None = None,
    person: Person | None = None,
    question: str = "",
) -> Referral:
    """FK presents a referred case, or AF asks FK about a person (a consultation)."""
    current = Session.objects.select_for_update().get(pk=session.pk)
    _require(context, current.area_id)
    _require_open(current)
    if case is not None:
        if case.area_id != current.area_id:
            raise ValidationError({"case": _("Ärendet hör till ett annat område.")})
        if case.phase != Phase.REFERRED:
            raise ValidationError(
                {"case": _("Bara ärenden som är anmälda till beredningsgruppen kan tas upp.")}
            )
        if case.referral_date and case.referral_date > current.held_on:
            raise ValidationError({"case": _("Ärendet anmäldes efter mötesdagen.")})
        if not presentable_cases(current.area_id).filter(pk=case.pk).exists():
            raise ValidationError(
                {"case": _("Ärendet väntar redan på ett beslut eller är redan antaget.")}
            )
        person, kind = case.person, Kind.REFERRAL
        initial = assessment_from_case(case, current.held_on)
    else:
        if person is None or person.area_id != current.area_id:
            raise ValidationError({"person": _("Välj en person i området.")})
        if not (question or "").strip():
            raise ValidationError({"question": _("Skriv AF:s fråga.")})
        _require_length(question=question)
        kind, initial = Kind.CONSULTATION, {}
    if current.referrals.filter(person=person).exists():
        raise ValidationError({"case": _("Personen är redan upptagen på mötet.")})
    last = current.referrals.aggregate(last=Max("position"))["last"] or 0
    referral = Referral(
        session=current,
        kind=kind,
        person=person,
        case=case,
        position=last + 1,
        question=(question or "").strip(),
        **initial,
    )
    referral.full_clean()
    return save_logged(referral, context=context, action=AccessLog.Action.CREATE, purpose=PURPOSE)


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    expected_version: int | None,
    decision: str,
    reason: str,
    reason_text: str = "",
    in_target_group: str = "",
    priority_young: bool = False,
    priority_benefit_ends: bool = False,
    benefit_months_left: int | None = None,
    needs: str = "",
    start_on: dt.date | None = None,
    context: AccessContext,
    today: dt.date | None = None,
) -> Referral:
    """Record the assessment and the decision (see the module's docstring for what follows)."""
    today = today_or(today)
    current = lock_for_update(Referral, referral.pk, expected_version)
    session = Session.objects.select_for_update().get(pk=current.session_id)
    _require(context, session.area_id)
    _require_open(session)
    if current.decision:
        raise ValidationError(_("Beslutet är redan registrerat."))
    if current.case_id is not None and not still_referred(current, session):
        raise ValidationError(_("Ärendet är inte längre anmält till beredningsgruppen i området."))
    _require_length(reason_text=reason_text, needs=needs)
    if session.held_on > today:
        raise ValidationError(_("Beslut registreras på eller efter mötesdagen."))
    allowed = (
        [Decision.CONSULTATION_ANSWERED]
        if current.kind == Kind.CONSULTATION
        else [Decision.ADMITTED, Decision.NOT_ADMITTED, Decision.POSTPONED]
    )
    if decision not in allowed:
        raise ValidationError({"decision": _("Välj ett beslut som gäller för ärendet.")})
    if reason not in REASONS_FOR[Decision(decision)]:
        raise ValidationError({"reason": _("Välj ett skäl som hör till beslutet.")})
    reason_text = (reason_text or "").strip()
    if not reason_text and (reason == Reason.OTHER or decision == Decision.NOT_ADMITTED):
        raise ValidationError(
            {"reason_text": _("Motivera beslutet: den som inte antas ska kunna få veta varför.")}
        )
    if start_on is not None and decision != Decision.ADMITTED:
        raise ValidationError({"start_on": _("Bara den som antas kan starta behovsanalysen.")})
    if start_on is not None:
        require_not_future("start_on", start_on, today)
        if start_on < session.held_on:
            raise ValidationError({"start_on": _("Starten kan inte ligga före mötet.")})
    current.decision = decision
    current.reason = reason
    current.reason_text = reason_text
    current.in_target_group = in_target_group or ""
    current.priority_young = bool(priority_young)
    current.priority_benefit_ends = bool(priority_benefit_ends)
    current.benefit_months_left = benefit_months_left
    current.needs = (needs or "").strip()
    current.decided_by = actor(context)
    current.full_clean()
    changed = ["decision", "reason", "reason_text", "in_target_group", "needs"]
    changed += ["priority_young", "priority_benefit_ends", "benefit_months_left"]
    save_new_version(current, changed, context=context)
    if current.case_id is not None:
        _follow_through(current, session, start_on=start_on, context=context, today=today)
    return current


def _follow_through(referral, session, *, start_on, context, today) -> None:
    case = Case.objects.get(pk=referral.case_id)
    if case.phase != Phase.REFERRED:
        raise ValidationError(_("Ärendet är inte längre anmält till beredningsgruppen."))
    if referral.decision == Decision.ADMITTED:
        if case.referral_date != session.held_on:
            case = case_update(
                case=case,
                expected_version=None,
                data={"referral_date": session.held_on},
                context=context,
                today=today,
            )
        if start_on is not None:
            case_transition(
                case=case,
                to_phase=Phase.NEEDS_ANALYSIS,
                on=start_on,
                note=_("Antagen i beredningsgruppen %(day)s") % {"day": session.held_on},
                context=context,
                today=today,
            )
    elif referral.decision == Decision.NOT_ADMITTED:
        case_transition(
            case=case,
            to_phase=Phase.CLOSED,
            on=session.held_on,
            exit_reason=ExitReason.NOT_ADMITTED,
            note=_("Inte antagen i beredningsgruppen %(day)s") % {"day": session.held_on},
            context=context,
            today=today,
        )


@transaction.atomic
def session_close(
    *, session: Session, expected_version: int | None, context: AccessContext, today=None
) -> Session:
    """Close (justera) the protocol: every referral has its decision; nothing changes after."""
    today = today_or(today)
    current = lock_for_update(Session, session.pk, expected_version)
    _require(context, current.area_id)
    _require_open(current)
    if current.held_on > today:
        raise ValidationError(_("Protokollet justeras efter mötet."))
    if not current.referrals.exists():
        raise ValidationError(_("Inga ärenden är upptagna på mötet."))
    waiting = [r for r in current.referrals.filter(decision="").select_related("case")]
    if any(r.case_id is None or still_referred(r, current) for r in waiting):
        raise ValidationError(_("Alla ärenden på mötet behöver ett beslut först."))
    current.closed_on = today
    current.closed_by = actor(context)
    return save_new_version(current, ["closed_on", "closed_by"], context=context)
