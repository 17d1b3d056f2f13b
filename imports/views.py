"""The coordinator's import page (SPEC §6): upload a file, see what was created and what was
already there, or every rejected row with its line, column and reason. Only coordinators, for
their own areas (imports.services); everyone else gets 403 (a page without an object, like the
log review), logged as a failed authorisation by samverkan.errors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samverkan.services import AccessContext

from .formats import FORMATS
from .forms import ImportForm
from .results import ImportRejected
from .services import import_file, user_may_import

# The page and the API list at most this many rejected rows (the command prints all of them);
# the total is always given.
SHOWN_REJECTED_ROWS = 1000


@require_http_methods(["GET", "POST"])
def upload(request):
    if not user_may_import(request.user):
        raise PermissionDenied
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
    )
    result = rejected = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            result = import_file(
                kind=form.cleaned_data["kind"],
                data=upload_file.read(),
                context=AccessContext.from_request(request),
                area=form.cleaned_data["area"],
                filename=upload_file.name,
            )
        except ImportRejected as exc:
            rejected = exc
    return render(
        request,
        "imports/upload.html",
        {
            "title": _("Importera filer"),
            "form": form,
            "result": result,
            "rejected": rejected,
            "rejected_rows": rejected.rows[:SHOWN_REJECTED_ROWS] if rejected else [],
            "rejected_hidden": max(0, len(rejected.rows) - SHOWN_REJECTED_ROWS) if rejected else 0,
            "formats": FORMATS,
        },
    )
