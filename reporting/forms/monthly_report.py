"""The order of a printed monthly report (/statistik/manadsrapport/): the area (`omrade`, a code,
checked against the reader's scope by reporting.computed.report_areas: outside it is 404 and
logged) and the month (`manad`, ÅÅÅÅ-MM, offered from the months that have a snapshot; another
month is refused by the service with a Swedish message on the field)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..snapshots import parse_month


class MonthlyReportForm(forms.Form):
    omrade = forms.CharField(widget=forms.HiddenInput, max_length=64)
    manad = forms.CharField(
        label=_("Månad"),
        max_length=7,
        help_text=_("Månader som har en ögonblicksbild, den senaste först."),
        error_messages={"required": _("Välj en månad.")},
    )

    def __init__(self, data=None, *, months: list[dt.date], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["manad"].widget = forms.Select(
            choices=[(f"{month:%Y-%m}", f"{month:%Y-%m}") for month in months]
        )

    def clean_manad(self) -> dt.date:
        try:
            return parse_month(self.cleaned_data["manad"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
