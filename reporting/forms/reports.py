"""The choice on a report page (/statistik/rapporter/…): a period of whole months (`fran`, `till`:
ÅÅÅÅ-MM) and the areas (`omrade`, any number of codes: none is everything the reader sees, the
nation for national roles; one is that area; several are summed). The months are parsed as the
report API parses them (reporting.api.params: the same bounds, at most MAX_MONTHS months). A bad
value is shown on its field and nothing is computed until it is right."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from samverkan.dates import add_months

from ..api.params import MAX_MONTHS, months_between, parse_month
from ..snapshots import previous_month


class MonthInput(forms.TextInput):
    input_type = "month"


def _month(text: str) -> dt.date:
    try:
        return parse_month(text.strip())
    except exceptions.ValidationError as error:
        raise forms.ValidationError([str(message) for message in error.detail]) from None


class AreaCodes(forms.MultipleChoiceField):
    """Area codes: checked against the reader's scope by reporting.computed.report_areas (an
    area outside it is 404 and logged, as in the report API), so any short text passes here."""

    def valid_value(self, value) -> bool:
        return isinstance(value, str) and len(value) <= 64


class ReportForm(forms.Form):
    fran = forms.CharField(
        label=_("Från och med månad"),
        max_length=7,
        widget=MonthInput,
        error_messages={"required": _("Ange månaden som ÅÅÅÅ-MM, till exempel 2026-04.")},
    )
    till = forms.CharField(
        label=_("Till och med månad"),
        max_length=7,
        widget=MonthInput,
        error_messages={"required": _("Ange månaden som ÅÅÅÅ-MM, till exempel 2026-04.")},
    )
    omrade = AreaCodes(
        label=_("Områden"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "area-choices"}),
    )

    def __init__(
        self, data=None, *, today: dt.date, areas, national: bool, benefits=None, regions=()
    ):
        """`areas`: (code, name) of the areas the reader sees, in the order shown; `benefits`:
        (value, label) of the benefits a mappings report can be restricted to, or None."""
        super().__init__(data)
        if benefits is not None:
            self.fields["ersattning"] = forms.ChoiceField(
                label=_("Ersättning"),
                required=False,
                choices=[("", _("Alla kartläggningar")), *benefits],
                help_text=_("Tabell 1 räknar dem med sjukpenning."),
            )
        self.today = today
        for name, value in self.default_query(today).items():
            self.fields[name].initial = value
        for name in ("fran", "till"):
            self.fields[name].help_text = _("ÅÅÅÅ-MM")
        self.fields["omrade"].choices = list(areas)
        if regions:
            # A group of areas (issue 20): a region the reader sees, its areas summed.
            self.fields["region"] = forms.ChoiceField(
                label=_("Region"),
                required=False,
                choices=[("", _("Ingen region vald")), *regions],
                help_text=_("Verksamhetsområde (FK) eller marknadsområde (AF): dess områden."),
            )
        self.fields["omrade"].help_text = (
            _("Välj inget för hela riket, ett område eller flera som räknas ihop.")
            if national
            else _("Välj inget för alla dina områden, ett område eller flera som räknas ihop.")
        )
        if len(self.fields["omrade"].choices) < 2:
            self.fields["omrade"].widget = forms.MultipleHiddenInput()

    def clean_fran(self):
        return _month(self.cleaned_data["fran"])

    def clean_till(self):
        return _month(self.cleaned_data["till"])

    def clean(self):
        data = super().clean()
        first, last = data.get("fran"), data.get("till")
        if first is None or last is None:
            return data
        if last < first:
            self.add_error("till", _("Slutmånaden får inte ligga före startmånaden."))
        elif months_between(first, last) > MAX_MONTHS:
            self.add_error(
                "till", _("Perioden får vara högst %(max)d månader.") % {"max": MAX_MONTHS}
            )
        return data

    @staticmethod
    def default_query(today: dt.date) -> dict:
        """The period without a choice: the last twelve whole months."""
        last = previous_month(today)
        return {"fran": f"{add_months(last, -11):%Y-%m}", "till": f"{last:%Y-%m}"}
