from django import forms
from django.utils.translation import gettext_lazy as _


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sök på namn eller personnummer"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl till att du öppnar personen"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Personen finns inte i ditt eller ditt teams ärendebestånd. "
            "Skälet sparas i åtkomstloggen och följs upp av samordnaren."
        ),
        error_messages={
            "min_length": _("Skriv ett skäl på minst %(limit_value)d tecken."),
            "required": _("Du måste ange ett skäl."),
        },
    )
