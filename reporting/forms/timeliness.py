"""The address parameters of the timeliness page and the weekly lists (issue 15 points 3 and 4):
a period of any days (`?fran=`/`?till=`, a month ÅÅÅÅ-MM or a day ÅÅÅÅ-MM-DD) and an ISO week
(`?week=2026-W49`). A bad value is reported on its field and the default is used meanwhile."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.dates import add_days, add_months, is_plausible

from ..snapshots import previous_month

MONTH = re.compile(r"\A([0-9]{4})-([0-9]{2})\Z")
DAY = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
WEEK = re.compile(r"\A([0-9]{4})-W([0-9]{2})\Z")
# Three years, as the report API's longest period: bounds what one page asks of the database.
MAX_DAYS = 3 * 366


def _parse(text: str, *, end: bool) -> dt.date:
    """A month (its first day, or with `end` its last) or a day."""
    text = text.strip()
    month = MONTH.match(text)
    try:
        if month:
            first = dt.date(int(month.group(1)), int(month.group(2)), 1)
            day = add_days(add_months(first, 1), -1) if end else first
        elif DAY.match(text):
            day = dt.date.fromisoformat(text)
        else:
            raise ValueError(text)
    except ValueError:
        raise forms.ValidationError(
            _("Ange en månad (ÅÅÅÅ-MM) eller en dag (ÅÅÅÅ-MM-DD).")
        ) from None
    if not is_plausible(day):
        raise forms.ValidationError(_("Ange ett datum mellan 1900 och 2100."))
    return day


class PeriodForm(forms.Form):
    """`fran` and `till` of the timeliness page; without them the last complete month."""

    fran = forms.CharField(label=_("Från"), required=False, max_length=10)
    till = forms.CharField(label=_("Till och med"), required=False, max_length=10)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        first, last = self.default()
        self.fields["fran"].initial = first.isoformat()
        self.fields["till"].initial = last.isoformat()
        for name in ("fran", "till"):
            self.fields[name].help_text = _("ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD")

    def default(self) -> tuple[dt.date, dt.date]:
        month = previous_month(self.today)
        return month, add_days(add_months(month, 1), -1)

    def clean_fran(self):
        text = self.cleaned_data["fran"]
        return _parse(text, end=False) if text.strip() else None

    def clean_till(self):
        text = self.cleaned_data["till"]
        return _parse(text, end=True) if text.strip() else None

    def clean(self):
        data = super().clean()
        first, last = data.get("fran"), data.get("till")
        if self.errors:
            return data
        default_first, default_last = self.default()
        if first is None and last is None:
            first, last = default_first, default_last
        elif first is None:
            first = last.replace(day=1)
        elif last is None:
            last = max(first, min(self.today, add_days(add_months(first.replace(day=1), 1), -1)))
        if last < first:
            self.add_error("till", _("Slutet får inte ligga före början."))
        elif (last - first).days >= MAX_DAYS:
            self.add_error("till", _("Perioden får vara högst tre år."))
        data["period"] = (first, last)
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The period asked for, or the default when the address is wrong."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return self.default()


def iso_week(text: str) -> dt.date:
    """'2026-W49' → the Monday of that ISO week; a clear Swedish error otherwise."""
    match = WEEK.match((text or "").strip())
    try:
        if not match:
            raise ValueError(text)
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise forms.ValidationError(_("Ange veckan som ÅÅÅÅ-Vnn, till exempel 2026-W49.")) from None
    if not is_plausible(monday):
        raise forms.ValidationError(_("Ange en vecka mellan 1900 och 2100."))
    return monday


def week_label(monday: dt.date) -> str:
    """The address form of the week: '2026-W49'."""
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


class WeekForm(forms.Form):
    """`week` (ISO week, default this week) and, for a coordinator, `team` of the weekly
    list."""

    week = forms.CharField(label=_("Vecka"), required=False, max_length=8)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, today: dt.date, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["team"].choices = [("", _("Alla")), *[(t.pk, t.name) for t in teams]]

    def clean_week(self):
        text = self.cleaned_data["week"]
        return iso_week(text) if text.strip() else None

    def _valid(self, name: str):
        """A field's value when it is valid (a wrong other field does not spoil it)."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None

    def monday(self) -> dt.date:
        """The Monday of the week asked for; this week without it or when it is wrong."""
        return self._valid("week") or add_days(self.today, -self.today.weekday())

    def team_id(self) -> int | None:
        return self._valid("team")
