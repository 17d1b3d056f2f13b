"""Meeting pages (SPEC §4): register a held meeting on a mapping or a person, and correct one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views._common import (
    _add_service_errors,
    _bound,
    _form_page,
    _person,
    _reason_redirect,
    _rebind_with_version,
)

from .. import services
from ..forms.mappings import (
    MeetingCreateForm,
    MeetingEditForm,
)
from ..models import (
    Meeting,
)
from .mapping_common import (
    _mapping,
    _mapping_page_context,
    _meeting,
    _stored,
)

# --- meetings ---------------------------------------------------------------------------------


@_reason_redirect
@require_http_methods(["GET", "POST"])
def mapping_meeting_create(request, pk):
    mapping, _purpose = _mapping(request, pk)
    title = _("Registrera kartläggningsmöte")
    if not mapping.is_open:
        return _form_page(
            request,
            _mapping_page_context(
                mapping,
                title=title,
                intro=_("Kartläggningen är avslutad; registrera mötet på personen."),
                form=None,
            ),
        )
    form = _bound(request, MeetingCreateForm, default_kind=Meeting.Kind.RECONCILIATION)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(
                person=mapping.person, mapping=mapping, request=request, **form.service_kwargs()
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Mötet är registrerat."))
            return redirect("mapping:mapping_detail", pk=mapping.pk)
    return _form_page(
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


@_reason_redirect
@require_http_methods(["GET", "POST"])
def person_meeting_create(request, pk):
    person, _purpose = _person(request, pk)
    form = _bound(request, MeetingCreateForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(person=person, request=request, **form.service_kwargs())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Mötet är registrerat."))
            return redirect("cases:person_detail", pk=person.pk)
    return _form_page(
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


@_reason_redirect
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
        return _form_page(
            request,
            {
                **context,
                "intro": _("Kartläggningen är avslutad; dess möten kan inte ändras."),
                "form": None,
            },
        )
    stored = None
    if request.method == "POST":
        form = MeetingEditForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(
                    meeting=meeting,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    request=request,
                )
            except services.ConcurrentEditError as exc:
                meeting.refresh_from_db()
                stored = _stored(meeting, form)
                form = _rebind_with_version(form, meeting.version)
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Mötet är sparat."))
                return redirect(_meeting_back_url(meeting))
    else:
        form = MeetingEditForm(initial=MeetingEditForm.initial_for(meeting))
    intro = ""
    if meeting.mapping_id:
        intro = _(
            "Mötet hör till en gemensam kartläggning: dess första möte och deltagare följer "
            "med ändringen."
        )
    return _form_page(
        request,
        {**context, "intro": intro, "form": form, "stored": stored, "submit_label": _("Spara")},
    )
