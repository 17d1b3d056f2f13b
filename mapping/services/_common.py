"""Helpers shared by the mapping services; the case services' own helpers, so that every write
locks, versions, records history and logs access the same way."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.services import (  # noqa: F401  (re-exported for the mapping services)
    ConcurrentEditError,
    _actor,
    _check_officers,
    _lock,
    _log,
    _not_future,
    _plausible,
    _save_new_version,
    _today,
)

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
