"""Checks shared by the mapping services (the kernel every app shares is samverkan.services)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Participant


def clean_participants(field: str, codes) -> list[str]:
    codes = list(codes or [])
    unknown = [c for c in codes if c not in Participant.values]
    if unknown:
        raise ValidationError({field: _("Okänd deltagare: %(c)s.") % {"c": ", ".join(unknown)}})
    return [c for c in Participant.values if c in set(codes)]


def require_text(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
