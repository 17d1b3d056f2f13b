"""The export page (issue 6 point 4): choose what to export, a Celery task writes the file while
the job page shows its progress, then the user downloads it (within 24 hours).

Only users who may export (exports.selectors: case access, or the export right without it)
see the page; everyone else gets 403, logged as a failed authorisation by samverkan.errors. A
job belongs to the user who ordered it: anyone else's job answers 404 (logged), whatever their
role; the owner who has since lost the right to export gets 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AccessLog
from audit.services import access_log_record
from samverkan.services import AccessContext

from .formats import FORMATS
from .forms import ExportForm
from .models import ExportJob
from .selectors import FULL, export_mode_for
from .services import (
    FILE_LIFETIME,
    FORMAT_OF_JOB,
    ExportParamsError,
    export_job_as_seen_here,
    export_job_create,
    export_job_download_logged,
    export_job_path,
)

RECENT_JOBS = 10


def _require_export_right(request) -> str:
    mode = export_mode_for(request.user)
    if mode is None:
        raise PermissionDenied
    return mode


def _own_job_or_404(request, pk: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        access_log_record(
            action=AccessLog.Action.DENIED,
            request=request,
            object_type="export",
            object_id=str(pk),
            purpose="någon annans export, eller en som inte finns",
        )
        raise Http404
    return export_job_as_seen_here(job)


@require_http_methods(["GET", "POST"])
def start(request):
    mode = _require_export_right(request)
    form = ExportForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = export_job_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                file_format=form.cleaned_data["file_format"],
                headers=form.cleaned_data["headers"],
                areas=form.cleaned_data["area"],
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
                export_id=form.cleaned_data["same_export_as"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except ExportParamsError as error:
            # Another file of an export gone since, or with another selection than its first.
            for message in error.errors.get("export_id", []):
                form.add_error("same_export_as", message)
        else:
            return redirect("exports:job", pk=job.pk)
    return render(
        request,
        "exports/start.html",
        {
            "title": _("Exportera"),
            "form": form,
            "full_identity": mode == FULL,
            "jobs": ExportJob.objects.filter(user=request.user)[:RECENT_JOBS],
            "lifetime_hours": int(FILE_LIFETIME.total_seconds() // 3600),
        },
    )


def _status_message(job: ExportJob) -> str:
    if job.state == ExportJob.State.QUEUED:
        return _("Exporten väntar på att starta.")
    if job.state == ExportJob.State.RUNNING:
        return _("Exporten pågår.")
    if job.state == ExportJob.State.DONE:
        return _("Exporten är klar: %(rows)s rader.") % {"rows": job.rows_done}
    if job.state == ExportJob.State.EXPIRED:
        return _("Filen är borttagen efter 24 timmar. Gör en ny export.")
    return job.error or _("Exporten misslyckades.")


def _status(job: ExportJob) -> dict:
    done = job.state == ExportJob.State.DONE
    return {
        "state": job.state,
        "finished": job.is_finished,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "message": _status_message(job),
        "progress_text": (
            _("%(done)s av %(total)s rader") % {"done": job.rows_done, "total": job.rows_total}
            if job.rows_total is not None
            else ""
        ),
        "download_url": reverse("exports:download", args=[job.pk]) if done else None,
    }


@require_GET
def job(request, pk: int):
    export = _own_job_or_404(request, pk)
    _require_export_right(request)
    return render(
        request,
        "exports/job.html",
        {
            "title": _("Export"),
            "job": export,
            "status": _status(export),
            "format_label": export.get_file_format_display(),
        },
    )


@require_GET
def job_status(request, pk: int):
    export = _own_job_or_404(request, pk)
    _require_export_right(request)
    response = JsonResponse(_status(export))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def download(request, pk: int):
    export = _own_job_or_404(request, pk)
    _require_export_right(request)
    path = export_job_path(export)
    # The file's 24 hours hold even if the hourly purge has not run yet.
    fresh = export.finished_at is not None and export.finished_at >= timezone.now() - FILE_LIFETIME
    if export.state != ExportJob.State.DONE or not fresh or not path.exists():
        raise Http404
    export_job_download_logged(job=export, context=AccessContext.from_request(request))
    file_format = FORMATS[FORMAT_OF_JOB[export.file_format][0]]
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it when sent
        as_attachment=True,
        filename=export.file_name or path.name,
        content_type=file_format.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response
