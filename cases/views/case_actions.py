"""Case actions: edits, phase moves, closing, area moves, situations. (The plan and the
meetings of a case are the mapping app's pages: mapping.views.plans, mapping.views.meetings.)"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext
from samverkan.views import bound_form, record_initial, stored_rows, versioned_edit

from .. import selectors, services
from ..access import log_person_access
from ..flags import SUGGESTIONS, rules_for
from ..forms import (
    CaseEditForm,
    CloseForm,
    FlagDismissForm,
    MoveForm,
    SituationForm,
    TransitionForm,
)
from ..models import Phase, Situation
from .case_page import next_phases
from .pages import case_for_page, case_form_context, form_page, reason_required, visible_case


def _to_case(case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


@reason_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case, _purpose = case_for_page(request, pk)
    kwargs = {"case": case, "user": request.user}
    form = bound_form(request, CaseEditForm, **kwargs)
    if not form.is_bound:
        form.initial = record_initial(case, form)
    edit = versioned_edit(
        request,
        form,
        record=case,
        save=lambda form: services.case_update(
            case=case,
            expected_version=form.cleaned_data["version"],
            data=form.service_data(),
            context=AccessContext.from_request(request),
        ),
        message=_("Ärendet är sparat."),
        success_url=_to_case(case),
        rebind=lambda data: CaseEditForm(data, **kwargs),
        stored=stored_rows,
    )
    if edit.response:
        return edit.response
    return form_page(
        request,
        case_form_context(
            case,
            title=_("Ändra ärende"),
            intro=_(
                "Varje myndighet registrerar sina egna uppgifter: Försäkringskassan "
                "ersättningen, Arbetsförmedlingen sina anteckningar."
            ),
            form=edit.form,
            stored=edit.stored,
            submit_label=_("Spara"),
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def case_transition(request, pk):
    case, _purpose = case_for_page(request, pk)
    choices = next_phases(case)
    if not case.is_open or not choices:
        intro = (
            _("Ärendet är avslutat.")
            if not case.is_open
            else _("Ärendet är i sista fasen och kan bara avslutas.")
        )
        return form_page(
            request, case_form_context(case, title=_("Byt fas"), intro=intro, form=None)
        )
    form = bound_form(request, TransitionForm, choices=choices, initial={"version": case.version})
    edit = versioned_edit(
        request,
        form,
        record=case,
        save=lambda form: services.case_transition(
            case=case,
            to_phase=form.cleaned_data["to_phase"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
            context=AccessContext.from_request(request),
        ),
        message=_("Fasen är bytt."),
        success_url=_to_case(case),
        # the phases offered follow the stored case
        rebind=lambda data: TransitionForm(data, choices=next_phases(case)),
    )
    if edit.response:
        return edit.response
    return form_page(
        request,
        case_form_context(
            case,
            title=_("Byt fas"),
            intro=_(
                "Ärendet går bara framåt. En individuell plan krävs före introduktion och "
                "prövning, och efter dag %(max)d kan ärendet bara avslutas."
            )
            % {"max": rules_for(case).max_days},
            form=edit.form,
            submit_label=_("Byt fas"),
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def case_close(request, pk):
    case, _purpose = case_for_page(request, pk)
    if not case.is_open:
        return form_page(
            request,
            case_form_context(
                case, title=_("Avsluta ärende"), intro=_("Ärendet är redan avslutat."), form=None
            ),
        )
    form = bound_form(request, CloseForm, initial={"version": case.version})
    edit = versioned_edit(
        request,
        form,
        record=case,
        save=lambda form: services.case_transition(
            case=case,
            to_phase=Phase.CLOSED,
            on=form.cleaned_data["on"],
            exit_reason=form.cleaned_data["exit_reason"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
            context=AccessContext.from_request(request),
        ),
        message=_("Ärendet är avslutat."),
        success_url=_to_case(case),
    )
    if edit.response:
        return edit.response
    return form_page(
        request,
        case_form_context(
            case,
            title=_("Avsluta ärende"),
            intro=_(
                "Ett ärende kan avslutas från varje fas. Slutdokumentationen ska sedan "
                "upprättas inom %(days)d dagar."
            )
            % {"days": rules_for(case).closing_doc_days},
            form=edit.form,
            submit_label=_("Avsluta ärendet"),
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def case_move(request, pk):
    """The person moved: the coordinator moves the case to the new area (SPEC §3)."""
    case = visible_case(request, pk)
    if not scope_for(request.user).area_wide:
        raise PermissionDenied
    log_person_access(request=request, obj=case, person=case.person)
    form = bound_form(request, MoveForm, case=case)
    if request.method == "POST" and form.is_valid():
        to_area = form.cleaned_data["to_area"]
        try:
            services.case_move_area(
                case=case,
                to_area=to_area,
                on=form.cleaned_data["on"],
                context=AccessContext.from_request(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
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
    return form_page(
        request,
        case_form_context(
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


@reason_required
@require_http_methods(["GET", "POST"])
def situation_edit(request, pk, moment):
    case, _purpose = case_for_page(request, pk)
    situation = case.situations.filter(moment=moment).first()
    initial = {}
    if situation is not None:
        initial = {name: getattr(situation, name) for name in services.SITUATION_FIELDS}
    form = bound_form(request, SituationForm, moment=moment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.situation_save(
                case=case,
                moment=moment,
                data=form.service_data(),
                context=AccessContext.from_request(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Situationen är sparad."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        case_form_context(
            case,
            title=_("Situation: %(moment)s") % {"moment": Situation.Moment(moment).label},
            form=form,
            submit_label=_("Spara"),
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def flag_dismiss(request, pk, code):
    """Mark a suggestion of the rules not relevant for the case, with a reason."""
    case, _purpose = case_for_page(request, pk)
    if code not in SUGGESTIONS:
        raise Http404
    title = _("Förslaget är inte aktuellt")
    subject_intro = _("Förslag: %(suggestion)s.") % {"suggestion": SUGGESTIONS[code]}
    if not case.is_open:
        return form_page(
            request,
            case_form_context(case, title=title, intro=_("Ärendet är avslutat."), form=None),
        )
    form = FlagDismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_dismiss(
                case=case,
                code=code,
                reason=form.cleaned_data["reason"],
                context=AccessContext.from_request(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Förslaget visas inte längre för ärendet."))
            return redirect(_to_case(case))
    return form_page(
        request,
        case_form_context(
            case,
            title=title,
            intro=subject_intro,
            form=form,
            submit_label=_("Markera som inte aktuellt"),
        ),
    )
