"""The query parameters of every statistics endpoint, parsed one way (SPEC §6): months `ÅÅÅÅ-MM`
and days `ÅÅÅÅ-MM-DD` within the product's dates, for the reports' period (`from`/`to`, or the
status report's `day`) and for the resources' filters (`from`/`to` on a month field, the strict
booleans, the year). Bad parameters are a 400 naming the field, in Swedish.

Which areas a request may ask for is scoping, not parsing: reporting.api.base."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from reporting.computed import Period
from reporting.snapshots import previous_month
from samverkan.dates import EARLIEST_DAY, LATEST_DAY, months_apart

# A longer period is refused: three years of months is what the dashboards show (24-month trend)
# with room to spare, and it bounds the work a single live request can ask of the database.
MAX_MONTHS = 36

MONTH_FORMAT = re.compile(r"\A([0-9]{4})-([0-9]{2})\Z")
DAY_FORMAT = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def parse_month(text: str) -> dt.date:
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


def parse_day(text: str) -> dt.date:
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


def months_between(first: dt.date, last: dt.date) -> int:
    """Whole months first..last, both included."""
    return months_apart(first, last) + 1


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
            return Period(day=parse_day(values["day"]))
        except exceptions.ValidationError as error:
            raise exceptions.ValidationError({"day": error.detail}) from None

    parsed: dict[str, dt.date] = {}
    for name in ("from", "to"):
        if name in given:
            try:
                parsed[name] = parse_month(values[name])
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
    length = months_between(first, last)
    if length > MAX_MONTHS:
        message = _("Perioden får vara högst %(max)d månader, den begärda är %(length)d.") % {
            "max": MAX_MONTHS,
            "length": length,
        }
        raise exceptions.ValidationError({"to" if "to" in parsed else "from": [message]})
    return Period(first=first, last=last)


# --- the resources' filters (django-filter) ----------------------------------------------------


class MonthOrDayField(forms.CharField):
    """A month `ÅÅÅÅ-MM` (its first day) or a day `ÅÅÅÅ-MM-DD`, within the product's dates."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text) if MONTH_FORMAT.match(text) else parse_day(text)
        except exceptions.ValidationError as error:
            well_formed = MONTH_FORMAT.match(text) or DAY_FORMAT.match(text)
            raise forms.ValidationError(
                str(error.detail[0])
                if well_formed
                else _("Ange månaden som ÅÅÅÅ-MM eller dagen som ÅÅÅÅ-MM-DD.")
            ) from None


class MonthOrDayFilter(django_filters.CharFilter):
    field_class = MonthOrDayField


def with_months(field: str, what: str):
    """`from`/`to` on a month field (stored as the month's first day): a month `ÅÅÅÅ-MM` or a
    day `ÅÅÅÅ-MM-DD`, both included. `from` is a Python keyword, hence the decorator (as
    samverkan.api.with_period)."""

    def decorate(cls):
        cls.base_filters.update(
            {
                "from": MonthOrDayFilter(
                    field_name=field,
                    lookup_expr="gte",
                    label=f"{what} från och med: ÅÅÅÅ-MM, eller ÅÅÅÅ-MM-DD (månader vars "
                    "första dag ligger på eller efter dagen).",
                ),
                "to": MonthOrDayFilter(
                    field_name=field,
                    lookup_expr="lte",
                    label=f"{what} till och med: ÅÅÅÅ-MM, eller ÅÅÅÅ-MM-DD (månader vars "
                    "första dag ligger på eller före dagen).",
                ),
            }
        )
        return cls

    return decorate


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` (also `1`/`0`); anything else is a 400 naming the parameter, where
    django-filter's own boolean widgets would ignore it and answer the unfiltered list."""

    widget = forms.TextInput

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(_("Ange true eller false."), code="invalid")

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField
