import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _


class MonthField(forms.CharField):
    default_error_messages = {"invalid": _("Ange månad som ÅÅÅÅ-MM.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            month = dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not 2000 <= month.year <= 2100:
            raise forms.ValidationError(_("Ange en månad mellan år 2000 och 2100."), code="range")
        return month


class ReviewFilterForm(forms.Form):
    month = MonthField(label=_("Månad"), required=False, help_text=_("ÅÅÅÅ-MM"))
    staff = forms.TypedChoiceField(
        label=_("Användare"), required=False, coerce=int, empty_value=None
    )
    person = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    seed = forms.RegexField(
        label=_("Slumpfrö"),
        regex=r"^[A-Za-z0-9åäöÅÄÖ_-]{1,40}$",
        required=False,
        help_text=_("Samma frö ger samma urval. Bokstäver och siffror, högst 40 tecken."),
        error_messages={"invalid": _("Använd bokstäver, siffror, - och _.")},
    )
    size = forms.IntegerField(label=_("Antal poster"), required=False, min_value=1, max_value=200)

    def __init__(self, *args, staff_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", _("— välj —"))] + list(staff_choices)


class PersonLookupForm(forms.Form):
    personnummer = forms.CharField(label=_("Personnummer"), max_length=13)
