"""The coordinator's import page (SPEC §6): upload a file; a Celery task imports it while the
job page shows its progress; then the page shows what was created and what was already there,
or every rejected row with its line, column and reason. Only coordinators, for their own areas
(imports.services); everyone else gets 403 (a page without an object, like the log review),
logged as a failed authorisation by samverkan.errors. A job belongs to the user who uploaded
it: anyone else's answers 404, logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AccessLog
from audit.services import access_log_record
from samverkan.services import AccessContext

from .formats import FORMATS
from .forms import ImportForm
from .jobs import import_job_create
from .models import ImportJob
from .results import KEPT_REJECTED_ROWS
from .services import user_may_import

# The page and the API list at most this many rejected rows; the total is always given.
SHOWN_REJECTED_ROWS = KEPT_REJECTED_ROWS
RECENT_JOBS = 10


def _require_import_right(request) -> None:
    if not user_may_import(request.user):
        raise PermissionDenied


def own_job_or_404(request, pk: int) -> ImportJob:
    """The user's own import job; anyone else's (or none) is a logged 404."""
    job = ImportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        access_log_record(
            action=AccessLog.Action.DENIED,
            request=request,
            object_type="import",
            object_id=str(pk),
            purpose="någon annans import, eller en som inte finns",
        )
        raise Http404
    return job


@require_http_methods(["GET", "POST"])
def upload(request):
    _require_import_right(request)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            context=AccessContext.from_request(request),
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            area=form.cleaned_data["area"],
        )
        return redirect("imports:job", pk=job.pk)
    return render(
        request,
        "imports/upload.html",
        {
            "title": _("Importera filer"),
            "form": form,
            "formats": FORMATS,
            "jobs": ImportJob.objects.filter(user=request.user)[:RECENT_JOBS],
        },
    )


def status_message(job: ImportJob) -> str:
    if job.state == ImportJob.State.QUEUED:
        return _("Importen väntar på att starta.")
    if job.state == ImportJob.State.RUNNING:
        return _("Importen pågår. Inget sparas förrän hela filen är kontrollerad.")
    if job.state == ImportJob.State.DONE:
        return _("Filen är importerad.")
    if job.state == ImportJob.State.REJECTED:
        return (job.outcome or {}).get("detail") or _("Filen avvisades. Inget är sparat.")
    return job.error or _("Importen misslyckades. Inget är sparat.")


def job_status(job: ImportJob) -> dict:
    return {
        "state": job.state,
        "finished": job.is_finished,
        "rows_checked": job.rows_checked,
        "rows_total": job.rows_total,
        "rows_written": job.rows_written,
        "percent": job.percent,
        "message": status_message(job),
        "progress_text": (
            _("%(done)s av cirka %(total)s rader kontrollerade")
            % {"done": job.rows_checked, "total": job.rows_total}
            if job.rows_total is not None and not job.is_finished
            else ""
        ),
    }


@require_GET
def job(request, pk: int):
    found = own_job_or_404(request, pk)
    _require_import_right(request)
    outcome = found.outcome or {}
    rejected = outcome if found.state == ImportJob.State.REJECTED else None
    return render(
        request,
        "imports/job.html",
        {
            "title": _("Import"),
            "job": found,
            "status": job_status(found),
            "result": outcome if found.state == ImportJob.State.DONE else None,
            "rejected": rejected,
            "rejected_rows": rejected["rejected"] if rejected else [],
            "rejected_hidden": (
                max(0, rejected["rejected_count"] - len(rejected["rejected"])) if rejected else 0
            ),
        },
    )


@require_GET
def job_status_json(request, pk: int):
    found = own_job_or_404(request, pk)
    _require_import_right(request)
    response = JsonResponse(job_status(found))
    response["Cache-Control"] = "no-store"
    return response
