"""The areas' work plans (SPEC §5): listed for everyone who sees the area's aggregates (a plan
holds no personal data), kept by the area's coordinators. Another area's plan, or a plan the
user may not keep, answers 404 on its edit page, as every object page does (SPEC §7)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scoping import aggregate_area_ids
from audit.access import get_visible_or_404
from cases.models import RuleSet
from samverkan.history import HistorySource, history_rows
from samverkan.services import AccessContext
from samverkan.views import versioned_edit

from ..forms.work_plans import (
    GOAL_FIELDS,
    MONTH_FIELDS,
    MONTHS,
    WorkPlanChooseForm,
    WorkPlanCreateForm,
    WorkPlanForm,
)
from ..models import WorkPlan
from ..services import RULE_SET_DEFAULTS, work_plan_areas, work_plan_save

HISTORY_KINDS = {"+": gettext_lazy("Upprättad")}


def _editable_plans(user):
    # Keeping the plan is the coordinators' task: an officer gets the same 404 as an outsider.
    return WorkPlan.objects.editable_by(user)


def _label(name):
    return capfirst(WorkPlan._meta.get_field(name).verbose_name)


def _show(value) -> str:
    return "–" if value is None else formats.localize(value)


def _stored_rows(plan: WorkPlan, form) -> list[dict]:
    """The "Nu sparat" panel: the stored plan, marked where it differs from what was typed."""
    typed = getattr(form, "cleaned_data", {})
    stored = {
        **dict(zip(MONTH_FIELDS, plan.planned_inflow, strict=True)),
        **{name: getattr(plan, name) for name in GOAL_FIELDS},
    }
    labels = {**dict(zip(MONTH_FIELDS, MONTHS, strict=True)), **{n: _label(n) for n in GOAL_FIELDS}}
    return [
        {
            "label": labels[name],
            "value": _show(value),
            "differs": name in typed and typed[name] != value,
        }
        for name, value in stored.items()
    ]


def _inflow_changes(before, record) -> list[tuple[str, str, str]]:
    """The planned inflow in the history: a new plan's months on one line; a change of the
    months month by month, so the reader sees which month moved."""
    if before is None:
        return [
            (
                capfirst(WorkPlan._meta.get_field("planned_inflow").verbose_name),
                "–",
                ", ".join(_show(n) for n in record.planned_inflow),
            )
        ]
    return [
        (_("Planerat inflöde: %(month)s") % {"month": month}, _show(old), _show(new))
        for month, old, new in zip(
            MONTHS, before.planned_inflow, record.planned_inflow, strict=True
        )
        if old != new
    ]


HISTORY_FIELDS = (*GOAL_FIELDS, "prioritisation_follow_up", "status", "decision_comment")
STATUS_NAMES = dict(WorkPlan.Status.choices)


def _history_value(field, value) -> str:
    name = getattr(field, "name", field)
    if name == "status":
        return str(STATUS_NAMES.get(value, value))
    if isinstance(value, str):
        return value or "–"
    return _show(value)


def _history(plan: WorkPlan) -> list[dict]:
    """Who changed what in the plan, old → new, newest first (SPEC §7): its figures, its text,
    and its way to the national group (submitted, approved, returned with comments)."""
    return history_rows(
        HistorySource(
            records=plan.history.all(),
            fields=HISTORY_FIELDS,
            show=_history_value,
            kinds=HISTORY_KINDS,
            changes=_inflow_changes,
        )
    )


def _form_page(request, *, plan=None, area=None, year=None, form, stored=None, action=""):
    """The plan form, for a new plan or an existing one (then with its change history)."""
    if plan is not None:
        area, year = plan.area, plan.year
    return render(
        request,
        "reporting/work_plan_form.html",
        {
            "title": _("Ändra arbetsplan") if plan else _("Ny arbetsplan"),
            "subject": _("%(area)s, %(year)s") % {"area": area, "year": year}
            if area is not None and year is not None
            else "",
            "plan": plan,
            "form": form,
            "stored": stored,
            "action": action,
            "history": _history(plan) if plan is not None else None,
            "cancel_url": reverse("reporting:work_plan_list"),
        },
    )


@require_GET
def work_plan_list(request):
    editable = set(work_plan_areas(request.user).values_list("pk", flat=True))
    rows = [
        {
            "plan": plan,
            "total": sum(plan.planned_inflow),
            "editable": plan.area_id in editable and plan.is_open_for_edit,
        }
        for plan in WorkPlan.objects.visible_to(request.user).select_related("area")
    ]
    return render(
        request,
        "reporting/work_plan_list.html",
        {
            "rows": rows,
            "may_create": bool(editable),
            "national": aggregate_area_ids(request.user) is None,
        },
    )


@require_http_methods(["GET", "POST"])
def work_plan_edit(request, pk):
    plan = get_visible_or_404(
        request=request,
        queryset=_editable_plans(request.user).select_related("area"),
        pk=pk,
        object_type="workplan",
    )
    form = WorkPlanForm(
        request.POST if request.method == "POST" else None,
        initial=WorkPlanForm.initial_from(plan),
    )
    edit = versioned_edit(
        request,
        form,
        record=plan,
        save=lambda form: _save(request, form, area=plan.area, year=plan.year),
        message=_("Arbetsplanen är sparad."),
        success_url=reverse("reporting:work_plan_list"),
        stored=_stored_rows,
    )
    if edit.response:
        return edit.response
    return _form_page(request, plan=plan, form=edit.form, stored=edit.stored)


def _save(request, form, *, area, year) -> WorkPlan:
    return work_plan_save(
        area=area,
        year=year,
        data=form.service_data(),
        expected_version=form.cleaned_data["version"],
        context=AccessContext.from_request(request),
    )


def _new_plan_initial(area, year) -> dict:
    """No months planned yet; the goals and tolerance of the rule set in force on 1 January."""
    rules = RuleSet.for_date(dt.date(year, 1, 1))
    blank = WorkPlan()
    return {
        "area": area.pk,
        "year": year,
        "version": 0,
        **dict.fromkeys(MONTH_FIELDS, 0),
        **{name: getattr(blank, name) for name in GOAL_FIELDS},
        **{name: getattr(rules, name) for name in RULE_SET_DEFAULTS},
    }


@require_http_methods(["GET", "POST"])
def work_plan_create(request):
    """First the area and year (GET); a plan that exists opens for editing, otherwise the
    form, filled with the goals of the rule set of that year."""
    areas = work_plan_areas(request.user)
    if not areas.exists():
        raise PermissionDenied(_("Arbetsplanen upprättas av områdets samordnare."))
    if request.method == "POST":
        form = WorkPlanCreateForm(request.POST, areas=areas)
        form.is_valid()
        area, year = form.cleaned_data.get("area"), form.cleaned_data.get("year")
        edit = versioned_edit(
            request,
            form,
            record=None,  # version 0: no plan yet
            save=lambda form: _save(request, form, area=area, year=year),
            message=lambda plan: (
                _("Arbetsplanen för %(area)s %(year)s är upprättad.")
                % {"area": plan.area, "year": plan.year}
            ),
            success_url=reverse("reporting:work_plan_list"),
            # Someone else made the plan meanwhile: compare, then save as an edit of it.
            reload=lambda: WorkPlan.objects.filter(area=area, year=year).first(),
            rebind=WorkPlanForm,
            stored=_stored_rows,
        )
        if edit.response:
            return edit.response
        existing = edit.conflict_with
        if existing is not None:
            return _form_page(
                request,
                plan=existing,
                form=edit.form,
                stored=edit.stored,
                action=reverse("reporting:work_plan_edit", args=[existing.pk]),
            )
        return _form_page(request, area=area, year=year, form=edit.form)

    choose = WorkPlanChooseForm(
        request.GET if {"area", "year"} & set(request.GET) else None, areas=areas
    )
    if choose.is_valid():
        area, year = choose.cleaned_data["area"], choose.cleaned_data["year"]
        existing = WorkPlan.objects.filter(area=area, year=year).first()
        if existing is not None:
            return redirect("reporting:work_plan_edit", pk=existing.pk)
        form = WorkPlanCreateForm(areas=areas, initial=_new_plan_initial(area, year))
        return _form_page(request, area=area, year=year, form=form)
    return render(
        request,
        "reporting/work_plan_choose.html",
        {"form": choose, "cancel_url": reverse("reporting:work_plan_list")},
    )
