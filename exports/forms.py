"""The export page's form. It only reads the input; exports.services runs the export."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Area
from samverkan.forms import ReasonField, date_field

from .models import ExportJob
from .selectors import REASON_MIN_LENGTH, export_area_ids_for, export_reaches_outside
from .services import FILE_LIFETIME

ALL_AREAS = _("Alla mina områden")


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Innehåll"),
        choices=ExportJob.Kind.choices,
        initial=ExportJob.Kind.PARTICIPANTS,
        widget=forms.RadioSelect,
    )
    area = forms.ChoiceField(label=_("Samverkansområde"), required=False)
    date_from = date_field(
        _("Från och med"),
        required=False,
        help_text=_(
            "Deltagare: registreringsdagen (anmälningsdagen för den som inte har registrerats "
            "än); insatser: startdagen; kartläggningar: kartläggningens datum."
        ),
    )
    date_to = date_field(_("Till och med"), required=False)
    file_format = forms.ChoiceField(
        label=_("Filformat"),
        choices=ExportJob.FileFormat.choices,
        initial=ExportJob.FileFormat.CSV_SEMICOLON,
        widget=forms.RadioSelect,
    )

    headers = forms.ChoiceField(
        label=_("Kolumnrubriker"),
        choices=ExportJob.Headers.choices,
        initial=ExportJob.Headers.LABELS,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Gäller CSV och Excel. JSON har alltid kodnamnen."),
    )

    same_export_as = forms.ChoiceField(
        label=_("Samma export som"),
        required=False,
        help_text=_(
            "Välj en av dina exporter från det senaste dygnet för att få samma personnycklar "
            "i den nya filen, så att filerna kan kopplas ihop. Den nya filen gäller då samma "
            "område och period. Annars börjar en ny export med nya nycklar."
        ),
    )

    reason = ReasonField(
        label=_("Skäl för att ta med personer utanför ditt ärendebestånd"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Lämna tomt för att exportera det som dina listor visar. Med ett skäl (minst "
            "%(length)s tecken) tar exporten med alla personer i dina områden, och varje person "
            "utanför ditt och ditt teams ärendebestånd loggas med skälet och granskas i "
            "logguppföljningen."
        )
        % {"length": REASON_MIN_LENGTH},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only an officer has people outside their list (an area-wide role lists the whole area;
        # a role without case access exports no identities at all).
        if not export_reaches_outside(user=user, reason="x" * REASON_MIN_LENGTH):
            del self.fields["reason"]
        since = timezone.now() - FILE_LIFETIME
        recent = ExportJob.objects.filter(
            user=user, created_at__gte=since, state=ExportJob.State.DONE
        )
        self.recent = {str(job.pk): job for job in recent}
        self.fields["same_export_as"].choices = [("", _("Ny export"))] + [
            (key, f"{job.get_kind_display()}, {timezone.localtime(job.created_at):%Y-%m-%d %H:%M}")
            for key, job in self.recent.items()
        ]
        allowed = export_area_ids_for(user)
        areas = Area.objects.filter(is_active=True)
        if allowed is not None:
            areas = areas.filter(pk__in=allowed)
        self.areas = {area.code: area for area in areas.order_by("name")}
        self.fields["area"].choices = [("", ALL_AREAS)] + [
            (code, area.name) for code, area in self.areas.items()
        ]

    def clean_headers(self):
        return self.cleaned_data.get("headers") or ExportJob.Headers.LABELS

    def clean_same_export_as(self):
        key = self.cleaned_data.get("same_export_as")
        return self.recent[key].export_id if key else None

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if reason and len(reason) < REASON_MIN_LENGTH:
            raise forms.ValidationError(
                _("Skriv ett skäl på minst %(length)s tecken, eller lämna fältet tomt.")
                % {"length": REASON_MIN_LENGTH}
            )
        return reason

    def clean_area(self):
        code = self.cleaned_data.get("area")
        return (self.areas[code],) if code else ()

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("Slutdatumet får inte ligga före startdatumet."))
        return cleaned
