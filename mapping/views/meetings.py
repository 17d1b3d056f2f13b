"""Meeting pages (SPEC §4): register a held meeting on a case, a mapping or a person, and
correct one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views.pages import (
    case_for_page,
    case_form_context,
    form_page,
    person_for_page,
    reason_required,
)
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext
from samverkan.views import bound_form, versioned_edit

from .. import services
from ..forms.meetings import MeetingCreateForm, MeetingEditForm
from ..models import Meeting
from .mapping_common import _mapping, _mapping_page_context, _meeting, _stored


def _register(request, form, *, success_url, **where):
    """Register the meeting of a valid POSTed form on `where` (its person, and its case or
    mapping) and redirect; None on GET, or with the service's errors on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        services.meeting_create(
            context=AccessContext.from_request(request), **where, **form.service_kwargs()
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, _("Mötet är registrerat."))
    return redirect(success_url)


@reason_required
@require_http_methods(["GET", "POST"])
def case_meeting_create(request, pk):
    case, _purpose = case_for_page(request, pk)
    form = bound_form(request, MeetingCreateForm)
    saved = _register(
        request,
        form,
        success_url=reverse("cases:case_detail", args=[case.pk]),
        person=case.person,
        case=case,
    )
    if saved:
        return saved
    return form_page(
        request,
        case_form_context(
            case,
            title=_("Registrera möte"),
            intro=_("Registrera mötet när det har hållits. Möten räknas som uppföljning."),
            form=form,
            submit_label=_("Registrera mötet"),
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def mapping_meeting_create(request, pk):
    mapping, _purpose = _mapping(request, pk)
    title = _("Registrera kartläggningsmöte")
    if not mapping.is_open:
        return form_page(
            request,
            _mapping_page_context(
                mapping,
                title=title,
                intro=_("Kartläggningen är avslutad; registrera mötet på personen."),
                form=None,
            ),
        )
    form = bound_form(request, MeetingCreateForm, default_kind=Meeting.Kind.RECONCILIATION)
    saved = _register(
        request,
        form,
        success_url=reverse("mapping:mapping_detail", args=[mapping.pk]),
        person=mapping.person,
        mapping=mapping,
    )
    if saved:
        return saved
    return form_page(
        request,
        _mapping_page_context(
            mapping,
            title=title,
            intro=_(
                "Registrera mötet när det har hållits. Kartläggningens första möte är dess "
                "tidigaste möte, och mötets deltagare läggs till kartläggningens."
            ),
            form=form,
            submit_label=_("Registrera mötet"),
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def person_meeting_create(request, pk):
    person, _purpose = person_for_page(request, pk)
    form = bound_form(request, MeetingCreateForm)
    saved = _register(
        request,
        form,
        success_url=reverse("cases:person_detail", args=[person.pk]),
        person=person,
    )
    if saved:
        return saved
    return form_page(
        request,
        {
            "title": _("Registrera möte"),
            "subject": person.full_name,
            "intro": _(
                "Ett möte med personen utanför kartläggning och ärende, till exempel ett "
                "kontaktmöte. Möten i en kartläggning eller ett ärende registreras där."
            ),
            "form": form,
            "submit_label": _("Registrera mötet"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


def _meeting_back_url(meeting: Meeting) -> str:
    if meeting.mapping_id:
        return reverse("mapping:mapping_detail", args=[meeting.mapping_id])
    if meeting.case_id:
        return reverse("cases:case_detail", args=[meeting.case_id])
    return reverse("cases:person_detail", args=[meeting.person_id])


@reason_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting, _purpose = _meeting(request, pk)
    context = {
        "title": _("Ändra möte"),
        "subject": _("%(meeting)s – %(name)s")
        % {"meeting": meeting, "name": meeting.person.full_name},
        "cancel_url": _meeting_back_url(meeting),
    }
    if meeting.mapping_id and not meeting.mapping.is_open:
        return form_page(
            request,
            {
                **context,
                "intro": _("Kartläggningen är avslutad; dess möten kan inte ändras."),
                "form": None,
            },
        )
    form = bound_form(request, MeetingEditForm, initial=MeetingEditForm.initial_for(meeting))
    edit = versioned_edit(
        request,
        form,
        record=meeting,
        save=lambda form: services.meeting_update(
            meeting=meeting,
            expected_version=form.cleaned_data["version"],
            data=form.service_data(),
            context=AccessContext.from_request(request),
        ),
        message=_("Mötet är sparat."),
        success_url=_meeting_back_url(meeting),
        stored=_stored,
    )
    if edit.response:
        return edit.response
    intro = ""
    if meeting.mapping_id:
        intro = _(
            "Mötet hör till en gemensam kartläggning: dess första möte och deltagare följer "
            "med ändringen."
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
