"""A work plan's way to the national group (issue 20): the plan's page (everyone who sees the
area's statistics), its submission by the area's management group, the national samverkansgrupp's
decision (approve, or return with comments), and the national compilation of the year's plans.
Another area's plan, or a step the user may not take, answers 404 as every object page does."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scoping import aggregate_area_ids, scope_for
from audit.access import get_visible_or_404
from cases.models import TargetGroup
from samverkan.services import AccessContext
from samverkan.views import versioned_edit

from ..forms.work_plans import CompilationForm, WorkPlanDecisionForm, WorkPlanSubmitForm
from ..models import WorkPlan
from ..services import (
    may_decide_work_plans,
    may_submit_work_plan,
    planning_year,
    submission_problems,
    work_plan_decide,
    work_plan_submit,
)
from ..work_plan_compilation import compile_year
from .work_plans import _history


def _plan(request, pk, queryset=None):
    if queryset is None:
        queryset = WorkPlan.objects.visible_to(request.user)
    return get_visible_or_404(
        request=request,
        queryset=queryset.select_related("area", "submitted_by", "decided_by"),
        pk=pk,
        object_type="workplan",
    )


def _page(request, plan, *, submit_form=None, decision_form=None, status=200):
    user = request.user
    planning = planning_year(plan.year)
    deadline = planning.submission_deadline if planning else None
    may_submit = plan.is_open_for_edit and may_submit_work_plan(user, plan.area)
    may_decide = plan.status == WorkPlan.Status.SUBMITTED and may_decide_work_plans(user)
    groups = [
        (label, plan.planned_inflow_by_group.get(code, 0)) for code, label in TargetGroup.choices
    ]
    return render(
        request,
        "reporting/work_plan_detail.html",
        {
            "plan": plan,
            "total": sum(plan.planned_inflow),
            "groups": groups,
            "groups_total": sum(n for _label, n in groups),
            "deadline": deadline,
            "late": plan.is_late(deadline, timezone.localdate()),
            "may_edit": plan.is_open_for_edit and scope_for(user).coordinates(plan.area_id),
            "submit_form": (submit_form or WorkPlanSubmitForm(initial={"version": plan.version}))
            if may_submit
            else None,
            "submit_problems": submission_problems(plan) if may_submit else [],
            "decision_form": (
                decision_form or WorkPlanDecisionForm(initial={"version": plan.version})
            )
            if may_decide
            else None,
            "history": _history(plan),
        },
        status=status,
    )


@require_GET
def work_plan_detail(request, pk):
    return _page(request, _plan(request, pk))


@require_POST
def work_plan_submit_view(request, pk):
    plan = _plan(request, pk)
    if not may_submit_work_plan(request.user, plan.area):
        # As another area's plan: the user learns nothing of who may.
        return _plan(request, pk, WorkPlan.objects.none())
    form = WorkPlanSubmitForm(request.POST)
    try:
        edit = versioned_edit(
            request,
            form,
            record=plan,
            save=lambda form: work_plan_submit(
                plan=plan,
                expected_version=form.cleaned_data["version"],
                context=AccessContext.from_request(request),
            ),
            message=_("Arbetsplanen är inskickad till nationella samverkansgruppen."),
            success_url=reverse("reporting:work_plan_detail", args=[plan.pk]),
        )
    except PermissionDenied:
        return _plan(request, pk, WorkPlan.objects.none())
    if edit.response:
        return edit.response
    return _page(request, _plan(request, pk), submit_form=edit.form)


@require_POST
def work_plan_decide_view(request, pk):
    if not may_decide_work_plans(request.user):
        return _plan(request, pk, WorkPlan.objects.none())
    plan = _plan(request, pk)
    form = WorkPlanDecisionForm(request.POST)
    edit = versioned_edit(
        request,
        form,
        record=plan,
        save=lambda form: work_plan_decide(
            plan=plan,
            expected_version=form.cleaned_data["version"],
            approve=form.cleaned_data["decision"] == WorkPlanDecisionForm.APPROVE,
            comment=form.cleaned_data["comment"],
            context=AccessContext.from_request(request),
        ),
        message=lambda saved: (
            _("Arbetsplanen är godkänd.")
            if saved.status == WorkPlan.Status.APPROVED
            else _("Arbetsplanen är returnerad till området.")
        ),
        success_url=reverse("reporting:work_plan_detail", args=[plan.pk]),
        rename_errors={"comment": "comment"},
    )
    if edit.response:
        return edit.response
    return _page(request, _plan(request, pk), decision_form=edit.form)


@require_http_methods(["GET"])
def work_plan_compilation(request):
    """Every area's plan: for those who see the national statistics."""
    if aggregate_area_ids(request.user) is not None:
        raise PermissionDenied(_("Sammanställningen är nationell."))
    today = timezone.localdate()
    form = CompilationForm(request.GET if "ar" in request.GET else None)
    year = form.cleaned_data["ar"] if form.is_valid() else today.year
    if not form.is_bound:
        form = CompilationForm(initial={"ar": year})
    return render(
        request,
        "reporting/work_plan_compilation.html",
        {"form": form, "c": compile_year(year, today=today), "today": today},
    )
