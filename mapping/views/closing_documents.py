"""The closing documentation pages (slutdokumentation, SPEC §3 rule 5): the document as a page
that prints as the document, AF's form, and FK's confirmation and sending back.

Everyone who may open the case may read the document (scoped, reason outside the caseload,
access logged: cases.views.pages); FK's benefit facts on it are hidden from AF as on the case
page (cases.secrecy). Who may write and confirm is the service's rule
(mapping.services.closing_documents); the pages only ask it what to offer."""

from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.access import log_person_access
from cases.flags import rules_for
from cases.models import Case, Situation
from cases.secrecy import FK_FIELDS, hidden_case_fields
from cases.services import SITUATION_FIELDS
from cases.views.pages import (
    case_form_context,
    field_label,
    form_page,
    reason_required,
    visible_case,
)
from samverkan.dates import add_days, days_between
from samverkan.display import display_value, user_label
from samverkan.history import HistorySource, history_rows
from samverkan.services import AccessContext
from samverkan.views import bound_form, stored_rows, versioned_edit

from .. import services
from ..forms.closing_documents import (
    ClosingDocumentConfirmForm,
    ClosingDocumentForm,
    ClosingDocumentReturnForm,
)
from ..models import CLOSING_TEXT_FIELDS, ClosingDocument
from .mapping_common import _value

DOCUMENT_FACTS = (
    "target_group",
    "start_date",
    "end_date",
    "exit_reason",
    "benefit",
    "benefit_end_date",
    "fk_officer",
    "af_officer",
)
CONFIRM_INTRO = gettext_lazy(
    "Du bekräftar för Försäkringskassan att slutdokumentationen är upprättad i samråd med er. "
    "Den räknas som upprättad i dag och kan inte ändras efteråt."
)
HISTORY_FIELDS = (
    *CLOSING_TEXT_FIELDS,
    "submitted_at",
    "submitted_by",
    "returned_at",
    "return_reason",
    "confirmed_on",
    "confirmed_by",
)


def _document_of(case: Case) -> ClosingDocument | None:
    try:
        return case.closing_document
    except ClosingDocument.DoesNotExist:
        return None


def _open(request, pk) -> tuple[Case, ClosingDocument | None, str]:
    """The case (404 outside the user's areas), its document, and the logged purpose: the
    access is logged against the document once there is one."""
    case = visible_case(request, pk)
    document = _document_of(case)
    purpose = log_person_access(request=request, obj=document or case, person=case.person)
    return case, document, purpose


def _to_document(case: Case) -> str:
    return reverse("mapping:closing_document", args=[case.pk])


def _interventions_text(case: Case) -> str:
    """A start for "what was done": the case's interventions, one a line."""
    lines = []
    for i in case.interventions.order_by("start_date", "planned_start", "pk"):
        period = f"{i.start_date or '…'} – {i.end_date or '…'}" if i.start_date else _("ej startad")
        lines.append(f"{i.get_kind_display()} ({i.get_provider_display()}), {period}")
    return "\n".join(lines)


def _situation_at_end(case: Case) -> list[tuple[str, str]]:
    situation = case.situations.filter(moment=Situation.Moment.END).first()
    if situation is None:
        return []
    fields = [
        Situation._meta.get_field(n) for n in SITUATION_FIELDS if n != "public_support_months"
    ]
    return [
        (field_label(Situation, f.name), display_value(f, getattr(situation, f.name)))
        for f in fields
    ]


def _history(document: ClosingDocument | None) -> list[dict]:
    if document is None:
        return []
    return history_rows(
        HistorySource(
            records=document.history.select_related("submitted_by", "confirmed_by"),
            fields=HISTORY_FIELDS,
            show=_value,
        )
    )


@reason_required
@require_http_methods(["GET", "POST"])
def closing_document(request, pk):
    """The document: the case's facts, what was done, the four parts, who wrote and who
    confirmed it. Printed, the page is the document (static/css/app.css, @media print)."""
    # POST reaches the access check, so that an outsider's POST answers 404 like their GET;
    # the page itself only shows (its forms post to the confirmation's page).
    case, document, purpose = _open(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    today = timezone.localdate()
    person = case.person
    hidden = hidden_case_fields(user=request.user, person=person, on=today)
    facts = [
        (field_label(Case, name), display_value(Case._meta.get_field(name), getattr(case, name)))
        for name in DOCUMENT_FACTS
        if name not in hidden
    ]
    write_refusal = services.closing_document_writer_refusal(request.user, case)
    confirm_refusal = services.closing_document_confirmer_refusal(request.user, case)
    confirmed = document is not None and document.is_confirmed
    return render(
        request,
        "mapping/closing_document.html",
        {
            "case": case,
            "person": person,
            "anonymous": person.is_anonymous_on(today),
            "purpose": purpose,
            "document": document,
            "state_label": document.State(document.state).label if document else _("Inte påbörjad"),
            "facts": facts,
            "fk_hidden": bool(hidden & FK_FIELDS),
            "days": days_between(case.start_date, case.end_date)
            if case.start_date and case.end_date
            else None,
            "due": add_days(case.end_date, rules_for(case).closing_doc_days)
            if case.end_date
            else None,
            "interventions": list(case.interventions.order_by("start_date", "planned_start", "pk")),
            "situation": _situation_at_end(case),
            "parts": [
                (field_label(ClosingDocument, name), getattr(document, name) if document else "")
                for name in CLOSING_TEXT_FIELDS
            ],
            "written_by": user_label(document.submitted_by)
            if document and document.submitted_by
            else "",
            "confirmed_by": user_label(document.confirmed_by) if confirmed else "",
            "returned_by": user_label(document.returned_by)
            if document and document.returned_by
            else "",
            "legacy_date": case.closing_doc_date if document is None else None,
            "can_write": write_refusal is None
            and not confirmed
            and (document is not None or (case.start_date and not case.closing_doc_date)),
            "confirm_form": ClosingDocumentConfirmForm(initial={"version": document.version})
            if confirm_refusal is None and document is not None and document.awaits_confirmation
            else None,
            "confirm_intro": CONFIRM_INTRO,
            "history": _history(document),
        },
    )


def _stored(document, form) -> list[dict]:
    """The "Nu sparat" panel after a conflict: the stored text (not the send box)."""
    text_only = ClosingDocumentForm(initial={})
    del text_only.fields["send"]
    return stored_rows(document, text_only) if document is not None else []


def _saved_message(document: ClosingDocument) -> str:
    if document.awaits_confirmation:
        return _("Slutdokumentationen är skickad till Försäkringskassan för bekräftelse.")
    return _("Slutdokumentationen är sparad som utkast.")


@reason_required
@require_http_methods(["GET", "POST"])
def closing_document_edit(request, pk):
    case, document, _purpose = _open(request, pk)
    title = _("Skriv slutdokumentation")
    refusal = services.closing_document_writer_refusal(request.user, case)
    if refusal is None and document is not None and document.is_confirmed:
        refusal = _("Slutdokumentationen är bekräftad och kan inte ändras.")
    if refusal is None and document is None and case.start_date is None:
        refusal = _("Ärendet startade aldrig i samverkan; ingen slutdokumentation behövs.")
    if refusal is None and document is None and case.closing_doc_date:
        refusal = _("Slutdokumentationen för ärendet registrerades %(day)s.") % {
            "day": case.closing_doc_date.isoformat()
        }
    context = case_form_context(case, title=title, cancel_url=_to_document(case))
    if refusal:
        return form_page(request, {**context, "intro": refusal, "form": None})
    initial = ClosingDocumentForm.initial_for(document, done=_interventions_text(case))
    form = bound_form(request, ClosingDocumentForm, initial=initial)
    edit = versioned_edit(
        request,
        form,
        record=document,
        save=lambda form: services.closing_document_save(
            case=case,
            expected_version=form.cleaned_data["version"],
            data=form.service_data(),
            submit=form.cleaned_data["send"],
            context=AccessContext.from_request(request),
        ),
        message=_saved_message,
        success_url=lambda saved: _to_document(case),
        reload=lambda: _document_of(Case.objects.get(pk=case.pk)),
        stored=_stored,
    )
    if edit.response:
        return edit.response
    intro = _(
        "Arbetsförmedlaren skriver slutdokumentationen i samråd med Försäkringskassan. Spara "
        "den som utkast medan du skriver; när ärendet är avslutat skickar du den till "
        "Försäkringskassan, som bekräftar den. Dagen den bekräftas är dagen "
        "slutdokumentationen är upprättad (inom %(days)d dagar efter avslutet)."
    ) % {"days": rules_for(case).closing_doc_days}
    if document is not None and document.awaits_confirmation:
        intro = " ".join(
            [intro, _("Den väntar nu på bekräftelse: ändrar du den måste du skicka den igen.")]
        )
    if document is not None and document.return_reason and not document.awaits_confirmation:
        intro = " ".join(
            [
                intro,
                _("Försäkringskassan bad om ändring: %(reason)s")
                % {"reason": document.return_reason},
            ]
        )
    return form_page(
        request,
        {
            **context,
            "intro": intro,
            "form": edit.form,
            "stored": edit.stored,
            "submit_label": _("Spara"),
        },
    )


def _fk_action(request, pk, *, form_class, title, intro, submit_label, save, message):
    """The confirmation and the sending back: FK's officer acts on a document that waits."""
    case, document, _purpose = _open(request, pk)
    refusal = services.closing_document_confirmer_refusal(request.user, case)
    if refusal is None and (document is None or not document.awaits_confirmation):
        refusal = _("Det finns ingen slutdokumentation som väntar på bekräftelse.")
    context = case_form_context(case, title=title, cancel_url=_to_document(case))
    if refusal:
        return form_page(request, {**context, "intro": refusal, "form": None})
    form = bound_form(request, form_class, initial={"version": document.version})
    edit = versioned_edit(
        request,
        form,
        record=document,
        save=lambda form: save(document, form),
        message=message,
        success_url=_to_document(case),
        conflict_message=_(
            "Slutdokumentationen har ändrats sedan du öppnade sidan. Läs den igen innan du "
            "fortsätter."
        ),
    )
    if edit.response:
        return edit.response
    return form_page(
        request, {**context, "intro": intro, "form": edit.form, "submit_label": submit_label}
    )


@reason_required
@require_http_methods(["GET", "POST"])
def closing_document_confirm(request, pk):
    return _fk_action(
        request,
        pk,
        form_class=ClosingDocumentConfirmForm,
        title=_("Bekräfta slutdokumentationen"),
        intro=CONFIRM_INTRO,
        submit_label=_("Bekräfta slutdokumentationen"),
        save=lambda document, form: services.closing_document_confirm(
            document=document,
            expected_version=form.cleaned_data["version"],
            context=AccessContext.from_request(request),
        ),
        message=_("Slutdokumentationen är bekräftad."),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def closing_document_return(request, pk):
    return _fk_action(
        request,
        pk,
        form_class=ClosingDocumentReturnForm,
        title=_("Skicka tillbaka slutdokumentationen"),
        intro=_(
            "Skriv vad som ska ändras. Dokumentationen går tillbaka till arbetsförmedlaren, "
            "som skickar den igen när den är ändrad."
        ),
        submit_label=_("Skicka tillbaka"),
        save=lambda document, form: services.closing_document_return(
            document=document,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            context=AccessContext.from_request(request),
        ),
        message=_("Slutdokumentationen är skickad tillbaka till arbetsförmedlaren."),
    )
