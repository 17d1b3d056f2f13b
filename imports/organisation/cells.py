"""The cells of the organisation's files that the import kinds of SPEC §6 do not have."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import StaffProfile

from ..cells import CellError

SHARE_FIELD = StaffProfile._meta.get_field("working_time_share")
# 0.5, 0,5, 50 %, 50% (a percentage is a whole or decimal number followed by %).
_SHARE = re.compile(r"\A(?P<number>\d+(?:[.,]\d+)?)\s*(?P<percent>%?)\Z")


def parse_share(text: str) -> Decimal | None:
    """A working-time share: a fraction of full time (0.5, with a point or the Swedish comma) or
    a percentage (50 %), within the staff profile's own bounds (more than 0, at most 1)."""
    if not text:
        return None
    found = _SHARE.match(text)
    if found is None:
        raise CellError(
            _("Ange tjänstgöringsgraden som en andel (0,5) eller i procent (50 %%), inte '%(v)s'.")
            % {"v": text[:20]}
        )
    share = Decimal(found["number"].replace(",", "."))
    if found["percent"]:
        share /= 100
    try:
        for validator in SHARE_FIELD.validators:
            validator(share)
        share = share.quantize(Decimal(1).scaleb(-SHARE_FIELD.decimal_places))
    except (ValidationError, InvalidOperation):
        raise CellError(
            _(
                "Tjänstgöringsgraden ska vara större än 0 och högst 1 (heltid, 100 %%), "
                "inte '%(v)s'."
            )
            % {"v": text[:20]}
        ) from None
    return share
