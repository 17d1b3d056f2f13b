"""Personnummer and samordningsnummer (SPEC §3), shared by forms, serializers and imports.

python-stdnum validates the personnummer (date part and Luhn check digit). It has no
samordningsnummer: that is the same number with 60 added to the day, so the date is checked
after subtracting 60 and the check digit with stdnum's Luhn over the number as written."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import personnummer as stdnum_personnummer

_SHAPE = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")


@dataclass(frozen=True)
class IdentityNumber:
    number: str  # 12 digits, the stored form
    birth_date: dt.date
    sex: str  # "K" (kvinna) or "M" (man)
    is_coordination_number: bool

    @property
    def masked(self) -> str:
        return mask(self.number)


def mask(number12: str) -> str:
    """`19800101-****`: how a number is shown in lists."""
    return f"{number12[:8]}-****"


def parse_identity_number(value: str, *, today: dt.date | None = None) -> IdentityNumber:
    """Validate and normalise a personnummer or samordningsnummer, or raise ValidationError."""
    raw = re.sub(r"\s", "", str(value or ""))
    match = _SHAPE.match(raw)
    if not match:
        raise ValidationError(
            _("Ange personnummer som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN."), code="format"
        )
    century, date_part, sep, tail = match.groups()
    ten = date_part + tail
    if not luhn.is_valid(ten):
        raise ValidationError(_("Kontrollsiffran stämmer inte."), code="checksum")
    day = int(date_part[4:6])
    coordination = day > 60
    birth_part = date_part[:4] + f"{day - 60:02d}" if coordination else date_part
    # stdnum works out the century for a 10-digit number ('+' = 100 years or older).
    probe = (century or "") + birth_part + (sep or "-") + tail
    try:
        birth = stdnum_personnummer.get_birth_date(probe)
    except StdnumError:
        raise ValidationError(_("Datumdelen är inte ett giltigt datum."), code="date") from None
    today = today or timezone.localdate()
    if birth > today:
        raise ValidationError(_("Födelsedatumet ligger i framtiden."), code="future")
    number = f"{birth.year:04d}" + date_part[2:] + tail
    sex = "M" if int(tail[2]) % 2 else "K"
    return IdentityNumber(number, birth, sex, coordination)


def validate_identity_number(value: str) -> None:
    parse_identity_number(value)
