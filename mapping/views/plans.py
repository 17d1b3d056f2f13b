"""The individual plan's page (SPEC §4): each save of the form is a new version of the case's
plan (mapping.services.plan_save); the case page shows the latest and keeps the older ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views.pages import case_for_page, case_form_context, form_page, reason_required
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext
from samverkan.views import bound_form

from .. import services
from ..forms.plans import PlanForm


@reason_required
@require_http_methods(["GET", "POST"])
def plan_create(request, pk):
    case, _purpose = case_for_page(request, pk)
    latest = case.plan_versions.first()
    initial = {}
    if latest is not None:
        initial = {
            "goal": latest.goal,
            "activities": latest.activities,
            "start_date": latest.start_date,
            "end_date": latest.end_date,
        }
    form = bound_form(request, PlanForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(
                case=case, context=AccessContext.from_request(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Planen är sparad som en ny version."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        case_form_context(
            case,
            title=_("Ny version av den individuella planen"),
            intro=_("Tidigare versioner sparas och kan läsas på ärendet.")
            if latest
            else _("En individuell plan krävs före introduktion och prövning."),
            form=form,
            submit_label=_("Spara ny version"),
        ),
    )
