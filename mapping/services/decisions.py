"""Deciding a joint mapping and confirming the decision (SPEC §4): the decision is made once,
both agencies confirm it, and a decision for active support in samverkan opens the case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.access import REASON_MIN_LENGTH, readable_reason
from cases.models import Phase, TargetGroup
from cases.worklist_state import persons_changed
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    require_not_future,
    save_new_version,
    today_or,
)

from ..models import AgencyCode, Decision, JointMapping
from .mappings import DECISION_FIELDS, _clear_signatures


def _validate_decision(current: JointMapping, today: dt.date) -> None:
    if current.decision not in Decision.values:
        raise ValidationError({"decision": _("Välj beslut.")})
    if not current.decision_reason:
        raise ValidationError({"decision_reason": _("Motivera beslutet.")})
    if current.first_meeting_on is None:
        raise ValidationError(
            {"decision": _("Registrera minst ett kartläggningsmöte innan beslutet fattas.")}
        )
    if current.decision_date is None:
        raise ValidationError({"decision_date": _("Ange beslutsdatum.")})
    require_not_future("decision_date", current.decision_date, today)
    if current.decision_date < current.first_meeting_on:
        raise ValidationError(
            {
                "decision_date": _("Beslutet kan inte ligga före första mötet (%(d)s).")
                % {"d": current.first_meeting_on}
            }
        )
    last_meeting = current.meetings.aggregate(last=Max("date"))["last"]
    if last_meeting and current.decision_date < last_meeting:
        raise ValidationError(
            {
                "decision_date": _("Beslutet kan inte ligga före det senaste mötet (%(d)s).")
                % {"d": last_meeting}
            }
        )
    if current.decision != Decision.JOINT_ACTIVE_SUPPORT:
        return
    if current.case_target_group not in TargetGroup.values:
        raise ValidationError({"case_target_group": _("Välj målgrupp för ärendet.")})
    if current.case_phase not in (Phase.REFERRED, Phase.NEEDS_ANALYSIS):
        raise ValidationError(
            {"case_phase": _("Välj om ärendet börjar i beredningsgrupp eller i behovsanalys.")}
        )
    if current.case_date is None:
        raise ValidationError({"case_date": _("Ange datum för beredningsgruppen eller starten.")})
    require_not_future("case_date", current.case_date, today)
    if current.case_date < current.decision_date:
        raise ValidationError({"case_date": _("Ärendet kan inte börja före beslutet.")})
    if current.person.cases.exclude(phase=Phase.CLOSED).exists():
        raise ValidationError(
            {"decision": _("Personen har redan ett öppet ärende; aktiva insatser pågår.")}
        )
    previous_end = (
        current.person.cases.filter(phase=Phase.CLOSED)
        .order_by("-end_date")
        .values_list("end_date", flat=True)
        .first()
    )
    if previous_end and current.case_date < previous_end:
        # The same rule case_open applies, checked now so that a decision that could never
        # take effect is not confirmed by anyone.
        raise ValidationError(
            {
                "case_date": _(
                    "Personens förra ärende avslutades %(d)s; det nya kan inte börja före det."
                )
                % {"d": previous_end}
            }
        )


def _signer_agency(acting, mapping: JointMapping) -> str:
    """The agency the user confirms for, or a ValidationError saying why they cannot."""
    scope = scope_for(acting)
    if (
        scope.agency_code not in AgencyCode.values
        or not scope.is_officer
        or not scope.case_access
        or mapping.area_id not in scope.area_ids
    ):
        raise ValidationError(
            _(
                "Beslutet bekräftas av en handläggare på Försäkringskassan och en på "
                "Arbetsförmedlingen i kartläggningens område."
            )
        )
    named = mapping.fk_officer_id if scope.agency_code == AgencyCode.FK else mapping.af_officer_id
    if named is not None and named != acting.pk:
        raise ValidationError(_("Kartläggningens handläggare på din myndighet bekräftar beslutet."))
    return scope.agency_code


@transaction.atomic
def mapping_decide(
    *,
    mapping: JointMapping,
    expected_version: int | None,
    decision: str,
    decision_reason: str,
    decision_date: dt.date,
    case_target_group: str = "",
    case_phase: str = "",
    case_date=None,
    context: AccessContext,
    today=None,
    now=None,
) -> JointMapping:
    """Record (or change) the decision. It is pending until both agencies have confirmed it;
    the officer recording it confirms for their own agency in the same step."""
    today = today_or(today)
    current = lock_for_update(JointMapping, mapping.pk, expected_version)
    if not current.is_open:
        raise ValidationError(_("Kartläggningen är avslutad; beslutet kan inte ändras."))
    current.decision = decision or ""
    current.decision_reason = (decision_reason or "").strip()
    current.decision_date = decision_date
    active = decision == Decision.JOINT_ACTIVE_SUPPORT
    current.case_target_group = case_target_group if active else ""
    current.case_phase = case_phase if active else ""
    current.case_date = case_date if active else None
    _validate_decision(current, today)
    changed = list(DECISION_FIELDS) + _clear_signatures(current) + _close_change_request(current)
    acting = actor(context)
    try:
        agency = _signer_agency(acting, current) if acting is not None else None
    except ValidationError:
        agency = None  # e.g. a coordinator records it; both officers confirm afterwards
    if agency is not None:
        _sign(current, agency, acting, now or timezone.now())
    current.full_clean(validate_constraints=False)
    save_new_version(current, changed, context=context)
    return current


def _close_change_request(mapping: JointMapping) -> list[str]:
    """A decision recorded again answers the change asked for."""
    if mapping.change_requested_at is None:
        return []
    mapping.change_requested_by = mapping.change_requested_of = None
    mapping.change_requested_at = None
    mapping.change_request_reason = ""
    return ["change_requested_at"]


@transaction.atomic
def mapping_change_request(
    *,
    mapping: JointMapping,
    expected_version: int | None,
    reason: str,
    context: AccessContext,
    now=None,
) -> JointMapping:
    """Ask for a change instead of confirming: the decision goes back to the officer of the
    other agency who recorded it, with the reason, on their to-do list; their confirmation is
    withdrawn until they record the decision again."""
    current = lock_for_update(JointMapping, mapping.pk, expected_version)
    acting = actor(context)
    reason = readable_reason(reason or "")
    if not current.is_open:
        raise ValidationError(_("Kartläggningen är redan avslutad."))
    if not current.decision:
        raise ValidationError(_("Det finns inget beslut att ändra."))
    agency = _signer_agency(acting, current)
    if current.signed_by_agency(agency):
        raise ValidationError(_("Beslutet är redan bekräftat för din myndighet."))
    other = AgencyCode.AF if agency == AgencyCode.FK else AgencyCode.FK
    recorded_by = current.af_signed_by if other == AgencyCode.AF else current.fk_signed_by
    if recorded_by is None:
        raise ValidationError(
            _(
                "Den andra myndigheten har inte bekräftat beslutet: det finns inget att "
                "skicka tillbaka."
            )
        )
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Skriv vad som ska ändras, minst %(length)s tecken.")
                % {"length": REASON_MIN_LENGTH}
            }
        )
    changed = _clear_signatures(current)
    current.change_requested_by = acting
    current.change_requested_of = recorded_by
    current.change_requested_at = now or timezone.now()
    current.change_request_reason = reason
    save_new_version(current, [*changed, "change_requested_at"], context=context)
    return current


def _sign(mapping: JointMapping, agency: str, acting, at) -> None:
    if agency == AgencyCode.FK:
        mapping.fk_signed_by, mapping.fk_signed_at = acting, at
        if mapping.fk_officer_id is None:
            mapping.fk_officer = acting
    else:
        mapping.af_signed_by, mapping.af_signed_at = acting, at
        if mapping.af_officer_id is None:
            mapping.af_officer = acting


@transaction.atomic
def mapping_sign(
    *,
    mapping: JointMapping,
    expected_version: int | None,
    context: AccessContext,
    today=None,
    now=None,
) -> JointMapping:
    """Confirm the pending decision for the user's agency. With both confirmations the decision
    takes effect at once: the mapping ends on the decision date and, for active support, the
    case opens linked to it. If the case cannot open, nothing is saved."""
    from cases.services import case_open

    today = today_or(today)
    current = lock_for_update(JointMapping, mapping.pk, expected_version)
    acting = actor(context)
    if not current.is_open:
        raise ValidationError(_("Kartläggningen är redan avslutad."))
    if not current.decision:
        raise ValidationError(_("Det finns inget beslut att bekräfta."))
    agency = _signer_agency(acting, current)
    if current.signed_by_agency(agency):
        raise ValidationError(_("Beslutet är redan bekräftat för din myndighet."))
    if acting.pk in (current.fk_signed_by_id, current.af_signed_by_id):
        # One person never confirms for both agencies, whatever their profile says now.
        raise ValidationError(_("Du har redan bekräftat beslutet för den andra myndigheten."))
    _validate_decision(current, today)  # still valid today (e.g. no case opened meanwhile)
    _sign(current, agency, acting, now or timezone.now())
    changed = [f"{agency.lower()}_signed_at"]
    if current.fk_signed_at and current.af_signed_at:
        if current.decision == Decision.JOINT_ACTIVE_SUPPORT:
            referred = current.case_phase == Phase.REFERRED
            try:
                case = case_open(
                    person=current.person,
                    fk_officer=current.fk_officer,
                    af_officer=current.af_officer,
                    # the case is run from the mapping's offices (SPEC §2)
                    fk_office=current.fk_office,
                    af_office=current.af_office,
                    target_group=current.case_target_group,
                    benefit=current.benefit,
                    benefit_end_date=current.benefit_end_date,
                    sick_leave_start=current.sick_leave_start,
                    referral_date=current.case_date if referred else None,
                    start_date=None if referred else current.case_date,
                    phase=current.case_phase,
                    context=context,
                    today=today,
                )
            except ValidationError as exc:
                raise ValidationError([_("Ärendet kunde inte öppnas:"), *exc.messages]) from None
            current.case = case
            changed.append("case")
        current.ended_on = current.decision_date
        changed.append("ended_on")
    save_new_version(current, changed, context=context)
    persons_changed([current.person_id])  # the case the mapping led to (cases.worklist_state)
    return current
