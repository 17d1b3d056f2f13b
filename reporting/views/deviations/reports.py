"""The deviation reports' list and page (SPEC §5), and fetching a report for any of the pages:
a report outside the user's aggregate scope answers 404, and so does a report the user may read
but not work on, on the pages that work on it (SPEC §7)."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from audit.access import get_visible_or_404
from audit.models import AccessLog
from audit.services import access_log_record
from samverkan.history import HistorySource, history_rows

from ... import deviation_escalation as escalation
from ... import deviations as services
from ...deviation_figures import figure_table, off_summary, snapshot_parts
from ...models import DeviationAction, DeviationReport
from ...suppression import hides_small_cells

PURPOSE = "avvikelserapport"
HISTORY_FIELDS = ("status", "analysis", "dialogue_on", "dialogue_with", "closed_on", "escalated_at")
HISTORY_KINDS = {"+": gettext_lazy("Öppnad")}


# --- fetching and access ----------------------------------------------------------------------


def _visible_report(request, pk) -> DeviationReport:
    report = get_visible_or_404(
        request=request,
        queryset=DeviationReport.objects.visible_to(request.user).select_related(
            "area", "escalated_by"
        ),
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


def _history(report: DeviationReport) -> list[dict]:
    """Who changed what in the report, old → new, newest first (SPEC §7). The detection opens
    a report with its figures, shown above: its row says only that it was opened."""
    return history_rows(
        HistorySource(
            records=report.history.all(),
            fields=HISTORY_FIELDS,
            kinds=HISTORY_KINDS,
            registered_values=False,
        )
    )


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
    # The national group and the regional managers follow the open and the escalated ones.
    shown = request.GET.get("visa", "")
    if shown == "oppna":
        reports = reports.open()
    elif shown == "eskalerade":
        reports = reports.open().filter(escalated_at__isnull=False)
    else:
        shown = ""
    hide = hides_small_cells(request.user)
    reports = list(reports)
    # The snapshots the per-sex months were read from, for all the reports at once.
    parts = snapshot_parts(reports) if hide else {}
    rows = [
        {
            "report": report,
            "months": _month_span(report),
            "off": off_summary(report, hide=hide, parts=parts),
        }
        for report in reports
    ]
    filters = [
        ("", _("Alla")),
        ("oppna", _("Öppna")),
        ("eskalerade", _("Öppna och eskalerade")),
    ]
    return render(
        request,
        "reporting/deviation_list.html",
        {"rows": rows, "filters": filters, "shown": shown},
    )


@require_GET
def deviation_detail(request, pk):
    report = _visible_report(request, pk)
    today = timezone.localdate()
    workable = services.may_work_on(request.user, report)
    is_open = report.status != DeviationReport.Status.CLOSED
    actions = [
        {"action": action, "overdue": action.is_overdue(today)}
        for action in report.actions.select_related("owner_user")
    ]
    return render(
        request,
        "reporting/deviation_detail.html",
        {
            "report": report,
            "months": _month_span(report),
            "figures": figure_table(report, hide_small=hides_small_cells(request.user)),
            "actions": actions,
            "history": _history(report),
            "may_work": workable and is_open,
            "may_escalate": workable and is_open and report.escalated_at is None,
            "may_record_dialogue": is_open
            and report.escalated_at is not None
            and escalation.may_record_dialogue(request.user, report),
            "dialogues": report.dialogues.select_related("recorded_by"),
        },
    )
