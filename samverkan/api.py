"""API plumbing shared by every resource: the error handler and the scoped, logged base views.

A resource declares how to get its queryset for a user (always through a `visible_to` selector)
and which person an object belongs to; the base class fetches objects with the same
`get_visible_or_404` and logs them with the same `log_person_access` as the pages, so the API
cannot drift from the pages' access rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from audit.models import AccessLog
from audit.services import access_log_record
from cases.access import ReasonRequired, break_glass_grant, get_visible_or_404, log_person_access

REASON_HEADER = "HTTP_X_ACCESS_REASON"


def exception_handler(exc, context):
    """Business-rule errors (Django ValidationError from services) become 400 with field names."""
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ReasonRequired):
        exc = exceptions.PermissionDenied(
            _(
                "Personen finns inte i ditt eller ditt teams ärendebestånd. "
                "Ange skälet i huvudet X-Access-Reason (minst 10 tecken)."
            )
        )
    elif isinstance(exc, (exceptions.PermissionDenied, PermissionDenied)):
        request = context.get("request")
        if request is not None:
            access_log_record(action=AccessLog.Action.DENIED, request=request, object_type="api")
    return drf_exception_handler(exc, context)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail through the scoping selector, every read in the access log."""

    object_type: str = ""

    def scoped_queryset(self, user):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def person_of(self, obj):
        return obj

    def get_queryset(self):
        return self.scoped_queryset(self.request.user)

    def get_object(self):
        obj = get_visible_or_404(
            request=self.request,
            queryset=self.get_queryset(),
            pk=self.kwargs.get(self.lookup_url_kwarg or self.lookup_field),
            object_type=self.object_type,
        )
        person = self.person_of(obj)
        reason = (self.request.META.get(REASON_HEADER) or "").strip()
        try:
            log_person_access(request=self.request, obj=obj, person=person)
        except ReasonRequired:
            if len(reason) < 10:
                raise
            break_glass_grant(request=self.request, person=person, reason=reason[:500])
            log_person_access(request=self.request, obj=obj, person=person)
        return obj

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        access_log_record(
            action=AccessLog.Action.VIEW,
            request=request,
            object_type=self.object_type,
            purpose="lista via API",
        )
        return response
