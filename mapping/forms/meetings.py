"""Forms of the meeting pages (SPEC §4): a held meeting registered on a case, a mapping or a
person, and its correction. They only read and check input: mapping.services validates again
(also that the employer consultation's fields are filled in for that kind of meeting only)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.forms import BLANK_LABEL, BaseForm, date_field, model_field, version_field

from ..models import (
    CONSULTATION_FIELDS,
    EmployerMeasure,
    Meeting,
    Participant,
    participants_in_order,
)

CONSULTATION_HELP = _("Fylls i för konsultativt stöd till arbetsgivare.")


class MeetingForm(BaseForm):
    """Kind, date, participants and notes of a held meeting, and what an employer
    consultation is for and how it is followed up."""

    kind = forms.ChoiceField(
        label=_("Typ av möte"), choices=[("", BLANK_LABEL), *Meeting.Kind.choices]
    )
    date = date_field(_("Datum"))
    participants = forms.MultipleChoiceField(
        label=_("Deltog i mötet"),
        choices=Participant.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = model_field(Meeting, "notes")
    # Employer consultation (konsultativt stöd till arbetsgivare) only.
    employer_name = model_field(
        Meeting, "employer_name", label=_("Konsultativt stöd: arbetsgivare")
    )
    consultation_goal = model_field(
        Meeting, "consultation_goal", label=_("Konsultativt stöd: mål"), help_text=CONSULTATION_HELP
    )
    employer_measures = forms.MultipleChoiceField(
        label=_("Konsultativt stöd: vad arbetsgivaren har påbörjat"),
        choices=EmployerMeasure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    employer_measures_notes = model_field(
        Meeting,
        "employer_measures_notes",
        label=_("Konsultativt stöd: arbetsgivarens åtgärder, beskrivning"),
    )
    follow_up_on = model_field(
        Meeting,
        "follow_up_on",
        label=_("Konsultativt stöd: uppföljning, datum"),
        help_text=_("När stödet ska följas upp. Uppföljningen visas under Att göra."),
    )
    follow_up_result = model_field(
        Meeting,
        "follow_up_result",
        label=_("Konsultativt stöd: uppföljningens resultat"),
        help_text=_("Registreras när uppföljningen har gjorts."),
    )
    follow_up_notes = model_field(
        Meeting, "follow_up_notes", label=_("Konsultativt stöd: uppföljningen, anteckningar")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate

    def consultation_data(self) -> dict:
        """The employer consultation's fields as mapping.services takes them."""
        return {name: self.cleaned_data[name] for name in CONSULTATION_FIELDS}


class MeetingCreateForm(MeetingForm):
    def __init__(self, *args, default_kind="", **kwargs):
        super().__init__(*args, **kwargs)
        if default_kind:
            self.fields["kind"].initial = default_kind

    def service_kwargs(self) -> dict:
        """The cleaned values under the names mapping.services.meeting_create takes."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "on": data["date"],
            "participants": data["participants"],
            "notes": data["notes"],
            "consultation": self.consultation_data(),
        }


class MeetingEditForm(MeetingForm):
    version = version_field()

    @staticmethod
    def initial_for(meeting) -> dict:
        return {
            "kind": meeting.kind,
            "date": meeting.date,
            "participants": participants_in_order(meeting.participants or []),
            "notes": meeting.notes,
            **{name: getattr(meeting, name) for name in CONSULTATION_FIELDS},
            "version": meeting.version,
        }

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
