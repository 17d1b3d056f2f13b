"""The management group's work on a deviation report (SPEC §5): the analysis and the dialogue,
the agreed actions and closing the report. The rules live in reporting.deviations; these pages
only call it, and its PermissionDenied answers 404 like any object the user may not work on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views.pages import form_page
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext
from samverkan.views import bound_form, stored_rows, versioned_edit

from ... import deviation_escalation as escalation
from ... import deviations as services
from ...forms.deviations import (
    DeviationActionDoneForm,
    DeviationActionForm,
    DeviationCloseForm,
    DeviationDialogueForm,
    DeviationEditForm,
    DeviationEscalateForm,
)
from ...models import DeviationReport
from .reports import _month_span, _refuse, _visible_report, _workable_action, _workable_report


def _close_checklist(report: DeviationReport) -> list[dict]:
    """What closing needs (the rule itself is deviation_close's; this only explains it)."""
    actions = list(report.actions.all())
    return [
        {"label": _("Analysen är skriven"), "done": bool(report.analysis)},
        {"label": _("Dialogen är registrerad"), "done": report.dialogue_on is not None},
        {"label": _("Minst en åtgärd är beslutad"), "done": bool(actions)},
        {
            "label": _("Alla åtgärder är klara"),
            "done": bool(actions) and all(a.done_on is not None for a in actions),
        },
    ]


def _subject(report: DeviationReport) -> str:
    return _("%(area)s: %(kind)s, %(months)s") % {
        "area": report.area,
        "kind": report.get_kind_display(),
        "months": _month_span(report),
    }


def _to_report(report: DeviationReport) -> str:
    return reverse("reporting:deviation_detail", args=[report.pk])


def _form_context(report, **extra) -> dict:
    return {
        "subject": _subject(report),
        "cancel_url": reverse("reporting:deviation_detail", args=[report.pk]),
        **extra,
    }


# --- pages ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def deviation_edit(request, pk):
    report = _workable_report(request, pk)
    form = bound_form(request, DeviationEditForm, initial=DeviationEditForm.initial_from(report))
    try:
        edit = versioned_edit(
            request,
            form,
            record=report,
            save=lambda form: services.deviation_update(
                report=report,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
                context=AccessContext.from_request(request),
            ),
            message=_("Avvikelserapporten är sparad."),
            success_url=_to_report(report),
            stored=stored_rows,
        )
    except PermissionDenied:
        raise Http404 from None
    if edit.response:
        return edit.response
    return form_page(
        request,
        _form_context(
            report,
            title=_("Analys och dialog"),
            intro=_(
                "När dialogen med ledningsgruppen är registrerad går rapporten över till "
                "status I dialog."
            ),
            form=edit.form,
            stored=edit.stored,
            submit_label=_("Spara"),
        ),
    )


@require_http_methods(["GET", "POST"])
def deviation_action_create(request, pk):
    report = _workable_report(request, pk)
    form = bound_form(request, DeviationActionForm, area_id=report.area_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.deviation_action_add(
                report=report, context=AccessContext.from_request(request), **form.cleaned_data
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Åtgärden är registrerad."))
            return redirect("reporting:deviation_detail", pk=report.pk)
    return form_page(
        request,
        _form_context(
            report,
            title=_("Ny åtgärd"),
            intro=_("En beslutad åtgärd har en ansvarig och ett datum då den ska vara klar."),
            form=form,
            submit_label=_("Registrera åtgärden"),
        ),
    )


@require_http_methods(["GET", "POST"])
def deviation_action_done(request, pk):
    action = _workable_action(request, pk)
    report = action.report
    context = _form_context(report, title=_("Markera åtgärden klar"), intro=action.description)
    if action.done_on is not None and request.method == "GET":
        return form_page(
            request,
            {**context, "intro": _("Åtgärden är redan klar."), "form": None},
        )
    form = bound_form(request, DeviationActionDoneForm, initial={"version": action.version})
    try:
        edit = versioned_edit(
            request,
            form,
            record=action,
            save=lambda form: services.deviation_action_done(
                action=action,
                expected_version=form.cleaned_data["version"],
                done_on=form.cleaned_data["done_on"],
                follow_up=form.cleaned_data["follow_up"],
                context=AccessContext.from_request(request),
            ),
            message=_("Åtgärden är markerad som klar."),
            success_url=_to_report(report),
            stored=stored_rows,
        )
    except PermissionDenied:
        raise Http404 from None
    if edit.response:
        return edit.response
    return form_page(
        request,
        {**context, "form": edit.form, "stored": edit.stored, "submit_label": _("Markera klar")},
    )


def _state_change(request, report, *, form_class, change, finished, title, finished_intro, message):
    """A versioned change of the report's state (closing, escalating) through the service
    `change`: a page saying it is done already when `finished`; else the form, saved with the
    version it was shown at. Returns (the response when there is one, the form to show)."""
    if finished:
        page = form_page(
            request, _form_context(report, title=title, intro=finished_intro, form=None)
        )
        return page, None
    form = bound_form(request, form_class, initial={"version": report.version})
    try:
        edit = versioned_edit(
            request,
            form,
            record=report,
            save=lambda form: change(
                report=report,
                expected_version=form.cleaned_data["version"],
                context=AccessContext.from_request(request),
            ),
            message=message,
            success_url=_to_report(report),
        )
    except PermissionDenied:
        raise Http404 from None
    return edit.response, edit.form


@require_http_methods(["GET", "POST"])
def deviation_close(request, pk):
    report = _workable_report(request, pk)
    response, form = _state_change(
        request,
        report,
        form_class=DeviationCloseForm,
        change=services.deviation_close,
        finished=report.status == DeviationReport.Status.CLOSED,
        title=_("Stäng rapporten"),
        finished_intro=_("Rapporten är redan stängd."),
        message=_("Avvikelserapporten är stängd."),
    )
    if response:
        return response
    return render(
        request,
        "reporting/deviation_close.html",
        _form_context(
            report, title=_("Stäng rapporten"), checklist=_close_checklist(report), form=form
        ),
    )


@require_http_methods(["GET", "POST"])
def deviation_escalate(request, pk):
    """The area's management group sends the report to the regional managers."""
    report = _workable_report(request, pk)
    title = _("Eskalera till de regionala cheferna")
    response, form = _state_change(
        request,
        report,
        form_class=DeviationEscalateForm,
        change=escalation.deviation_escalate,
        finished=report.escalated_at is not None or report.status == DeviationReport.Status.CLOSED,
        title=title,
        finished_intro=_("Rapporten är redan eskalerad eller stängd."),
        message=_("Avvikelserapporten är eskalerad till de regionala cheferna."),
    )
    if response:
        return response
    return form_page(
        request,
        _form_context(
            report,
            title=title,
            intro=_(
                "Verksamhetsområdeschefen (FK) och marknadschefen (AF) för området ser rapporten "
                "och registrerar dialogen med er i den."
            ),
            form=form,
            submit_label=_("Eskalera"),
        ),
    )


@require_http_methods(["GET", "POST"])
def deviation_dialogue_create(request, pk):
    """The regional managers (and the area's management group) record a dialogue held on an
    escalated report."""
    report = _visible_report(request, pk)
    if not escalation.may_record_dialogue(request.user, report):
        _refuse(request, report)
    if report.escalated_at is None or report.status == DeviationReport.Status.CLOSED:
        return form_page(
            request,
            _form_context(
                report,
                title=_("Registrera dialog"),
                intro=_("Dialogen registreras på en eskalerad rapport som inte är stängd."),
                form=None,
            ),
        )
    form = bound_form(request, DeviationDialogueForm)
    if request.method == "POST" and form.is_valid():
        try:
            escalation.deviation_dialogue_add(
                report=report,
                context=AccessContext.from_request(request),
                **form.cleaned_data,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Dialogen är registrerad."))
            return redirect(_to_report(report))
    return form_page(
        request,
        _form_context(
            report,
            title=_("Registrera dialog"),
            intro=_("Vilka deltog, när och vad sades och beslutades."),
            form=form,
            submit_label=_("Spara"),
        ),
    )
