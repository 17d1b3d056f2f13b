"""The office units a case or a joint mapping is run from (SPEC §2, §5 "Status report").

A case and a joint mapping each record FK's office, a lokalt försäkringscenter (`fk_office`),
and AF's, an arbetsmarknadsområde (`af_office`). The rule is one and lives here: an office is of
the kind its field names and belongs to the record's area (`office_problem`). The models' clean()
(`offices_check`), hence every service's full_clean(), and the imports all ask it.

Where no office is given, the services take the responsible officer's own office from their
staff profile (`office_of_officer`); a move to another area clears the offices the new area does
not have (`offices_outside`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .models import OfficeUnit, StaffProfile

# Each office field of a case or a mapping, with the kind of office it takes and the officer
# field whose staff profile gives its default.
OFFICE_FIELDS = {
    "fk_office": (OfficeUnit.Kind.LFC, "fk_officer"),
    "af_office": (OfficeUnit.Kind.AMO, "af_officer"),
}


def office_field(verbose_name) -> models.ForeignKey:
    """The field of a case or a mapping that records one of its offices. Its kind is checked
    by `offices_check` (not `limit_choices_to`, whose message would say only "no such record"
    next to the clear one)."""
    return models.ForeignKey(
        "accounts.OfficeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def office_problem(office: OfficeUnit, *, area_id: int | None, kind: str) -> str | None:
    """Why `office` cannot be the office of `kind` of a record in the area `area_id`, in
    Swedish; None when it can."""
    if office.kind != kind:
        if kind == OfficeUnit.Kind.LFC:
            return _("%(name)s är inte ett lokalt försäkringscenter (FK).") % {"name": office.name}
        return _("%(name)s är inte ett arbetsmarknadsområde (AF).") % {"name": office.name}
    if area_id is not None and office.area_id != area_id:
        return _("Kontoret %(name)s hör till ett annat samverkansområde.") % {"name": office.name}
    return None


def offices_check(record) -> None:
    """A case's or a mapping's offices (the models' clean()): ValidationError by field."""
    errors = {}
    for field, (kind, _officer) in OFFICE_FIELDS.items():
        office = getattr(record, field)
        if office is not None:
            problem = office_problem(office, area_id=record.area_id, kind=kind)
            if problem:
                errors[field] = problem
    if errors:
        raise ValidationError(errors)


def office_of_officer(officer, *, area_id: int, kind: str) -> OfficeUnit | None:
    """The officer's own office (their staff profile's) when it can be a record's office of
    `kind` in the area; None otherwise."""
    if officer is None:
        return None
    profile = (
        StaffProfile.objects.filter(user=officer, office_unit__isnull=False)
        .select_related("office_unit")
        .first()
    )
    office = profile.office_unit if profile is not None else None
    if office is None or office_problem(office, area_id=area_id, kind=kind):
        return None
    return office


def offices_default(record) -> None:
    """Fill each empty office of a new record from its officer's profile (see the module)."""
    for field, (kind, officer_field) in OFFICE_FIELDS.items():
        if getattr(record, f"{field}_id") is None:
            office = office_of_officer(
                getattr(record, officer_field), area_id=record.area_id, kind=kind
            )
            if office is not None:
                setattr(record, field, office)


def offices_outside(record, area_id: int) -> list[str]:
    """Clear the offices of `record` that do not belong to the area `area_id` (a move); the
    names of the fields cleared."""
    cleared = []
    for field in OFFICE_FIELDS:
        office = getattr(record, field)
        if office is not None and office.area_id != area_id:
            setattr(record, field, None)
            cleared.append(field)
    return cleared


def offices_of(area, kind: str):
    """The area's offices of `kind`, for a form's choice."""
    return OfficeUnit.objects.filter(area=area, kind=kind).order_by("name")
