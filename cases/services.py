"""Writes of people and cases. Views, forms, commands and tasks call these, never `save()`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import AccessLog
from audit.services import access_log_record

from .models import Case, Person
from .validators import parse_identity_number


@transaction.atomic
def person_create(
    *,
    personnummer: str,
    first_name: str,
    last_name: str,
    area,
    request=None,
    user=None,
    protected_identity: bool = False,
) -> Person:
    identity = parse_identity_number(personnummer)
    if Person.objects.filter(personnummer=identity.number).exists():
        raise ValidationError({"personnummer": _("Personen finns redan registrerad.")})
    person = Person(
        personnummer=identity.number,
        is_coordination_number=identity.is_coordination_number,
        sex=identity.sex,
        birth_date=identity.birth_date,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        area=area,
        protected_identity=protected_identity,
    )
    person.full_clean()
    person.save()
    if request is not None or user is not None:
        access_log_record(
            action=AccessLog.Action.CREATE,
            request=request,
            user=user,
            obj=person,
            purpose="registrering",
        )
    return person


@transaction.atomic
def case_open(
    *,
    person: Person,
    area=None,
    fk_officer=None,
    af_officer=None,
    referral_date=None,
    start_date=None,
    phase=Case.Phase.REFERRED,
    request=None,
    user=None,
) -> Case:
    if area is not None and area.pk != person.area_id:
        # A case is run in the person's area; moving a person moves their case (SPEC §3).
        raise ValidationError({"area": _("Ärendet måste höra till personens samverkansområde.")})
    case = Case(
        person=person,
        area=person.area,
        fk_officer=fk_officer,
        af_officer=af_officer,
        referral_date=referral_date,
        start_date=start_date,
        phase=phase,
    )
    case.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError(_("Personen har redan ett öppet ärende.")) from None
    if request is not None or user is not None:
        access_log_record(
            action=AccessLog.Action.CREATE,
            request=request,
            user=user,
            obj=case,
            purpose="registrering",
        )
    return case
