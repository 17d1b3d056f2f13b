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
from django.utils.translation import gettext as _

from accounts.offices import offices_default, offices_outside
from audit.models import AccessLog
from cases.models import Benefit
from cases.secrecy import FK_FIELDS, editable_case_fields
from cases.services import officers_check
from cases.worklist_state import persons_changed
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    log_access,
    require_not_future,
    require_plausible,
    save_new_version,
    today_or,
)

from ..models import MAPPING_FK_FIELDS, AgencyCode, JointMapping, request_date_errors
from ._common import clean_participants

MAPPING_FIELDS = (
    "initiation_reason",
    "requested_on",
    "request_received_on",
    "fk_officer",
    "af_officer",
    "fk_office",
    "af_office",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
    "participants",
    "rough_plan",
)
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
    require_not_future("sick_leave_start", mapping.sick_leave_start, today)
    require_plausible(benefit_end_date=mapping.benefit_end_date)
    order = request_date_errors(
        requested_on=mapping.requested_on,
        request_received_on=mapping.request_received_on,
        first_meeting_on=mapping.first_meeting_on,
        today=today,
    )
    if order:
        raise ValidationError(order)
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
    officers_check(mapping.area, mapping.fk_officer, mapping.af_officer)


def _own_fields_only(acting, fields) -> None:
    """FK's benefit facts are FK's to record (cases.secrecy)."""
    if acting is None:
        return
    own = editable_case_fields(user=acting)
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
    fk_office=None,
    af_office=None,
    benefit: str = "",
    benefit_end_date=None,
    sick_leave_start=None,
    participants=(),
    rough_plan: str = "",
    context: AccessContext,
    today=None,
) -> JointMapping:
    """Register a request for a joint mapping (sent by `initiated_by`) for any person, whatever
    their benefit. A person has at most one open mapping. An office not given is the officer's
    own where it belongs to the area (accounts.offices)."""
    today = today_or(today)
    acting = actor(context)
    _own_fields_only(
        actor(context),
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
        fk_office=fk_office,
        af_office=af_office,
        benefit=benefit or "",
        benefit_end_date=benefit_end_date,
        sick_leave_start=sick_leave_start,
        participants=clean_participants("participants", participants),
        rough_plan=(rough_plan or "").strip(),
        created_by=acting,
    )
    offices_default(mapping)
    _validate_facts(mapping, today)
    mapping.full_clean(validate_constraints=False)
    mapping._history_user = acting
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError:
        raise ValidationError(_("Personen har redan en pågående kartläggning.")) from None
    log_access(
        context,
        action=AccessLog.Action.CREATE,
        obj=mapping,
        purpose="kartläggning begärd",
    )
    persons_changed([mapping.person_id])  # a mapping considered (cases.worklist_state)
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
    context: AccessContext,
    today=None,
) -> JointMapping:
    """Change an open mapping's facts. A pending decision loses its signatures."""
    today = today_or(today)
    current = lock_for_update(JointMapping, mapping.pk, expected_version)
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
    _own_fields_only(actor(context), changed)
    if "initiation_reason" in changed and not current.initiation_reason:
        raise ValidationError({"initiation_reason": _("Beskriv varför kartläggningen behövs.")})
    _validate_facts(current, today, check_sick_leave="sick_leave_start" in changed)
    current.full_clean(validate_constraints=False)
    changed += _clear_signatures(current)
    save_new_version(current, changed, context=context)
    persons_changed([current.person_id])
    return current


__all__ = [
    "FK_FIELDS",
    "MAPPING_FIELDS",
    "mapping_create",
    "mapping_move_area",
    "mapping_update",
]


@transaction.atomic
def mapping_move_area(*, person, to_area, context: AccessContext) -> JointMapping | None:
    """The person moved to another area (a hook of cases.services.case_move_area, registered in
    mapping.apps): their open mapping goes with them. Its officers and confirmations were the
    old area's, so they are cleared and the new area's officers take it on."""
    current = JointMapping.objects.select_for_update().filter(person=person).open().first()
    if current is None or current.area_id == to_area.pk:
        return current
    current.area = to_area
    current.fk_officer = None
    current.af_officer = None
    cleared = offices_outside(current, to_area.pk)
    changed = ["area", "fk_officer", "af_officer", *cleared, *_clear_signatures(current)]
    return save_new_version(current, changed, context=context)
