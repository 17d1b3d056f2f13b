"""Swedish error pages that never show a stack trace or the object asked for."""

from django.shortcuts import render

from audit.models import AccessLog
from audit.services import access_log_record


def permission_denied(request, exception=None):
    # Every refused page is a failed authorisation and goes to the access log (SPEC §7).
    access_log_record(action=AccessLog.Action.DENIED, request=request, purpose="sidan nekades")
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)
