"""Forms of the closing documentation pages (slutdokumentation, SPEC §3 rule 5): AF writes and
sends it, FK confirms it or sends it back. They only read and check input;
mapping.services.closing_documents decides (who, when, what is missing) and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.forms import MAX_VERSION, BaseForm, ReasonField, model_field, version_field

from ..models import CLOSING_TEXT_FIELDS, ClosingDocument

HELP = {
    "done": _("Insatser och aktiviteter under tiden i samverkan, med anordnare och tider."),
    "result": _("Vad insatserna ledde till: arbete, studier, arbetsförmåga, hälsa."),
    "situation_at_end": _(
        "Personens situation när samverkan avslutades: sysselsättning, försörjning, hälsa."
    ),
    "recommendations": _(
        "Vad Arbetsförmedlingens ordinarie stöd bör bygga vidare på, och vad som bör undvikas."
    ),
}


class ClosingDocumentForm(BaseForm):
    """The four parts of the document, and whether it is sent to FK now."""

    done = model_field(ClosingDocument, "done", help_text=HELP["done"])
    result = model_field(ClosingDocument, "result", help_text=HELP["result"])
    situation_at_end = model_field(
        ClosingDocument, "situation_at_end", help_text=HELP["situation_at_end"]
    )
    recommendations = model_field(
        ClosingDocument, "recommendations", help_text=HELP["recommendations"]
    )
    send = forms.BooleanField(
        label=_("Skicka till Försäkringskassan för bekräftelse"),
        required=False,
        help_text=_(
            "Kryssa i när dokumentationen är klar och ärendet avslutat. Annars sparas den som "
            "utkast som du kan fortsätta med senare."
        ),
    )
    # Empty while no document exists: the service then refuses one made meanwhile.
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_VERSION
    )

    @staticmethod
    def initial_for(document: ClosingDocument | None, *, done: str = "") -> dict:
        """A stored document's text, or for a new one the case's interventions as a start."""
        if document is None:
            return {"done": done}
        return {
            **{name: getattr(document, name) for name in CLOSING_TEXT_FIELDS},
            "version": document.version,
        }

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in CLOSING_TEXT_FIELDS}


class ClosingDocumentConfirmForm(BaseForm):
    version = version_field()


class ClosingDocumentReturnForm(BaseForm):
    reason = ReasonField(
        label=_("Vad ska ändras?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Arbetsförmedlaren ser det under Att göra tills dokumentationen skickas igen."),
    )
    version = version_field()
