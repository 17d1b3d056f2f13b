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


@transaction.atomic
def consent_record(
    *,
    person: Person,
    given_on: dt.date,
    covers_sharing: bool,
    covers_follow_up: bool,
    legal_basis: str = "",
    context: AccessContext,
    today=None,
) -> Consent:
    require_not_future("given_on", given_on, today_or(today))
    if not (covers_sharing or covers_follow_up):
        raise ValidationError(_("Ange vad samtycket eller den rättsliga grunden omfattar."))
    consent = Consent(
        person=person,
        given_on=given_on,
        covers_sharing=covers_sharing,
        covers_follow_up=covers_follow_up,
        legal_basis=legal_basis.strip(),
        recorded_by=actor(context),
    )
    consent.full_clean()
    return save_logged(
        consent, context=context, action=AccessLog.Action.CREATE, purpose="samtycke registrerat"
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
        purpose="samtycke återkallat",
        update_fields=["withdrawn_on"],
    )
