"""The coordinator's form for a month's consumption (issue 21, item 2). It only reads the input;
funds.services.consumption_save checks the rules and writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from reporting.api.params import parse_month
from reporting.forms.reports import MonthInput
from samverkan.forms import BLANK_LABEL

from .services import parse_amount


class ConsumptionForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Samverkansområde"), queryset=None, empty_label=BLANK_LABEL
    )
    month = forms.CharField(
        label=_("Månad"),
        max_length=7,
        widget=MonthInput,
        help_text=_("ÅÅÅÅ-MM"),
        error_messages={"required": _("Ange månaden som ÅÅÅÅ-MM, till exempel 2026-04.")},
    )
    category = forms.ModelChoiceField(label=_("Verksamhet"), queryset=None, empty_label=BLANK_LABEL)
    amount = forms.CharField(
        label=_("Förbrukat belopp (kr)"),
        max_length=30,
        help_text=_("I kronor, till exempel 2507000 eller 2507000,50. Minus för en rättelse."),
        error_messages={"required": _("Ange beloppet i kronor.")},
    )
    # The version of the stored amount the form was opened with (0: a new amount), ADR 0006.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, areas, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["category"].queryset = categories
        if len(areas) == 1:
            self.fields["area"].initial = areas[0].pk

    def clean_month(self):
        try:
            return parse_month(self.cleaned_data["month"].strip())
        except exceptions.ValidationError as error:
            raise ValidationError([str(message) for message in error.detail]) from None

    def clean_amount(self):
        return parse_amount(self.cleaned_data["amount"])
