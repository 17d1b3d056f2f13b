"""Changing an intervention (SPEC §4): its description, its start, the move from a
work-preparatory to a work-oriented intervention, and its end. Each is a versioned edit
(samverkan.views.versioned_edit): a stale form is a conflict, never a silent overwrite."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.models import Phase
from cases.views.pages import form_page, reason_required
from samverkan.services import AccessContext
from samverkan.views import bound_form, record_initial, stored_rows, versioned_edit

from .. import services
from ..forms.interventions import (
    InterventionEditForm,
    InterventionEndForm,
    InterventionMoveForm,
    InterventionStartForm,
)
from ..models import Category, Intervention
from .interventions import _context, _intervention


def _to_intervention(intervention: Intervention) -> str:
    return reverse("mapping:intervention_detail", args=[intervention.pk])


def _not_possible(request, intervention, title, reason):
    """The action does not apply to this intervention (any more): say why, offer the way back."""
    return form_page(request, _context(intervention, title=title, intro=reason, form=None))


def _phase_note(case, category) -> str:
    """What starting an intervention of `category` does to the case's phase (ADR 0008)."""
    targets = []
    if case.phase == Phase.NEEDS_ANALYSIS:
        targets.append(Phase.INTRODUCTION_TRIAL)
    if category == Category.WORK_ORIENTED and case.phase != Phase.WORK_ORIENTED:
        targets.append(Phase.WORK_ORIENTED)
    if not targets:
        return ""
    note = _("Ärendet går då till fasen ”%(phase)s”.") % {"phase": targets[-1].label}
    if Phase.INTRODUCTION_TRIAL in targets:
        note += " " + _("En individuell plan måste finnas före introduktion och prövning.")
    return note


@reason_required
@require_http_methods(["GET", "POST"])
def intervention_edit(request, pk):
    intervention, _purpose = _intervention(request, pk)
    title = _("Ändra insats")
    if not intervention.case.is_open and intervention.end_date is None:
        return _not_possible(request, intervention, title, _("Ärendet är avslutat."))
    kwargs = {"intervention": intervention}
    form = bound_form(request, InterventionEditForm, **kwargs)
    if not form.is_bound:
        form.initial = record_initial(intervention, form)
    edit = versioned_edit(
        request,
        form,
        record=intervention,
        save=lambda form: services.intervention_update(
            intervention=intervention,
            expected_version=form.cleaned_data["version"],
            data=form.service_data(),
            context=AccessContext.from_request(request),
        ),
        message=_("Insatsen är sparad."),
        success_url=_to_intervention(intervention),
        rebind=lambda data: InterventionEditForm(data, **kwargs),
        stored=stored_rows,
    )
    if edit.response:
        return edit.response
    return form_page(
        request,
        _context(
            intervention,
            title=title,
            intro=_(
                "Start och avslut registreras med knapparna på insatsens sida. Resultatet "
                "registreras när insatsen har avslutats."
            ),
            form=edit.form,
            stored=edit.stored,
            submit_label=_("Spara"),
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def intervention_start(request, pk):
    intervention, _purpose = _intervention(request, pk)
    title = _("Starta insats")
    if intervention.start_date is not None:
        return _not_possible(request, intervention, title, _("Insatsen har redan startat."))
    if not intervention.case.is_open:
        return _not_possible(request, intervention, title, _("Ärendet är avslutat."))
    form = bound_form(request, InterventionStartForm, initial={"version": intervention.version})
    edit = versioned_edit(
        request,
        form,
        record=intervention,
        save=lambda form: services.intervention_start(
            intervention=intervention,
            expected_version=form.cleaned_data["version"],
            on=form.cleaned_data["start_date"],
            context=AccessContext.from_request(request),
        ),
        message=_("Insatsen har startat."),
        success_url=_to_intervention(intervention),
    )
    if edit.response:
        return edit.response
    intro = _("Ange dagen då insatsen startade (inte ett datum i framtiden).")
    note = _phase_note(intervention.case, intervention.category)
    return form_page(
        request,
        _context(
            intervention,
            title=title,
            intro=f"{intro} {note}".strip(),
            form=edit.form,
            submit_label=_("Starta insatsen"),
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def intervention_move(request, pk):
    """From a running work-preparatory intervention to a work-oriented one (registration point)."""
    intervention, _purpose = _intervention(request, pk)
    title = _("Byt till arbetslivsinriktad insats")
    if not intervention.is_preparatory:
        return _not_possible(
            request,
            intervention,
            title,
            _("Bara en arbetsförberedande insats kan bytas mot en arbetslivsinriktad."),
        )
    if intervention.start_date is None or intervention.end_date is not None:
        return _not_possible(request, intervention, title, _("Bara en pågående insats kan bytas."))
    if not intervention.case.is_open:
        return _not_possible(request, intervention, title, _("Ärendet är avslutat."))
    form = bound_form(
        request,
        InterventionMoveForm,
        initial={"version": intervention.version, "hours_per_week": intervention.hours_per_week},
    )
    edit = versioned_edit(
        request,
        form,
        record=intervention,
        save=lambda form: services.intervention_move(
            intervention=intervention,
            expected_version=form.cleaned_data["version"],
            on=form.cleaned_data["on"],
            outcome=form.cleaned_data["outcome"],
            kind=form.cleaned_data["kind"],
            provider=form.cleaned_data["provider"],
            provider_name=form.cleaned_data["provider_name"],
            hours_per_week=form.cleaned_data["hours_per_week"],
            goal=form.cleaned_data["goal"],
            context=AccessContext.from_request(request),
        ),
        message=_("Insatsen är bytt till en arbetslivsinriktad insats."),
        success_url=_to_intervention,  # the new, work-oriented intervention
        # The day is the old one's end and the new one's start: one field on this form.
        rename_errors={"end_date": "on", "start_date": "on"},
    )
    if edit.response:
        return edit.response
    intro = _(
        "Den arbetsförberedande insatsen avslutas med sitt resultat och den arbetslivsinriktade "
        "startar samma dag. Bytet registreras som en egen registreringspunkt."
    )
    if intervention.case.phase != Phase.WORK_ORIENTED:
        intro += " " + _("Ärendet går till fasen ”%(phase)s”.") % {
            "phase": Phase.WORK_ORIENTED.label
        }
    return form_page(
        request,
        _context(
            intervention, title=title, intro=intro, form=edit.form, submit_label=_("Byt insats")
        ),
    )


@reason_required
@require_http_methods(["GET", "POST"])
def intervention_end(request, pk):
    intervention, _purpose = _intervention(request, pk)
    title = _("Avsluta insats")
    if intervention.start_date is None:
        return _not_possible(
            request,
            intervention,
            title,
            _("En insats som inte har startat kan inte avslutas."),
        )
    if intervention.end_date is not None:
        return _not_possible(request, intervention, title, _("Insatsen är redan avslutad."))
    form = bound_form(
        request,
        InterventionEndForm,
        initial={"version": intervention.version, "follow_up_notes": intervention.follow_up_notes},
    )
    edit = versioned_edit(
        request,
        form,
        record=intervention,
        save=lambda form: services.intervention_end(
            intervention=intervention,
            expected_version=form.cleaned_data["version"],
            on=form.cleaned_data["end_date"],
            outcome=form.cleaned_data["outcome"],
            follow_up_notes=form.cleaned_data["follow_up_notes"],
            context=AccessContext.from_request(request),
        ),
        message=_("Insatsen är avslutad."),
        success_url=_to_intervention(intervention),
    )
    if edit.response:
        return edit.response
    return form_page(
        request,
        _context(
            intervention,
            title=title,
            intro=_("Ange dagen då insatsen slutade, resultatet och uppföljningen."),
            form=edit.form,
            submit_label=_("Avsluta insatsen"),
        ),
    )
