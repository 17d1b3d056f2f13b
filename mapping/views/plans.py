"""The individual plan's page (SPEC §4): each save of the form is a new version of the case's
plan (mapping.services.plan_save); the case page shows the latest and keeps the older ones."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views.pages import case_for_page, case_form_context, form_page, reason_required
from samverkan.services import AccessContext
from samverkan.views import bound_form, stored_rows, versioned_edit

from .. import services
from ..forms.plans import PlanForm


@reason_required
@require_http_methods(["GET", "POST"])
def plan_create(request, pk):
    case, _purpose = case_for_page(request, pk)
    latest = case.plan_versions.first()
    initial = {"version": 0}
    if latest is not None:
        initial = {
            "goal": latest.goal,
            "activities": latest.activities,
            "start_date": latest.start_date,
            "end_date": latest.end_date,
            "version": latest.version,
        }
    form = bound_form(request, PlanForm, initial=initial)
    edit = versioned_edit(
        request,
        form,
        record=latest,
        save=lambda form: services.plan_save(
            case=case,
            expected_version=form.cleaned_data["version"],
            context=AccessContext.from_request(request),
            **form.service_data(),
        ),
        message=_("Planen är sparad som en ny version."),
        success_url=reverse("cases:case_detail", args=[case.pk]),
        # Someone saved a version meanwhile: the page shows it beside what was typed.
        reload=lambda: case.plan_versions.first(),
        stored=stored_rows,
    )
    if edit.response:
        return edit.response
    return form_page(
        request,
        case_form_context(
            case,
            title=_("Ny version av den individuella planen"),
            intro=_("Tidigare versioner sparas och kan läsas på ärendet.")
            if latest
            else _("En individuell plan krävs före introduktion och prövning."),
            form=edit.form,
            stored=edit.stored,
            submit_label=_("Spara ny version"),
        ),
    )
