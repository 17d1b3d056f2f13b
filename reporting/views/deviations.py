"""Deviation reports (avvikelserapporter, SPEC §5): listed and shown to everyone who sees the
area's aggregates (a report holds no personal data), worked on by the area's management group
and its coordinators. The rules live in reporting.deviations; these pages only call it.

A report outside the user's aggregate scope answers 404 on every page; a report the user may
read but not work on answers 404 on the four action pages, as every object page does (SPEC §7).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record
from cases.access import get_visible_or_404
from cases.forms import user_label
from cases.services import ConcurrentEditError
from cases.views._common import (
    _add_service_errors,
    _rebind_with_version,
    _stored_rows,
    display_value,
)

from .. import deviations as services
from ..forms.deviations import (
    DeviationActionDoneForm,
    DeviationActionForm,
    DeviationCloseForm,
    DeviationEditForm,
)
from ..metrics.printing import printed_share
from ..models import DeviationAction, DeviationReport
from ..suppression import SMALL_CELL, Table, hidden_counts

PURPOSE = "avvikelserapport"
HISTORY_FIELDS = ("status", "analysis", "dialogue_on", "dialogue_with", "closed_on")
HISTORY_KINDS = {
    "+": gettext_lazy("Öppnad"),
    "~": gettext_lazy("Ändrad"),
    "-": gettext_lazy("Borttagen"),
}


# --- fetching and access ----------------------------------------------------------------------


def _visible_report(request, pk) -> DeviationReport:
    report = get_visible_or_404(
        request=request,
        queryset=DeviationReport.objects.visible_to(request.user).select_related("area"),
        pk=pk,
        object_type="deviationreport",
    )
    access_log_record(action=AccessLog.Action.VIEW, request=request, obj=report, purpose=PURPOSE)
    return report


def _refuse(request, report):
    """Reading is not working on it: the officer of the area gets the outsider's 404, and the
    refusal is logged against the report's area."""
    access_log_record(
        action=AccessLog.Action.DENIED,
        request=request,
        obj=report,
        purpose="avvikelserapport: hanteras av områdets ledningsgrupp",
    )
    raise Http404


def _workable_report(request, pk) -> DeviationReport:
    report = get_visible_or_404(
        request=request,
        queryset=DeviationReport.objects.visible_to(request.user).select_related("area"),
        pk=pk,
        object_type="deviationreport",
    )
    if not services.may_work_on(request.user, report):
        _refuse(request, report)
    access_log_record(action=AccessLog.Action.VIEW, request=request, obj=report, purpose=PURPOSE)
    return report


def _workable_action(request, pk) -> DeviationAction:
    visible = DeviationReport.objects.visible_to(request.user)
    action = get_visible_or_404(
        request=request,
        queryset=DeviationAction.objects.filter(report__in=visible).select_related(
            "report", "report__area"
        ),
        pk=pk,
        object_type="deviationaction",
    )
    if not services.may_work_on(request.user, action.report):
        _refuse(request, action.report)
    access_log_record(
        action=AccessLog.Action.VIEW, request=request, obj=action.report, purpose=PURPOSE
    )
    return action


# --- what the pages show ----------------------------------------------------------------------


def _month_span(report: DeviationReport) -> str:
    months = [m["month"] for m in report.figures.get("months", []) if "month" in m]
    first = months[0] if months else f"{report.run_start:%Y-%m}"
    last = months[-1] if months else f"{report.opened_for:%Y-%m}"
    return first if first == last else f"{first} – {last}"


def _small(value):
    """A count hidden for a role without case access, as the dashboard shows it."""
    return _("<%(n)s (dolt)") % {"n": SMALL_CELL} if value is None else value


def _figure_table(report: DeviationReport, *, hide_small: bool) -> dict:
    """The months' figures as the detection stored them (reporting.deviations._month_deviation):
    inflow against plan and tolerance, or the day-365 share against the goal.

    For roles without case access, small counts are hidden as on the dashboard
    (reporting.suppression): a month's inflow of 1–4, and in the day-365 table the counts of
    those in work, of those measured and of the others (measured − in work), with the share."""
    months = report.figures.get("months", [])
    if report.kind == DeviationReport.Kind.INFLOW_BELOW_PLAN:
        rows = []
        for m in months:
            actual = m.get("actual")
            if hide_small and isinstance(actual, int) and 0 < actual < SMALL_CELL:
                actual = None
            rows.append(
                [
                    m.get("month"),
                    _small(actual),
                    m.get("planned"),
                    f"{m.get('tolerance_percent')} %",
                ]
            )
        return {
            "caption": _("Inflöde av nya deltagare mot arbetsplanen"),
            "headers": [_("Månad"), _("Utfall"), _("Planerat"), _("Tolerans")],
            "rows": rows,
        }
    rows = []
    for m in months:
        in_work, measured = m.get("in_work_or_education"), m.get("measured")
        valid = isinstance(in_work, int) and isinstance(measured, int) and 0 <= in_work <= measured
        share = printed_share(in_work, measured) if valid else "–"
        if hide_small and valid:
            table = Table()
            table.count(("measured",), measured)
            table.count(("in_work",), in_work)
            table.derive(("others",), ("measured",), ("in_work",))
            hidden = hidden_counts(table)
            if ("measured",) in hidden:
                measured = None
            if ("in_work",) in hidden:
                in_work = None
            if in_work is None or measured is None:
                share = _("dolt")
        rows.append(
            [m.get("month"), _small(in_work), _small(measured), share, f"{m.get('goal_percent')} %"]
        )
    return {
        "caption": _("Andel i arbete eller utbildning dag 365 mot målet"),
        "headers": [
            _("Månad"),
            _("I arbete eller utbildning"),
            _("Antal mätta"),
            _("Andel"),
            _("Mål"),
        ],
        "rows": rows,
    }


def _history_rows(report: DeviationReport) -> list[dict]:
    """Who changed what in the report, old → new, newest first (SPEC §7)."""
    fields = {name: DeviationReport._meta.get_field(name) for name in HISTORY_FIELDS}
    rows = []
    before = None
    for record in report.history.select_related("history_user").order_by(
        "history_date", "history_id"
    ):
        changes = []
        if before is not None:
            for name, field in fields.items():
                old, new = getattr(before, name), getattr(record, name)
                if old != new:
                    changes.append(
                        (
                            capfirst(field.verbose_name),
                            display_value(field, old),
                            display_value(field, new),
                        )
                    )
        before = record
        if record.history_type == "~" and not changes:
            continue
        rows.append(
            {
                "when": record.history_date,
                "who": user_label(record.history_user) if record.history_user else "–",
                "kind": HISTORY_KINDS.get(record.history_type, record.history_type),
                "changes": changes,
            }
        )
    rows.reverse()
    return rows


def _close_checklist(report: DeviationReport) -> list[dict]:
    """What closing needs (the rule itself is deviation_close's; this only explains it)."""
    actions = list(report.actions.all())
    return [
        {"label": _("Analysen är skriven"), "done": bool(report.analysis)},
        {"label": _("Dialogen är registrerad"), "done": report.dialogue_on is not None},
        {"label": _("Minst en åtgärd är beslutad"), "done": bool(actions)},
        {
            "label": _("Alla åtgärder är klara"),
            "done": bool(actions) and all(a.done_on is not None for a in actions),
        },
    ]


def _subject(report: DeviationReport) -> str:
    return _("%(area)s: %(kind)s, %(months)s") % {
        "area": report.area,
        "kind": report.get_kind_display(),
        "months": _month_span(report),
    }


def _form_context(report, **extra) -> dict:
    return {
        "subject": _subject(report),
        "cancel_url": reverse("reporting:deviation_detail", args=[report.pk]),
        **extra,
    }


# --- pages ------------------------------------------------------------------------------------


@require_GET
def deviation_list(request):
    """Open reports first, newest run first; an analyst's list is the national one."""
    today = timezone.localdate()
    reports = (
        DeviationReport.objects.visible_to(request.user)
        .select_related("area")
        .annotate(
            closed_last=Case(
                When(status=DeviationReport.Status.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            action_count=Count("actions"),
            overdue_count=Count(
                "actions",
                filter=Q(actions__done_on__isnull=True, actions__due_on__lt=today),
            ),
        )
        .order_by("closed_last", "-opened_for", "area__name", "kind")
    )
    rows = [{"report": report, "months": _month_span(report)} for report in reports]
    return render(request, "reporting/deviation_list.html", {"rows": rows})


@require_GET
def deviation_detail(request, pk):
    report = _visible_report(request, pk)
    today = timezone.localdate()
    workable = services.may_work_on(request.user, report)
    is_open = report.status != DeviationReport.Status.CLOSED
    actions = [
        {"action": action, "overdue": action.is_overdue(today)} for action in report.actions.all()
    ]
    return render(
        request,
        "reporting/deviation_detail.html",
        {
            "report": report,
            "months": _month_span(report),
            "figures": _figure_table(report, hide_small=not scope_for(request.user).case_access),
            "actions": actions,
            "history": _history_rows(report),
            "may_work": workable and is_open,
        },
    )


@require_http_methods(["GET", "POST"])
def deviation_edit(request, pk):
    report = _workable_report(request, pk)
    stored = None
    if request.method == "POST":
        form = DeviationEditForm(request.POST)
        if form.is_valid():
            try:
                services.deviation_update(
                    report=report,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    request=request,
                )
            except ConcurrentEditError as exc:
                report.refresh_from_db()
                stored = _stored_rows(report, form)
                form = _rebind_with_version(form, report.version)
                form.add_error(None, exc)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Avvikelserapporten är sparad."))
                return redirect("reporting:deviation_detail", pk=report.pk)
    else:
        form = DeviationEditForm(initial=DeviationEditForm.initial_from(report))
    return render(
        request,
        "cases/form_page.html",
        _form_context(
            report,
            title=_("Analys och dialog"),
            intro=_(
                "När dialogen med ledningsgruppen är registrerad går rapporten över till "
                "status I dialog."
            ),
            form=form,
            stored=stored,
            submit_label=_("Spara"),
        ),
    )


@require_http_methods(["GET", "POST"])
def deviation_action_create(request, pk):
    report = _workable_report(request, pk)
    form = DeviationActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deviation_action_add(report=report, request=request, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Åtgärden är registrerad."))
            return redirect("reporting:deviation_detail", pk=report.pk)
    return render(
        request,
        "cases/form_page.html",
        _form_context(
            report,
            title=_("Ny åtgärd"),
            intro=_("En beslutad åtgärd har en ansvarig och ett datum då den ska vara klar."),
            form=form,
            submit_label=_("Registrera åtgärden"),
        ),
    )


@require_http_methods(["GET", "POST"])
def deviation_action_done(request, pk):
    action = _workable_action(request, pk)
    report = action.report
    context = _form_context(report, title=_("Markera åtgärden klar"), intro=action.description)
    if action.done_on is not None and request.method == "GET":
        return render(
            request,
            "cases/form_page.html",
            {**context, "intro": _("Åtgärden är redan klar."), "form": None},
        )
    stored = None
    if request.method == "POST":
        form = DeviationActionDoneForm(request.POST)
        if form.is_valid():
            try:
                services.deviation_action_done(
                    action=action,
                    expected_version=form.cleaned_data["version"],
                    done_on=form.cleaned_data["done_on"],
                    follow_up=form.cleaned_data["follow_up"],
                    request=request,
                )
            except ConcurrentEditError as exc:
                action.refresh_from_db()
                stored = _stored_rows(action, form)
                form = _rebind_with_version(form, action.version)
                form.add_error(None, exc)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Åtgärden är markerad som klar."))
                return redirect("reporting:deviation_detail", pk=report.pk)
    else:
        form = DeviationActionDoneForm(initial={"version": action.version})
    return render(
        request,
        "cases/form_page.html",
        {**context, "form": form, "stored": stored, "submit_label": _("Markera klar")},
    )


@require_http_methods(["GET", "POST"])
def deviation_close(request, pk):
    report = _workable_report(request, pk)
    if report.status == DeviationReport.Status.CLOSED:
        return render(
            request,
            "cases/form_page.html",
            _form_context(
                report, title=_("Stäng rapporten"), intro=_("Rapporten är redan stängd."), form=None
            ),
        )
    if request.method == "POST":
        form = DeviationCloseForm(request.POST)
        if form.is_valid():
            try:
                services.deviation_close(
                    report=report,
                    expected_version=form.cleaned_data["version"],
                    request=request,
                )
            except ConcurrentEditError as exc:
                report.refresh_from_db()
                form = _rebind_with_version(form, report.version)
                form.add_error(None, exc)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Avvikelserapporten är stängd."))
                return redirect("reporting:deviation_detail", pk=report.pk)
    else:
        form = DeviationCloseForm(initial={"version": report.version})
    return render(
        request,
        "reporting/deviation_close.html",
        _form_context(
            report,
            title=_("Stäng rapporten"),
            checklist=_close_checklist(report),
            form=form,
        ),
    )
