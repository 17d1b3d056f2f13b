"""What an export asks for (SPEC §6, §7; ADR 0013): the parameters of an API request or a
browser order checked and turned into an `ExportSpec`, the areas resolved within the user's
export scope (a refusal is logged against the area), and whether an export id may be continued
with the same pseudonyms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AREA_CODE, Area
from audit.models import AccessLog
from samverkan.dates import validate_plausible_date
from samverkan.services import AccessContext, log_access, require_context

from .. import formats
from ..headers import CODES, LABELS
from ..selectors import FULL, REASON_MIN_LENGTH, export_area_ids_for, export_mode_for
from .grading import coarsened_selection_conflict

# An export id may be continued, and a browser export's file is kept, this long.
FILE_LIFETIME = dt.timedelta(hours=24)

DAY_FORMAT = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
EXPORT_ID_FORMAT = re.compile(r"\A[a-p]{32}\Z")


class ExportParamsError(Exception):
    """Bad parameters: {parameter: [messages in Swedish]} (the API's 400)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class ExportAreaNotFound(Exception):
    """An area code that does not exist or lies outside the user's export scope: the same
    answer either way (404), so other areas' codes cannot be probed. Already logged."""


class ExportNotAllowed(Exception):
    """The user may not export at all (403)."""


def user_may_export(user) -> bool:
    return export_mode_for(user) is not None


@dataclass(frozen=True)
class ExportSpec:
    """What was asked for, checked: kind, format, CSV delimiter, areas and period."""

    kind: str
    file_format: str = "csv"  # formats.FORMATS
    delimiter: str = "semicolon"  # formats.DELIMITERS
    areas: tuple[Area, ...] = ()  # empty: every area the user may export
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # Another file of an export the same user started within 24 hours: same id, same pseudonyms.
    export_id: str | None = None
    # The header row of CSV and XLSX: the code names (machine clients) or headers for people.
    headers: str = CODES

    @property
    def format(self) -> formats.Format:
        return formats.FORMATS[self.file_format]

    def describe(self) -> str:
        """For the access log and the job page: kind, format, areas, period."""
        fmt = self.file_format
        if fmt == "csv":
            fmt = f"csv {formats.DELIMITERS[self.delimiter]}"
        areas = ", ".join(area.code for area in self.areas) or "alla behöriga områden"
        period = (
            f"{self.date_from or '…'}–{self.date_to or '…'}"
            if self.date_from or self.date_to
            else "hela tiden"
        )
        return f"{self.kind}, {fmt}, {areas}, {period}"


def _parse_day(name: str, text: str, errors: dict) -> dt.date | None:
    try:
        if not DAY_FORMAT.match(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = [_("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-04-30.")]
        return None
    try:
        validate_plausible_date(day)
    except ValidationError as exc:
        errors[name] = exc.messages
        return None
    return day


def export_areas_resolve(*, context: AccessContext, codes: str, kind: str = "") -> tuple[Area, ...]:
    """The areas of `codes` ("sdt" or "sdt,gno"); a code that does not exist or lies outside the
    user's export scope is ExportAreaNotFound, logged as a refusal against that area (when it
    exists) so its coordinator sees who tried, as the report API does for reports."""
    allowed = export_area_ids_for(context.user)
    found = []
    for code in sorted({part.strip() for part in (codes or "").split(",") if part.strip()}):
        # Codes are slugs; anything else cannot exist (and a NUL must not reach PostgreSQL).
        area = Area.objects.filter(code=code).first() if AREA_CODE.match(code) else None
        if area is None or (allowed is not None and area.pk not in allowed):
            log_access(
                context,
                action=AccessLog.Action.DENIED,
                object_type="export",
                object_id=code[:64],
                area_id=area.pk if area is not None else None,
                purpose=f"export {kind}, område utanför behörigheten",
            )
            raise ExportAreaNotFound(code)
        found.append(area)
    return tuple(found)


def export_spec_parse(*, context: AccessContext, kind: str, data: Mapping) -> ExportSpec:
    """Check the parameters of an API request (`area`, `from`, `to`, `format`, `delimiter`).

    Order of refusals: no export right (ExportNotAllowed, 403), then bad values (ExportParamsError
    naming every bad parameter, 400), then an area outside the scope (ExportAreaNotFound, 404,
    logged): nothing is read for a request that will be refused."""
    user = require_context(context).user
    if not user_may_export(user):
        raise ExportNotAllowed
    errors: dict[str, list[str]] = {}
    file_format = (data.get("format") or "csv").strip()
    if file_format not in formats.FORMATS:
        errors["format"] = [_("Välj formatet csv, json eller xlsx.")]
    delimiter = (data.get("delimiter") or "semicolon").strip()
    if delimiter not in formats.DELIMITERS:
        errors["delimiter"] = [_("Välj avgränsaren semicolon (;) eller comma (,).")]
    days = {}
    for name in ("from", "to"):
        text = data.get(name)
        if text not in (None, ""):
            days[name] = _parse_day(name, text, errors)
    if days.get("from") and days.get("to") and days["from"] > days["to"]:
        errors["to"] = [_("Slutdatumet (to) får inte ligga före startdatumet (from).")]
    export_id = (data.get("export_id") or "").strip() or None
    if export_id is not None and not export_continuable(user=user, export_id=export_id):
        errors["export_id"] = [export_gone_message()]
    headers = (data.get("headers") or CODES).strip()
    if headers not in (CODES, LABELS):
        errors["headers"] = [_("Välj rubrikerna codes (kodnamn) eller labels (svenska rubriker).")]
    if context.reason and len(context.reason.strip()) < REASON_MIN_LENGTH:
        errors["X-Access-Reason"] = [reason_too_short_message()]
    if errors:
        raise ExportParamsError(errors)
    areas = export_areas_resolve(context=context, codes=data.get("area") or "", kind=kind)
    if export_id is not None:
        conflict = coarsened_selection_conflict(
            user=user,
            export_id=export_id,
            area_ids=[area.pk for area in areas],
            date_from=days.get("from"),
            date_to=days.get("to"),
        )
        if conflict:
            raise ExportParamsError({"export_id": [conflict]})
    return ExportSpec(
        kind=kind,
        file_format=file_format,
        delimiter=delimiter,
        areas=areas,
        date_from=days.get("from"),
        date_to=days.get("to"),
        export_id=export_id,
        headers=headers,
    )


def export_gone_message() -> str:
    return _(
        "Ingen export med det id:t som du har gjort de senaste 24 timmarna. Utelämna "
        "export_id för att börja en ny export."
    )


def export_continuable(*, user, export_id: str) -> bool:
    """Whether `user` started the export `export_id` within the last 24 hours (its EXPORT entry
    in the access log is the record), so another of its files may use the same pseudonyms.
    Someone else's export id is refused like an unknown one."""
    if not EXPORT_ID_FORMAT.match(export_id):
        return False
    # The 24 hours count from the export's first file: each continuation is logged too, and
    # counting from the latest would let one key live for ever (a long-lived pseudonym). The
    # mode must be the same: a full-identity file beside its keys would be a lookup table for
    # a later coarsened one.
    first = (
        AccessLog.objects.filter(
            action=AccessLog.Action.EXPORT, object_type="export", object_id=export_id
        )
        .order_by("occurred_at", "id")
        .first()
    )
    if first is None or first.user_id != user.pk:
        return False
    if first.occurred_at < timezone.now() - FILE_LIFETIME:
        return False
    return f", {identity_mode_label(export_mode_for(user))}, export-id " in first.purpose


def identity_mode_label(mode: str | None) -> str:
    """How the access log's purpose names an export's identity mode (ExportRun.purpose);
    `export_continuable` reads it back, so both take it from here."""
    return "full identitet" if mode == FULL else "grovindelad och k-anonym"


def reason_too_short_message() -> str:
    return _(
        "Skälet för att ta med personer utanför ditt ärendebestånd måste vara minst "
        "%(length)s tecken."
    ) % {"length": REASON_MIN_LENGTH}
