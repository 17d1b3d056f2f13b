"""API plumbing shared by every resource: the error handler and the scoped, logged base views.

A resource declares how to get its queryset for a user (always through a `visible_to` selector)
and which person an object belongs to; the base class fetches objects with the same
`get_visible_or_404` and logs them with the same `log_person_access` as the pages, so the API
cannot drift from the pages' access rules."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_many
from cases.access import ReasonRequired, break_glass_grant, get_visible_or_404, log_person_access

REASON_HEADER = "HTTP_X_ACCESS_REASON"


class ErrorDetailSerializer(serializers.Serializer):
    """The body of DRF's refusals (401, 403, 404, 405): one message in Swedish."""

    detail = serializers.CharField(help_text="Skälet, på svenska.")


_ERROR_DESCRIPTIONS = {
    401: "API-nyckeln saknas, är fel, återkallad eller har gått ut.",
    403: "Åtkomsten nekas: rollen får inte, eller skäl (X-Access-Reason) saknas för en person "
    "utanför ärendebeståndet.",
    404: "Finns inte, ligger utanför behörigheten, eller sidan (page) finns inte.",
}


def error_responses(*codes: int) -> dict:
    """The documented refusals of an operation, for `extend_schema(responses=...)`, so the
    schema lists every status code the API answers with (checked by the API fuzzing test)."""
    return {
        code: OpenApiResponse(ErrorDetailSerializer, description=_ERROR_DESCRIPTIONS[code])
        for code in codes
    }


def document_address_refusal(result, generator, request, public):
    """drf-spectacular hook: every operation documents the 400 that audit.middleware answers,
    as plain text, when a personnummer stands in the address (path or query)."""
    refusal = {
        "schema": {"type": "string"},
        "example": "Personnummer får inte stå i adressen. Sök via sökrutan i stället.",
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            response = operation["responses"].setdefault(
                "400", {"description": "Ett personnummer i adressen avvisas (text)."}
            )
            response.setdefault("content", {})["text/plain"] = refusal
    return result


def exception_handler(exc, context):
    """Business-rule errors (Django ValidationError from services) become 400 with field names."""
    reason_required = isinstance(exc, ReasonRequired)
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
    refused = (exceptions.PermissionDenied, PermissionDenied, exceptions.NotAuthenticated)
    if isinstance(exc, refused) and not reason_required:
        # Failed authorisations are logged (SPEC §7); "reason required" was logged with its
        # person by cases.access already.
        request = context.get("request")
        if request is not None:
            access_log_record(action=AccessLog.Action.DENIED, request=request, object_type="api")
    return drf_exception_handler(exc, context)


def _header_text(value: str) -> str:
    """HTTP headers arrive as latin-1; a client sending UTF-8 (Swedish letters) is decoded."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail through the scoping selectors, every object shown in the access log.

    Lists hold the user's caseload (the whole area for area-wide roles); a single object of the
    user's areas outside it needs a stated reason (header X-Access-Reason), as on the pages."""

    object_type: str = ""
    # Any id reaches the view, which answers a malformed one with the API's JSON 404 (the URL
    # resolver's would be the HTML page); ids beyond 18 digits cannot exist in a bigint.
    lookup_value_regex = r"[^/]+"
    valid_pk = re.compile(r"[0-9]{1,18}")

    def scoped_queryset(self, user):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def list_queryset(self, user):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def person_of(self, obj):
        return obj

    def get_queryset(self):
        if self.action == "list":
            return self.list_queryset(self.request.user)
        return self.scoped_queryset(self.request.user)

    def get_object(self):
        pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if not self.valid_pk.fullmatch(pk):
            raise exceptions.NotFound()
        obj = get_visible_or_404(
            request=self.request,
            queryset=self.get_queryset(),
            pk=pk,
            object_type=self.object_type,
        )
        person = self.person_of(obj)
        reason = _header_text(self.request.META.get(REASON_HEADER) or "").strip()
        try:
            log_person_access(request=self.request, obj=obj, person=person)
        except ReasonRequired:
            if len(reason) < 10:
                raise
            break_glass_grant(request=self.request, person=person, reason=reason[:500])
            log_person_access(request=self.request, obj=obj, person=person)
        return obj

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = list(page if page is not None else queryset)
        access_log_record_many(
            action=AccessLog.Action.VIEW, request=request, objects=objects, purpose="lista via API"
        )
        if not objects:
            access_log_record(
                action=AccessLog.Action.VIEW,
                request=request,
                object_type=self.object_type,
                purpose="lista via API, tom",
            )
        data = self.get_serializer(objects, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)
