"""Case actions: edits, phase moves, closing, area moves, situations, plans, meetings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from mapping.services import meeting_create, plan_save

from .. import selectors, services
from ..access import (
    log_person_access,
)
from ..flags import rules_for
from ..forms import (
    CaseEditForm,
    CloseForm,
    MeetingForm,
    MoveForm,
    PlanForm,
    SituationForm,
    TransitionForm,
)
from ..models import Phase, Situation
from ._common import (
    _add_service_errors,
    _bound,
    _case,
    _form_page,
    _reason_redirect,
    _rebind_with_version,
    _stored_rows,
    _visible_case,
)
from .case_page import _next_phases

# --- case actions -----------------------------------------------------------------------------


def _case_page_context(case, **extra):
    return {
        "subject": _("%(case)s – %(name)s, %(phase)s")
        % {"case": case, "name": case.person.full_name, "phase": case.get_phase_display()},
        "cancel_url": reverse("cases:case_detail", args=[case.pk]),
        **extra,
    }


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case, _purpose = _case(request, pk)
    kwargs = {"case": case, "user": request.user}
    stored = None
    if request.method == "POST":
        form = CaseEditForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.case_update(
                    case=case,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    request=request,
                )
            except services.ConcurrentEditError as exc:
                case.refresh_from_db()
                stored = _stored_rows(case, form)
                form = _rebind_with_version(form, case.version, **kwargs)
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Ärendet är sparat."))
                return redirect("cases:case_detail", pk=case.pk)
    else:
        form = CaseEditForm(**kwargs)
        form.initial = {
            **{name: getattr(case, name) for name in form.fields if name != "version"},
            "fk_officer": case.fk_officer_id,
            "af_officer": case.af_officer_id,
            "version": case.version,
        }
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Ändra ärende"),
            intro=_(
                "Varje myndighet registrerar sina egna uppgifter: Försäkringskassan "
                "ersättningen, Arbetsförmedlingen sina anteckningar."
            ),
            form=form,
            stored=stored,
            submit_label=_("Spara"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_transition(request, pk):
    case, _purpose = _case(request, pk)
    choices = _next_phases(case)
    if not case.is_open or not choices:
        intro = (
            _("Ärendet är avslutat.")
            if not case.is_open
            else _("Ärendet är i sista fasen och kan bara avslutas.")
        )
        return _form_page(
            request, _case_page_context(case, title=_("Byt fas"), intro=intro, form=None)
        )
    form = _bound(request, TransitionForm, choices=choices, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_transition(
                case=case,
                to_phase=data["to_phase"],
                on=data["on"],
                note=data["note"],
                expected_version=data["version"],
                request=request,
            )
        except services.ConcurrentEditError as exc:
            case.refresh_from_db()
            form = _rebind_with_version(form, case.version, choices=_next_phases(case))
            form.add_error(None, exc)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Fasen är bytt."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Byt fas"),
            intro=_(
                "Ärendet går bara framåt. En individuell plan krävs före introduktion och "
                "prövning, och efter dag %(max)d kan ärendet bara avslutas."
            )
            % {"max": rules_for(case).max_days},
            form=form,
            submit_label=_("Byt fas"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_close(request, pk):
    case, _purpose = _case(request, pk)
    if not case.is_open:
        return _form_page(
            request,
            _case_page_context(
                case, title=_("Avsluta ärende"), intro=_("Ärendet är redan avslutat."), form=None
            ),
        )
    form = _bound(request, CloseForm, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_transition(
                case=case,
                to_phase=Phase.CLOSED,
                on=data["on"],
                exit_reason=data["exit_reason"],
                note=data["note"],
                expected_version=data["version"],
                request=request,
            )
        except services.ConcurrentEditError as exc:
            case.refresh_from_db()
            form = _rebind_with_version(form, case.version)
            form.add_error(None, exc)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Ärendet är avslutat."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Avsluta ärende"),
            intro=_(
                "Ett ärende kan avslutas från varje fas. Slutdokumentationen ska sedan "
                "upprättas inom %(days)d dagar."
            )
            % {"days": rules_for(case).closing_doc_days},
            form=form,
            submit_label=_("Avsluta ärendet"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_move(request, pk):
    """The person moved: the coordinator moves the case to the new area (SPEC §3)."""
    case = _visible_case(request, pk)
    if not scope_for(request.user).area_wide:
        raise PermissionDenied
    log_person_access(request=request, obj=case, person=case.person)
    form = _bound(request, MoveForm, case=case)
    if request.method == "POST" and form.is_valid():
        to_area = form.cleaned_data["to_area"]
        try:
            services.case_move_area(
                case=case, to_area=to_area, on=form.cleaned_data["on"], request=request
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if selectors.case_list_visible_to(user=request.user).filter(pk=case.pk).exists():
                messages.success(
                    request, _("Ärendet är flyttat till %(area)s.") % {"area": to_area}
                )
                return redirect("cases:case_detail", pk=case.pk)
            # The old area loses access the same day: the case page would now answer 404.
            messages.success(
                request,
                _(
                    "Ärendet är flyttat till %(area)s. Det hör inte längre till dina områden "
                    "och visas inte för dig."
                )
                % {"area": to_area},
            )
            return redirect("home")
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Flytta till annat område"),
            intro=_(
                "Ärendet och personen flyttas med hela sin historik. Det gamla områdets "
                "handläggare och samordnare förlorar åtkomsten samma dag, och handläggarna "
                "tas bort från ärendet."
            ),
            form=form,
            submit_label=_("Flytta ärendet"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def situation_edit(request, pk, moment):
    case, _purpose = _case(request, pk)
    situation = case.situations.filter(moment=moment).first()
    initial = {}
    if situation is not None:
        initial = {name: getattr(situation, name) for name in services.SITUATION_FIELDS}
    form = _bound(request, SituationForm, moment=moment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.situation_save(
                case=case, moment=moment, data=form.service_data(), request=request
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Situationen är sparad."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Situation: %(moment)s") % {"moment": Situation.Moment(moment).label},
            form=form,
            submit_label=_("Spara"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def plan_create(request, pk):
    case, _purpose = _case(request, pk)
    latest = case.plan_versions.first()
    initial = {}
    if latest is not None:
        initial = {
            "goal": latest.goal,
            "activities": latest.activities,
            "start_date": latest.start_date,
            "end_date": latest.end_date,
        }
    form = _bound(request, PlanForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_save(case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Planen är sparad som en ny version."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Ny version av den individuella planen"),
            intro=_("Tidigare versioner sparas och kan läsas på ärendet.")
            if latest
            else _("En individuell plan krävs före introduktion och prövning."),
            form=form,
            submit_label=_("Spara ny version"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk):
    case, _purpose = _case(request, pk)
    form = _bound(request, MeetingForm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting_create(
                person=case.person,
                case=case,
                kind=data["kind"],
                on=data["date"],
                participants=data["participants"],
                notes=data["notes"],
                request=request,
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Mötet är registrerat."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Registrera möte"),
            intro=_("Registrera mötet när det har hållits. Möten räknas som uppföljning."),
            form=form,
            submit_label=_("Registrera mötet"),
        ),
    )
