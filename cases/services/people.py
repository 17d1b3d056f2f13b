"""Writes of people and their consent (SPEC §3, §7)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.models import AccessLog
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    log_access,
    require_not_future,
    save_logged,
    save_new_version,
    today_or,
)

from ..models import Consent, Person
from ..validators import parse_identity_number

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "born_abroad",
    "education_level",
    "disability",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protected_identity",
)


def person_create(
    *,
    personnummer: str,
    first_name: str,
    last_name: str,
    area,
    context: AccessContext,
    **fields,
) -> Person:
    identity = parse_identity_number(personnummer)
    existing = Person.objects.filter(personnummer=identity.number).first()
    if existing is not None:
        # The answer tells the user the person is registered, perhaps in another area; that
        # area's coordinator sees who asked (logged outside the transaction, which the refusal
        # would roll back).
        if existing.area_id not in scope_for(actor(context)).area_ids:
            log_access(
                context,
                action=AccessLog.Action.DENIED,
                obj=existing,
                purpose="registrering: personen finns i ett annat område",
            )
        raise ValidationError({"personnummer": _("Personen finns redan registrerad.")})
    return _person_insert(
        identity=identity,
        first_name=first_name,
        last_name=last_name,
        area=area,
        context=context,
        **fields,
    )


@transaction.atomic
def _person_insert(*, identity, first_name, last_name, area, context, **fields) -> Person:
    if Person.objects.filter(personnummer=identity.number).exists():
        raise ValidationError({"personnummer": _("Personen finns redan registrerad.")})
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    person = Person(
        personnummer=identity.number,
        is_coordination_number=identity.is_coordination_number,
        sex=identity.sex,
        birth_date=identity.birth_date,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        area=area,
        registered_by=actor(context),
        **fields,
    )
    person.full_clean()
    return save_logged(
        person, context=context, action=AccessLog.Action.CREATE, purpose="registrering"
    )


@transaction.atomic
def person_update(
    *, person: Person, expected_version: int | None, data: dict, context: AccessContext
) -> Person:
    current = lock_for_update(Person, person.pk, expected_version)
    changed = []
    for field, value in data.items():
        if field not in PERSON_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    current.full_clean()
    return save_new_version(current, changed, context=context)


# The access log's purposes of the three consent events: the coordinator's log review finds and
# names them by these (cases.log_review.selectors).
CONSENT_RECORDED = "samtycke registrerat"
CONSENT_CONFIRMED = "samtycke bekräftat"
CONSENT_WITHDRAWN = "samtycke återkallat"
CONSENT_EVENTS = (CONSENT_RECORDED, CONSENT_CONFIRMED, CONSENT_WITHDRAWN)

# The basis a person states for a new consent (NOT_STATED only describes old and imported rows).
STATED_BASES = frozenset(Consent.Basis) - {Consent.Basis.NOT_STATED}


def _require_consent_rules(
    *,
    given_on,
    basis,
    legal_basis,
    backdating_reason,
    covers_sharing,
    covers_follow_up,
    today,
    by_staff: bool,
) -> None:
    """The rules of a new consent (SPEC §3, §7), for the page and the API alike: all errors at
    once, next to their fields. A staff member states the basis, and a reason for dating the
    consent more than BACKDATING_DAYS back. A scheduled job (`by_staff` false: an import, the
    demo data) writes what a file says, where nobody states either: "not stated" is then the
    honest basis, and the date is the file's."""
    require_not_future(
        "given_on", given_on, today, _("Ett samtycke kan inte gälla från en dag i framtiden.")
    )
    errors: dict[str, str] = {}
    if basis not in STATED_BASES and (by_staff or basis != Consent.Basis.NOT_STATED):
        errors["basis"] = _(
            "Ange om samtycket är skriftligt eller muntligt, eller om uppgifterna lämnas med "
            "stöd av lag."
        )
    elif basis == Consent.Basis.LEGAL and not legal_basis:
        errors["legal_basis"] = _("Ange vilken lag eller bestämmelse som ger stödet.")
    elif basis in (Consent.Basis.WRITTEN, Consent.Basis.ORAL) and legal_basis:
        errors["legal_basis"] = _(
            "Rättslig grund anges bara när uppgifterna lämnas med stöd av lag."
        )
    if by_staff and (today - given_on).days > Consent.BACKDATING_DAYS and not backdating_reason:
        errors["backdating_reason"] = _(
            "Samtycket gäller från en dag mer än %(days)s dagar bakåt: ange skälet."
        ) % {"days": Consent.BACKDATING_DAYS}
    if not (covers_sharing or covers_follow_up):
        errors["__all__"] = _("Ange vad samtycket eller den rättsliga grunden omfattar.")
    if errors:
        raise ValidationError(errors)


def _awaited_agencies(user, covers_sharing: bool) -> dict[str, bool]:
    """Which agencies must still confirm a consent covering sharing (SPEC §7). Each agency
    decides what leaves its own files: the recorder's agency has the consent on record, the
    other one has not. A recorder of neither agency (a coordinator without agency) leaves both
    to confirm. A scheduled job (no user) writes what was decided outside the product."""
    if not covers_sharing or user is None:
        return {"awaits_fk": False, "awaits_af": False}
    agency = scope_for(user).agency_code
    return {"awaits_fk": agency != "FK", "awaits_af": agency != "AF"}


@transaction.atomic
def consent_record(
    *,
    person: Person,
    given_on: dt.date,
    covers_sharing: bool,
    covers_follow_up: bool,
    basis: str = Consent.Basis.NOT_STATED,
    legal_basis: str = "",
    backdating_reason: str = "",
    context: AccessContext,
    today=None,
) -> Consent:
    """Record a consent or legal basis. Who recorded it is the context's user, never input;
    staff must state the basis (see _require_consent_rules). A consent covering sharing opens
    the agencies' details only once the other agency has confirmed it (consent_confirm)."""
    user = actor(context)
    legal_basis, backdating_reason = legal_basis.strip(), backdating_reason.strip()
    _require_consent_rules(
        given_on=given_on,
        basis=basis,
        legal_basis=legal_basis,
        backdating_reason=backdating_reason,
        covers_sharing=covers_sharing,
        covers_follow_up=covers_follow_up,
        today=today_or(today),
        by_staff=user is not None,
    )
    consent = Consent(
        person=person,
        given_on=given_on,
        basis=basis,
        covers_sharing=covers_sharing,
        covers_follow_up=covers_follow_up,
        legal_basis=legal_basis,
        backdating_reason=backdating_reason,
        recorded_by=user,
        **_awaited_agencies(user, covers_sharing),
    )
    consent.full_clean()
    return save_logged(
        consent, context=context, action=AccessLog.Action.CREATE, purpose=CONSENT_RECORDED
    )


@transaction.atomic
def consent_confirm(*, consent: Consent, context: AccessContext) -> Consent:
    """The acting user's agency confirms a consent covering sharing that waits for it: from
    then on the agency's details may reach the other one (once nobody else waits either)."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    user = actor(context)
    agency = scope_for(user).agency_code if user is not None else ""
    field = {"FK": "awaits_fk", "AF": "awaits_af"}.get(agency)
    if consent.withdrawn_on:
        raise ValidationError(_("Samtycket är återkallat och kan inte bekräftas."))
    if field is None or not getattr(consent, field):
        raise ValidationError(_("Samtycket väntar inte på bekräftelse från din myndighet."))
    setattr(consent, field, False)
    return save_logged(
        consent,
        context=context,
        action=AccessLog.Action.UPDATE,
        purpose=CONSENT_CONFIRMED,
        update_fields=[field],
    )


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, withdrawn_on: dt.date, context: AccessContext, today=None
) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on:
        raise ValidationError({"withdrawn_on": _("Samtycket är redan återkallat.")})
    require_not_future("withdrawn_on", withdrawn_on, today_or(today))
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("Återkallandet kan inte ligga före samtycket.")})
    consent.withdrawn_on = withdrawn_on
    return save_logged(
        consent,
        context=context,
        action=AccessLog.Action.UPDATE,
        purpose=CONSENT_WITHDRAWN,
        update_fields=["withdrawn_on"],
    )
