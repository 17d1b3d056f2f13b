"""What a report request asks for: the period (`from`/`to`, or the status report's `day`) and
the areas, checked against the user's aggregate scope (accounts.scoping).

Bad parameters are a 400 naming the field; an area the user may not see is the same 404 as an
unknown code, so the codes of other areas cannot be told apart (SPEC §7)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from accounts.models import AREA_CODE, Area
from accounts.scoping import aggregate_area_ids, scope_for
from audit.models import AccessLog
from audit.services import access_log_record
from reporting.snapshots import previous_month
from samverkan.dates import EARLIEST_DAY, LATEST_DAY, add_months

# A longer period is refused: three years of months is what the dashboards show (24-month trend)
# with room to spare, and it bounds the work a single live request can ask of the database.
MAX_MONTHS = 36

MONTH_FORMAT = re.compile(r"\A([0-9]{4})-([0-9]{2})\Z")
DAY_FORMAT = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


@dataclass(frozen=True)
class Period:
    """Whole months `first`..`last` (first days), or a single `day` (status report only)."""

    first: dt.date | None = None
    last: dt.date | None = None
    day: dt.date | None = None

    @property
    def months(self) -> list[dt.date]:
        months, month = [], self.first
        while month is not None and month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    def describe(self) -> str:
        if self.day is not None:
            return self.day.isoformat()
        if self.first == self.last:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m}–{self.last:%Y-%m}"


def _month(text: str) -> dt.date:
    """'YYYY-MM' (exactly) → its first day, within the dates the product accepts."""
    match = MONTH_FORMAT.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise exceptions.ValidationError(_("Ange månaden som ÅÅÅÅ-MM, till exempel 2026-04."))
    year = int(match.group(1))
    if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        raise exceptions.ValidationError(
            _("Ange en månad mellan %(first)s och %(last)s.")
            % {"first": f"{EARLIEST_DAY:%Y-%m}", "last": f"{LATEST_DAY:%Y-%m}"}
        )
    return dt.date(year, int(match.group(2)), 1)


def _day(text: str) -> dt.date:
    """'YYYY-MM-DD' (exactly) → the date, within the dates the product accepts."""
    try:
        if not DAY_FORMAT.match(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise exceptions.ValidationError(
            _("Ange dagen som ÅÅÅÅ-MM-DD, till exempel 2026-04-30.")
        ) from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise exceptions.ValidationError(
            _("Ange ett datum mellan %(first)s och %(last)s.")
            % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()}
        )
    return day


def _months_between(first: dt.date, last: dt.date) -> int:
    """Whole months first..last, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def period_from_query(query, *, allow_day: bool = False, today: dt.date | None = None) -> Period:
    """The period a request asks for, or a 400 naming every bad field.

    Defaults: neither `from` nor `to` → the last complete month; only `to` → that one month;
    only `from` → from that month to the last complete month. With `allow_day` (the status
    report) `day` may be given instead of `from`/`to`."""
    values = {name: query.get(name) for name in ("from", "to", "day")}
    given = {name for name, value in values.items() if value not in (None, "")}
    errors: dict[str, list[str]] = {}

    if allow_day and "day" in given:
        if given & {"from", "to"}:
            errors["day"] = [_("Ange antingen day eller from och to, inte båda.")]
            raise exceptions.ValidationError(errors)
        try:
            return Period(day=_day(values["day"]))
        except exceptions.ValidationError as error:
            raise exceptions.ValidationError({"day": error.detail}) from None

    parsed: dict[str, dt.date] = {}
    for name in ("from", "to"):
        if name in given:
            try:
                parsed[name] = _month(values[name])
            except exceptions.ValidationError as error:
                errors[name] = error.detail
    if errors:
        raise exceptions.ValidationError(errors)

    latest_complete = previous_month(today or timezone.localdate())
    last = parsed.get("to", latest_complete)
    first = parsed.get("from", last)
    if first > last:
        if "to" in parsed:
            message = _("Slutmånaden (to) får inte ligga före startmånaden (from).")
            raise exceptions.ValidationError({"to": [message]})
        message = _(
            "Startmånaden ligger efter den senaste hela månaden (%(month)s); ange också to."
        ) % {"month": f"{latest_complete:%Y-%m}"}
        raise exceptions.ValidationError({"from": [message]})
    length = _months_between(first, last)
    if length > MAX_MONTHS:
        message = _("Perioden får vara högst %(max)d månader, den begärda är %(length)d.") % {
            "max": MAX_MONTHS,
            "length": length,
        }
        raise exceptions.ValidationError({"to" if "to" in parsed else "from": [message]})
    return Period(first=first, last=last)


@dataclass(frozen=True)
class ReportAreas:
    """The areas a report sums: `area_ids` for the metrics (None: the nation), the one `area`
    asked for (or None), and the codes of every area in the sum."""

    area_ids: list[int] | None
    area: Area | None
    codes: list[str]

    @property
    def national(self) -> bool:
        return self.area_ids is None

    def describe(self) -> str:
        """For the access log: "sdt", "riket" or "områdena gno, sdt"."""
        if self.area is not None:
            return self.area.code
        if self.national:
            return "riket"
        return "områdena " + ", ".join(self.codes)


def aggregate_areas_or_403(user) -> frozenset[int] | None:
    """The areas whose aggregates `user` may see (None: every area), or 403 when none at all.
    The refusal is logged by samverkan.api's exception handler."""
    allowed = aggregate_area_ids(user)
    if not scope_for(user).has_any_access or allowed == frozenset():
        raise exceptions.PermissionDenied(_("Du har inte behörighet att se statistik."))
    return allowed


def report_areas_for(
    *, request, allowed: frozenset[int] | None, code: str | None, report: str
) -> ReportAreas:
    """The areas of a report for `code` (None or empty: everything in `allowed`, the user's
    aggregate areas from aggregate_areas_or_403; "a,b": the sum of those areas).

    A code of an area outside `allowed`, or no such code, is the same 404, logged as a refusal
    against the area asked for (when it exists) so that area's coordinator sees who tried, as
    cases.access.get_visible_or_404 does for objects."""
    codes = sorted({part.strip() for part in (code or "").split(",") if part.strip()})
    if codes:
        # One code, or several separated by commas: a list of areas is summed.
        found = []
        for wanted in codes:
            # Codes are slugs of at most 20 characters; anything else cannot exist (and a NUL
            # character must not reach PostgreSQL).
            area = Area.objects.filter(code=wanted).first() if AREA_CODE.match(wanted) else None
            if area is None or (allowed is not None and area.pk not in allowed):
                access_log_record(
                    action=AccessLog.Action.DENIED,
                    request=request,
                    object_type="report",
                    object_id=wanted[:64],
                    area_id=area.pk if area is not None else None,
                    purpose=f"rapport {report}, område utanför behörigheten",
                )
                raise exceptions.NotFound()
            found.append(area)
        if len(found) == 1:
            return ReportAreas(area_ids=[found[0].pk], area=found[0], codes=[found[0].code])
        return ReportAreas(
            area_ids=sorted(area.pk for area in found),
            area=None,
            codes=[area.code for area in found],
        )

    if allowed is None:
        return ReportAreas(
            area_ids=None,
            area=None,
            codes=list(Area.objects.order_by("code").values_list("code", flat=True)),
        )
    areas = Area.objects.filter(pk__in=allowed).order_by("code")
    return ReportAreas(
        area_ids=sorted(allowed), area=None, codes=list(areas.values_list("code", flat=True))
    )
