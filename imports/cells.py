"""One cell of an import file into a value (SPEC §6): dates `YYYY-MM-DD`, booleans `0`/`1`,
codes from the models' code lists; an empty cell is unknown. Each parser raises CellError with
the Swedish reason; the row checks collect them per column."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.validators import IdentityNumber, parse_identity_number
from samverkan.dates import validate_plausible_date

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_date(text: str, *, required: bool = False, not_after: dt.date | None = None):
    """A date written YYYY-MM-DD within samverkan.dates' range; `not_after` (today) for events
    that must have happened, as the services check (`_not_future`)."""
    if not text:
        if required:
            raise CellError(_("Datum saknas (ÅÅÅÅ-MM-DD)."))
        return None
    if not _DATE.match(text):
        raise CellError(_("Ange datum som ÅÅÅÅ-MM-DD, inte '%(v)s'.") % {"v": text[:20]})
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(_("Datumet %(v)s finns inte.") % {"v": text}) from None
    try:
        validate_plausible_date(day)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None
    if not_after is not None and day > not_after:
        raise CellError(_("Datumet får inte ligga i framtiden."))
    return day


def parse_bool(text: str):
    if text == "":
        return None
    if text == "1":
        return True
    if text == "0":
        return False
    raise CellError(_("Ange 1 (ja) eller 0 (nej), eller lämna tomt om det är okänt."))


def parse_choice(text: str, choices, *, required: bool = False) -> str:
    """A code of a TextChoices list; "" (unknown) when empty and allowed."""
    if not text:
        if required:
            raise CellError(
                _("Värde saknas. Tillåtna värden: %(v)s.") % {"v": ", ".join(choices.values)}
            )
        return ""
    if text not in choices.values:
        raise CellError(
            _("Okänt värde '%(got)s'. Tillåtna värden: %(v)s.")
            % {"got": text[:40], "v": ", ".join(choices.values)}
        )
    return text


class IdentityCache:
    """Parses each distinct personnummer once: a status file holds many rows per person."""

    def __init__(self):
        self._seen: dict[str, IdentityNumber | str] = {}

    def parse(self, text: str) -> IdentityNumber:
        if not text:
            raise CellError(_("Personnummer saknas."))
        found = self._seen.get(text)
        if found is None:
            try:
                found = parse_identity_number(text)
            except ValidationError as exc:
                found = exc.messages[0]
            self._seen[text] = found
        if isinstance(found, str):
            raise CellError(found)
        return found
