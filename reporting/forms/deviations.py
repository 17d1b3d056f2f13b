"""Forms for the management group's work on a deviation report (SPEC §5). They only read and
check input; reporting.deviations checks again and writes, and the views put its errors next
to the field they name."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import coordinators_of
from cases.forms import OfficerChoiceField
from samverkan.forms import BaseForm, model_field, version_field

from ..models import DeviationAction, DeviationDialogue, DeviationReport


class DeviationEditForm(BaseForm):
    """The analysis and the dialogue held; recording a dialogue moves the report into dialogue."""

    analysis = model_field(
        DeviationReport,
        "analysis",
        help_text=_("Varför avviker utvecklingen från arbetsplanen?"),
    )
    dialogue_on = model_field(DeviationReport, "dialogue_on")
    dialogue_with = model_field(
        DeviationReport,
        "dialogue_with",
        help_text=_("Vilka deltog i dialogen, t.ex. ledningsgruppen och vårdcentralerna."),
    )
    version = version_field()

    @staticmethod
    def initial_from(report: DeviationReport) -> dict:
        return {
            "analysis": report.analysis,
            "dialogue_on": report.dialogue_on,
            "dialogue_with": report.dialogue_with,
            "version": report.version,
        }

    def service_data(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("analysis", "dialogue_on", "dialogue_with")
        }


class DeviationActionForm(BaseForm):
    """A new agreed action: what, who owns it (free text: a person, a group or an
    organisation), by when; and, when a coordinator of the area follows it up, who (the action
    is then in their to-do list until done)."""

    description = model_field(DeviationAction, "description")
    owner = model_field(DeviationAction, "owner")
    owner_user = OfficerChoiceField(
        queryset=None,
        required=False,
        label=_("Följs upp av samordnare"),
        help_text=_("Valfritt. Åtgärden står i samordnarens lista Att göra tills den är klar."),
        empty_label=_("Ingen"),
        widget=forms.Select,
    )
    due_on = model_field(DeviationAction, "due_on")

    def __init__(self, *args, area_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = coordinators_of(area_id)


class DeviationActionDoneForm(BaseForm):
    done_on = model_field(DeviationAction, "done_on", required=True)
    follow_up = model_field(
        DeviationAction,
        "follow_up",
        help_text=_("Hur blev det? Vad visade uppföljningen?"),
    )
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate


class DeviationCloseForm(BaseForm):
    """Only the version: closing checks the analysis, the dialogue and the actions itself."""

    version = version_field()


class DeviationEscalateForm(BaseForm):
    """Only the version: the report goes to the regional managers."""

    version = version_field()


class DeviationDialogueForm(BaseForm):
    """A dialogue held on an escalated report between the regional and the local managers."""

    held_on = model_field(DeviationDialogue, "held_on")
    participants = model_field(
        DeviationDialogue,
        "participants",
        help_text=_("T.ex. verksamhetsområdeschef, marknadschef och områdets ledningsgrupp."),
    )
    notes = model_field(DeviationDialogue, "notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate
