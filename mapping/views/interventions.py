"""The intervention pages (SPEC §4): register an intervention and show it; its changes are in
mapping.views.intervention_actions.

Every page fetches through the scoping selector (another area's intervention answers 404), logs
the access with its purpose and asks for a reason outside the caseload (SPEC §7). The pages never
save: they call mapping.services, which hold the rules (a plan before introduction and trial, the
phase moving with the support given, dates in order) and whose ValidationErrors are shown next to
the field they name."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.access import get_visible_or_404
from cases.access import log_person_access
from cases.models import Phase
from cases.views.pages import case_for_page, case_form_context, form_page, reason_required
from samverkan.display import display_value
from samverkan.forms import add_service_errors
from samverkan.history import HistorySource, history_rows
from samverkan.services import AccessContext
from samverkan.views import bound_form

from .. import services
from ..forms.interventions import InterventionCreateForm
from ..models import Intervention
from ..selectors import intervention_list_visible_to

HISTORY_FIELDS = (
    "kind",
    "category",
    "provider",
    "provider_name",
    "hours_per_week",
    "planned_start",
    "start_date",
    "end_date",
    "goal",
    "follow_up_notes",
    "outcome",
    "cost",
    "moved_from",
)
DETAIL_FIELDS = (
    "kind",
    "category",
    "provider",
    "provider_name",
    "hours_per_week",
    "planned_start",
    "start_date",
    "end_date",
    "goal",
    "follow_up_notes",
    "outcome",
    "cost",
)

# --- helpers of the intervention pages --------------------------------------------------------


def _intervention(request, pk) -> tuple[Intervention, str]:
    intervention = get_visible_or_404(
        request=request,
        queryset=intervention_list_visible_to(user=request.user),
        pk=pk,
        object_type="intervention",
    )
    purpose = log_person_access(request=request, obj=intervention, person=intervention.case.person)
    return intervention, purpose


def _value(field, value) -> str:
    if isinstance(field, models.DecimalField) and value is not None:
        # 6.0 → "6", 6.5 → "6,5": hours as they are written in Swedish
        return floatformat(value, -1)
    return display_value(field, value)


def _context(intervention: Intervention, **extra) -> dict:
    case = intervention.case
    return {
        "subject": _("%(intervention)s – %(case)s, %(name)s")
        % {"intervention": intervention, "case": case, "name": case.person.full_name},
        "cancel_url": reverse("mapping:intervention_detail", args=[intervention.pk]),
        **extra,
    }


# --- register ---------------------------------------------------------------------------------


@reason_required
@require_http_methods(["GET", "POST"])
def intervention_create(request, pk):
    case, _purpose = case_for_page(request, pk)
    context = case_form_context(case, title=_("Ny insats"))
    if not case.is_open:
        return form_page(request, {**context, "intro": _("Ärendet är avslutat."), "form": None})
    form = bound_form(request, InterventionCreateForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_create(
                case=case, context=AccessContext.from_request(request), **form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Insatsen är registrerad."))
            return redirect("cases:case_detail", pk=case.pk)
    intro = _(
        "Registrera insatsen när den är planerad – deltagaren väntar då på den – eller när den "
        "har startat."
    )
    if case.phase == Phase.NEEDS_ANALYSIS:
        intro += " " + _(
            "Ärendet är i behovsanalys: startar insatsen går ärendet till introduktion och "
            "prövning, och en individuell plan måste finnas först."
        )
    return form_page(
        request, {**context, "intro": intro, "form": form, "submit_label": _("Registrera")}
    )


# --- show -------------------------------------------------------------------------------------


def _history(intervention: Intervention) -> list[dict]:
    """Who changed what, old → new (SPEC §7), newest first, shaped as on the case page."""
    return history_rows(
        HistorySource(
            records=intervention.history.all(),
            fields=HISTORY_FIELDS,
            show=_value,
        )
    )


@reason_required
@require_http_methods(["GET", "HEAD"])
def intervention_detail(request, pk):
    intervention, purpose = _intervention(request, pk)
    case = intervention.case
    today = timezone.localdate()
    state = intervention.state_shown(today)
    facts = [
        (
            capfirst(Intervention._meta.get_field(name).verbose_name),
            _value(Intervention._meta.get_field(name), getattr(intervention, name)),
        )
        for name in DETAIL_FIELDS
    ]
    open_case = case.is_open
    return render(
        request,
        "mapping/intervention_detail.html",
        {
            "intervention": intervention,
            "case": case,
            "person": case.person,
            "purpose": purpose,
            "state": state,
            "facts": facts,
            "moved_from": intervention.moved_from,
            "moved_to": getattr(intervention, "moved_to", None),
            "history": _history(intervention),
            # The same conditions the services check, so no button leads to a refusal.
            "can_edit": open_case or intervention.end_date is not None,
            "can_start": open_case and intervention.start_date is None,
            "can_move": open_case
            and intervention.is_preparatory
            and intervention.start_date is not None
            and intervention.end_date is None,
            "can_end": intervention.start_date is not None and intervention.end_date is None,
        },
    )
