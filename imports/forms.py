"""The upload form of the import page. It only reads the input; imports.services checks the
file and writes it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.forms import BLANK_LABEL

from .models import KIND_CHOICES
from .reading import MAX_FILE_BYTES
from .services import import_areas_for


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Filtyp"), choices=[("", BLANK_LABEL), *KIND_CHOICES])
    area = forms.ModelChoiceField(
        label=_("Samverkansområde för personerna"),
        queryset=None,
        required=False,
        empty_label=BLANK_LABEL,
        help_text=_(
            "Gäller filtypen Personer, som saknar kolumn för område. Övriga filtyper anger "
            "området på varje rad."
        ),
    )
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("UTF-8, semikolonseparerad (;), en rubrikrad. Se formaten nedan."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = import_areas_for(user)
        self.fields["area"].queryset = areas
        if len(areas) == 1:
            self.fields["area"].initial = areas[0].pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Filen är större än %(mb)d MB; dela upp den.") % {"mb": MAX_FILE_BYTES // 2**20}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "persons" and not cleaned.get("area"):
            if len(self.fields["area"].queryset) != 1:
                self.add_error("area", _("Välj vilket område personerna ska registreras i."))
        return cleaned
