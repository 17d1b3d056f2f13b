"""The printed monthly report's pages (Statistik → Månadsrapport, /statistik/manadsrapport/,
SPEC §5 "Reports"; ADR 0026): choose the area and a month that has a snapshot, order the PDF,
follow its making (the page polls a small JSON answer; without script it is reloaded), download
it, and see the reports made for the area.

Who: the readers of the area's dashboard. An area outside the reader's aggregate scope (or an
unknown code) is the 404 of reporting.computed.report_areas, logged as a refusal; so is a report
of another area, or of another suppression level than the reader's (a management group member
never reaches a report with exact figures). A download is logged as an export, as the report
pages' downloads are."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Area
from accounts.scoping import aggregate_area_ids
from audit.models import AccessLog
from audit.services import access_log_record
from samverkan.services import AccessContext

from .. import computed, suppression
from ..forms.monthly_report import MonthlyReportForm
from ..models import MonthlyReportDocument
from ..monthly_report.jobs import monthly_report_order, monthly_reports_visible_to, snapshot_months

State = MonthlyReportDocument.State
REPORT = "manadsrapport"  # as the access log names it
PURPOSE = "månadsrapport"
LISTED = 36


def _area(request, code: str) -> Area:
    """The area asked for, or the reader's first; 404 (logged) outside the reader's scope."""
    allowed = aggregate_area_ids(request.user)
    if code:
        areas = computed.report_areas(request=request, allowed=allowed, codes=[code], report=REPORT)
        if areas.area is None:
            raise Http404
        return areas.area
    first = Area.objects.filter(is_active=True).order_by("name")
    if allowed is not None:
        first = first.filter(pk__in=allowed)
    area = first.first()
    if area is None:
        raise Http404
    return area


def _choices(user) -> list[tuple[str, str]]:
    allowed = aggregate_area_ids(user)
    areas = Area.objects.filter(is_active=True).order_by("name")
    if allowed is not None:
        areas = areas.filter(pk__in=allowed)
    return list(areas.values_list("code", "name"))


def _page_url(area: Area) -> str:
    return f"{reverse('reporting:monthly_reports')}?{urlencode({'omrade': area.code})}"


@require_http_methods(["GET", "POST"])
def monthly_reports(request):
    user = request.user
    if aggregate_area_ids(user) == frozenset():
        return render(request, "reporting/monthly_reports.html", {"no_area": True})
    source = request.POST if request.method == "POST" else request.GET
    area = _area(request, source.get("omrade", "").strip())
    months = snapshot_months(area)
    form = MonthlyReportForm(
        request.POST if request.method == "POST" else None,
        months=months,
        initial={"omrade": area.code},
    )
    if request.method == "POST" and form.is_valid():
        try:
            document, ordered = monthly_report_order(
                context=AccessContext.from_request(request, purpose=PURPOSE),
                area=area,
                month=form.cleaned_data["manad"],
            )
        except ValidationError as error:
            for message in error.message_dict.get("month", error.messages):
                form.add_error("manad", message)
        except PermissionDenied:  # cannot happen after _area, but never order for an outsider
            raise Http404 from None
        else:
            if not ordered:
                messages.info(
                    request,
                    _("Rapporten för den här versionen av ögonblicksbilden finns redan."),
                )
            return redirect("reporting:monthly_report", pk=document.pk)
    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        object_type=REPORT,
        object_id=area.code,
        area_id=area.pk,
        purpose=f"{PURPOSE}: lista",
    )
    documents = list(monthly_reports_visible_to(user).filter(area=area)[:LISTED])
    return render(
        request,
        "reporting/monthly_reports.html",
        {
            "area": area,
            "areas": _choices(user),
            "form": form,
            "months": months,
            "documents": [(d, _status(d)) for d in documents],
            "hide_small_cells": suppression.hides_small_cells(user),
            "small_cell": suppression.SMALL_CELL,
        },
    )


def _document(request, pk: int, *, with_file: bool = False) -> MonthlyReportDocument:
    documents = monthly_reports_visible_to(request.user)
    if with_file:
        documents = documents.defer(None)
    document = documents.filter(pk=pk).first()
    if document is None:
        # Another area's report, another suppression level's, or none at all: the outsider's
        # 404, logged against the report's area when there is one.
        area_id = MonthlyReportDocument.objects.filter(pk=pk).values_list("area_id", flat=True)
        access_log_record(
            action=AccessLog.Action.DENIED,
            request=request,
            object_type=REPORT,
            object_id=str(pk),
            area_id=area_id.first(),
            purpose=f"{PURPOSE}: utanför behörigheten",
        )
        raise Http404
    return document


def _status(document: MonthlyReportDocument) -> dict:
    messages_by_state = {
        State.WAITING: _("Rapporten väntar på att starta."),
        State.RUNNING: _("Rapporten skapas."),
        State.DONE: _("Rapporten är klar."),
    }
    done = document.state == State.DONE
    return {
        "state": document.state,
        "finished": document.is_finished,
        "percent": document.progress,
        "progress_text": document.step,
        "message": messages_by_state.get(document.state)
        or document.error
        or _("Rapporten kunde inte skapas."),
        "download_url": reverse("reporting:monthly_report_pdf", args=[document.pk])
        if done
        else None,
    }


@require_GET
def monthly_report(request, pk: int):
    document = _document(request, pk)
    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        obj=document,
        object_type=REPORT,
        purpose=f"{PURPOSE} {document.month:%Y-%m} version {document.snapshot.version}",
    )
    finished = document.finished_at
    return render(
        request,
        "reporting/monthly_report.html",
        {
            "document": document,
            "status": _status(document),
            "list_url": _page_url(document.area),
            "finished": f"{timezone.localtime(finished):%Y-%m-%d %H:%M}" if finished else "",
            "ordered": f"{timezone.localtime(document.created_at):%Y-%m-%d %H:%M}",
        },
    )


@require_GET
def monthly_report_status(request, pk: int):
    response = JsonResponse(_status(_document(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def monthly_report_pdf(request, pk: int):
    document = _document(request, pk, with_file=True)
    if document.state != State.DONE or document.pdf is None:
        raise Http404
    access_log_record(
        action=AccessLog.Action.EXPORT,
        request=request,
        obj=document,
        object_type=REPORT,
        purpose=f"{PURPOSE} {document.month:%Y-%m} version {document.snapshot.version} (PDF)",
    )
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename()}"'
    response["Cache-Control"] = "no-store"
    return response
