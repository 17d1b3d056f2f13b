"""Writes of joint mappings (SPEC §4): request, facts, decision, and both agencies' signatures.

The decision is pending until the FK officer and the AF officer have each confirmed it. The
second confirmation carries the decision out in the same transaction: `joint_active_support`
opens the case (referral phase or needs analysis) linked to the mapping; every decision ends the
mapping. Any change to a mapping with a pending decision clears the signatures, so nobody's
confirmation covers something they have not read.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.models import AccessLog
from cases.models import Benefit, Phase, TargetGroup
from cases.secrecy import FK_FIELDS, editable_case_fields

from ..models import AgencyCode, Decision, JointMapping
from ._common import (
    _actor,
    _check_officers,
    _lock,
    _log,
    _not_future,
    _plausible,
    _save_new_version,
    _today,
    clean_participants,
)

MAPPING_FIELDS = (
    "initiation_reason",
    "requested_on",
    "request_received_on",
    "fk_officer",
    "af_officer",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
    "participants",
    "rough_plan",
)
MAPPING_FK_FIELDS = frozenset({"benefit", "benefit_end_date", "sick_leave_start"})
DECISION_FIELDS = (
    "decision",
    "decision_reason",
    "decision_date",
    "case_target_group",
    "case_phase",
    "case_date",
)
SIGNATURE_FIELDS = ("fk_signed_by", "fk_signed_at", "af_signed_by", "af_signed_at")


def _validate_facts(
    mapping: JointMapping, today: dt.date, *, check_sick_leave: bool = True
) -> None:
    """`check_sick_leave`: compare FK's sick-leave start with the mapping's date only when the
    sick-leave start is what is being written. An AF officer who may not see it must never learn
    it from an error message (SPEC §7); an inconsistent pair just has no band."""
    if mapping.initiated_by not in AgencyCode.values:
        raise ValidationError({"initiated_by": _("Välj vilken myndighet som initierade.")})
    if not mapping.requested_on:
        raise ValidationError({"requested_on": _("Ange när begäran skickades.")})
    _not_future("requested_on", mapping.requested_on, today)
    _not_future("request_received_on", mapping.request_received_on, today)
    _not_future("sick_leave_start", mapping.sick_leave_start, today)
    _plausible(benefit_end_date=mapping.benefit_end_date)
    if mapping.request_received_on and mapping.request_received_on < mapping.requested_on:
        raise ValidationError(
            {"request_received_on": _("Begäran kan inte tas emot innan den skickades.")}
        )
    if mapping.first_meeting_on and mapping.requested_on > mapping.first_meeting_on:
        raise ValidationError(
            {
                "requested_on": _("Begäran kan inte ligga efter första mötet (%(d)s).")
                % {"d": mapping.first_meeting_on}
            }
        )
    if mapping.benefit and mapping.benefit not in Benefit.values:
        raise ValidationError({"benefit": _("Välj en ersättning i listan.")})
    mapping_day = mapping.first_meeting_on or mapping.requested_on
    if check_sick_leave and mapping.sick_leave_start and mapping.sick_leave_start > mapping_day:
        raise ValidationError(
            {
                "sick_leave_start": _(
                    "Sjukfallets första dag kan inte ligga efter kartläggningen (%(d)s)."
                )
                % {"d": mapping_day}
            }
        )
    _check_officers(mapping.area, mapping.fk_officer, mapping.af_officer)


def _own_fields_only(actor, fields) -> None:
    """FK's benefit facts are FK's to record (cases.secrecy)."""
    if actor is None:
        return
    own = editable_case_fields(user=actor)
    for field in fields:
        if field in MAPPING_FK_FIELDS and field not in own:
            raise ValidationError({field: _("Uppgiften registreras av den andra myndigheten.")})


@transaction.atomic
def mapping_create(
    *,
    person,
    initiated_by: str,
    requested_on: dt.date,
    initiation_reason: str = "",
    request_received_on=None,
    fk_officer=None,
    af_officer=None,
    benefit: str = "",
    benefit_end_date=None,
    sick_leave_start=None,
    participants=(),
    rough_plan: str = "",
    request=None,
    user=None,
    today=None,
) -> JointMapping:
    """Register a request for a joint mapping (sent by `initiated_by`) for any person, whatever
    their benefit. A person has at most one open mapping."""
    today = _today(today)
    actor = _actor(request, user)
    _own_fields_only(
        actor,
        [
            f
            for f, v in (
                ("benefit", benefit),
                ("benefit_end_date", benefit_end_date),
                ("sick_leave_start", sick_leave_start),
            )
            if v
        ],
    )
    if not (initiation_reason or "").strip():
        raise ValidationError({"initiation_reason": _("Beskriv varför kartläggningen behövs.")})
    mapping = JointMapping(
        area=person.area,
        person=person,
        initiated_by=initiated_by,
        initiation_reason=initiation_reason.strip(),
        requested_on=requested_on,
        request_received_on=request_received_on,
        fk_officer=fk_officer,
        af_officer=af_officer,
        benefit=benefit or "",
        benefit_end_date=benefit_end_date,
        sick_leave_start=sick_leave_start,
        participants=clean_participants("participants", participants),
        rough_plan=(rough_plan or "").strip(),
        created_by=actor,
    )
    _validate_facts(mapping, today)
    mapping.full_clean(validate_constraints=False)
    mapping._history_user = actor
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError:
        raise ValidationError(_("Personen har redan en pågående kartläggning.")) from None
    _log(
        action=AccessLog.Action.CREATE,
        obj=mapping,
        request=request,
        user=user,
        purpose="kartläggning begärd",
    )
    return mapping


def _clear_signatures(mapping: JointMapping) -> list[str]:
    cleared = [f for f in SIGNATURE_FIELDS if getattr(mapping, f) is not None]
    for field in SIGNATURE_FIELDS:
        setattr(mapping, field, None)
    return cleared


@transaction.atomic
def mapping_update(
    *,
    mapping: JointMapping,
    expected_version: int | None,
    data: dict,
    request=None,
    user=None,
    today=None,
) -> JointMapping:
    """Change an open mapping's facts. A pending decision loses its signatures."""
    today = _today(today)
    current = _lock(JointMapping, mapping.pk, expected_version)
    if not current.is_open:
        raise ValidationError(_("Kartläggningen är avslutad och kan inte ändras."))
    changed = []
    for field, value in data.items():
        if field not in MAPPING_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        if field == "participants":
            value = clean_participants("participants", value)
        elif isinstance(value, str):
            value = value.strip()
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    _own_fields_only(_actor(request, user), changed)
    if "initiation_reason" in changed and not current.initiation_reason:
        raise ValidationError({"initiation_reason": _("Beskriv varför kartläggningen behövs.")})
    _validate_facts(current, today, check_sick_leave="sick_leave_start" in changed)
    current.full_clean(validate_constraints=False)
    changed += _clear_signatures(current)
    return _save_new_version(current, changed, request=request, user=user)


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
    _not_future("decision_date", current.decision_date, today)
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
    _not_future("case_date", current.case_date, today)
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


def _signer_agency(actor, mapping: JointMapping) -> str:
    """The agency the user confirms for, or a ValidationError saying why they cannot."""
    scope = scope_for(actor)
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
    if named is not None and named != actor.pk:
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
    request=None,
    user=None,
    today=None,
    now=None,
) -> JointMapping:
    """Record (or change) the decision. It is pending until both agencies have confirmed it;
    the officer recording it confirms for their own agency in the same step."""
    today = _today(today)
    current = _lock(JointMapping, mapping.pk, expected_version)
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
    changed = list(DECISION_FIELDS) + _clear_signatures(current)
    actor = _actor(request, user)
    try:
        agency = _signer_agency(actor, current) if actor is not None else None
    except ValidationError:
        agency = None  # e.g. a coordinator records it; both officers confirm afterwards
    if agency is not None:
        _sign(current, agency, actor, now or timezone.now())
    current.full_clean(validate_constraints=False)
    _save_new_version(current, changed, request=request, user=user)
    return current


def _sign(mapping: JointMapping, agency: str, actor, at) -> None:
    if agency == AgencyCode.FK:
        mapping.fk_signed_by, mapping.fk_signed_at = actor, at
        if mapping.fk_officer_id is None:
            mapping.fk_officer = actor
    else:
        mapping.af_signed_by, mapping.af_signed_at = actor, at
        if mapping.af_officer_id is None:
            mapping.af_officer = actor


@transaction.atomic
def mapping_sign(
    *,
    mapping: JointMapping,
    expected_version: int | None,
    request=None,
    user=None,
    today=None,
    now=None,
) -> JointMapping:
    """Confirm the pending decision for the user's agency. With both confirmations the decision
    takes effect at once: the mapping ends on the decision date and, for active support, the
    case opens linked to it. If the case cannot open, nothing is saved."""
    from cases.services import case_open

    today = _today(today)
    current = _lock(JointMapping, mapping.pk, expected_version)
    actor = _actor(request, user)
    if not current.is_open:
        raise ValidationError(_("Kartläggningen är redan avslutad."))
    if not current.decision:
        raise ValidationError(_("Det finns inget beslut att bekräfta."))
    agency = _signer_agency(actor, current)
    if current.signed_by_agency(agency):
        raise ValidationError(_("Beslutet är redan bekräftat för din myndighet."))
    if actor.pk in (current.fk_signed_by_id, current.af_signed_by_id):
        # One person never confirms for both agencies, whatever their profile says now.
        raise ValidationError(_("Du har redan bekräftat beslutet för den andra myndigheten."))
    _validate_decision(current, today)  # still valid today (e.g. no case opened meanwhile)
    _sign(current, agency, actor, now or timezone.now())
    changed = [f"{agency.lower()}_signed_at"]
    if current.fk_signed_at and current.af_signed_at:
        if current.decision == Decision.JOINT_ACTIVE_SUPPORT:
            referred = current.case_phase == Phase.REFERRED
            try:
                case = case_open(
                    person=current.person,
                    fk_officer=current.fk_officer,
                    af_officer=current.af_officer,
                    target_group=current.case_target_group,
                    benefit=current.benefit,
                    benefit_end_date=current.benefit_end_date,
                    sick_leave_start=current.sick_leave_start,
                    referral_date=current.case_date if referred else None,
                    start_date=None if referred else current.case_date,
                    phase=current.case_phase,
                    request=request,
                    user=user,
                    today=today,
                )
            except ValidationError as exc:
                raise ValidationError([_("Ärendet kunde inte öppnas:"), *exc.messages]) from None
            current.case = case
            changed.append("case")
        current.ended_on = current.decision_date
        changed.append("ended_on")
    return _save_new_version(current, changed, request=request, user=user)


__all__ = [
    "FK_FIELDS",
    "MAPPING_FIELDS",
    "mapping_create",
    "mapping_decide",
    "mapping_move_area",
    "mapping_sign",
    "mapping_update",
]


@transaction.atomic
def mapping_move_area(*, person, to_area, request=None, user=None) -> JointMapping | None:
    """The person moved to another area (cases.services.case_move_area): their open mapping
    goes with them. Its officers and confirmations were the old area's, so they are cleared and
    the new area's officers take it on."""
    current = JointMapping.objects.select_for_update().filter(person=person).open().first()
    if current is None or current.area_id == to_area.pk:
        return current
    current.area = to_area
    current.fk_officer = None
    current.af_officer = None
    changed = ["area", "fk_officer", "af_officer", *_clear_signatures(current)]
    return _save_new_version(current, changed, request=request, user=user)
