"""Forms of the meeting pages (SPEC §4): a held meeting registered on a case, a mapping or a
person, and its correction. They only read and check input: mapping.services validates again."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.forms import BLANK_LABEL, BaseForm, date_field, model_field, version_field

from ..models import Meeting, Participant, participants_in_order


class MeetingForm(BaseForm):
    """Kind, date, participants and notes of a held meeting."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate


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
            "version": meeting.version,
        }

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
