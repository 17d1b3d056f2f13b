"""API plumbing shared by every resource: the error handler and the scoped, logged base views.

A resource declares how to get its queryset for a user (always through a `visible_to` selector)
and how one object's access is checked and logged (`log_object_access`: for a person's records
`cases.api.base.PersonAccessMixin`, the pages' own `log_person_access`); the base class fetches
objects with the same `get_visible_or_404` as the pages, so the API cannot drift from the pages'
access rules."""

from __future__ import annotations

import re

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.models import AREA_CODE
from accounts.scoping import scope_for
from audit.access import ReasonRequired, get_visible_or_404, readable_reason
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_many

from .throttling import throttled_message

REASON_HEADER = "HTTP_X_ACCESS_REASON"


class ErrorDetailSerializer(serializers.Serializer):
    """The body of DRF's refusals (401, 403, 404, 405): one message in Swedish."""

    detail = serializers.CharField(help_text="Skälet, på svenska.")


_ERROR_DESCRIPTIONS = {
    401: "API-nyckeln saknas, är fel, återkallad eller har gått ut.",
    403: "Åtkomsten nekas: rollen får inte, eller skäl (X-Access-Reason) saknas för en person "
    "utanför ärendebeståndet.",
    404: "Finns inte, ligger utanför behörigheten, eller sidan (page) finns inte.",
    409: "Någon annan har ändrat posten sedan den hämtades (version stämmer inte). Inget är "
    "sparat: hämta posten igen och gör om ändringen.",
}


class ValidationErrorSerializer(serializers.Serializer):
    """A 400: every field in error with its messages, in Swedish; errors that concern no single
    field under `non_field_errors`."""

    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Fel som gäller hela posten."
    )


def validation_error_response() -> dict:
    return {
        400: OpenApiResponse(
            ValidationErrorSerializer,
            description="Felaktiga uppgifter: fältnamn med meddelanden på svenska. Inget sparas.",
        )
    }


def error_responses(*codes: int) -> dict:
    """The documented refusals of an operation, for `extend_schema(responses=...)`, so the
    schema lists every status code the API answers with (checked by the API fuzzing test)."""
    return {
        code: OpenApiResponse(ErrorDetailSerializer, description=_ERROR_DESCRIPTIONS[code])
        for code in codes
    }


# The header a client states its reason in, and the documented answers of each kind of
# operation (the API fuzzing checks that every answer is documented). Lists answer 404 for a
# page that does not exist; a single object also 403 when a reason is needed; 401 for a wrong
# token; 409 for a stale version.
REASON = OpenApiParameter(
    "X-Access-Reason",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Skäl för åtkomst till en person utanför eget ärendebestånd (minst 10 tecken, "
    "loggas).",
)
LIST_ERRORS = {**validation_error_response(), **error_responses(401, 404)}
DETAIL_ERRORS = error_responses(401, 403, 404)
CREATE_ERRORS = {**validation_error_response(), **error_responses(401, 403)}
UPDATE_ERRORS = {**validation_error_response(), **error_responses(401, 403, 404, 409)}


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


# Fields and parameters that mean the same on every resource, described once.
_COMMON_FIELDS = {
    "id": "Postens id.",
    "version": "Postens version; ökar vid varje ändring. Skickas med vid PATCH.",
    "created_at": "När posten skapades.",
    "updated_at": "När posten senast ändrades.",
}
_PAGE_FIELDS = {
    "count": "Antal poster i hela listan.",
    "next": "Adressen till nästa sida, null på sista sidan.",
    "previous": "Adressen till föregående sida, null på första sidan.",
    "results": "Posterna på den här sidan av listan.",
}


def describe_common_fields(result, generator, request, public):
    """drf-spectacular hook: every field and parameter has a description (issue 6: "every
    endpoint and field described"). Resource-specific fields carry their own help_text; the
    ones every resource shares (ids, versions, timestamps, page envelopes, the `id` in the
    path) are described here so the texts stay the same everywhere."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        common = {**_COMMON_FIELDS, **(_PAGE_FIELDS if name.startswith("Paginated") else {})}
        for field, spec in component.get("properties", {}).items():
            if field in common and "description" not in spec:
                spec["description"] = common[field]
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["name"] == "id":
                    parameter.setdefault("description", "Postens id (ett heltal).")
    return result


def exception_handler(exc, context):
    """Business-rule errors (Django ValidationError from services) become 400 with field names."""
    reason_required = isinstance(exc, ReasonRequired)
    if getattr(exc, "code", None) == "concurrent_edit" and isinstance(exc, DjangoValidationError):
        # SPEC §7: concurrent edits never silently overwrite each other; a client sends the
        # version it read and gets 409 when someone saved in between.
        return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
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
    if isinstance(exc, exceptions.Throttled):
        # DRF's wording is its own; the product says it in its words. Retry-After stays.
        exc.detail = exceptions.ErrorDetail(throttled_message(exc.wait), code="throttled")
    return drf_exception_handler(exc, context)


def _header_text(value: str) -> str:
    """HTTP headers arrive as latin-1; a client sending UTF-8 (Swedish letters) is decoded."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def stated_reason(request) -> str:
    """The reason in X-Access-Reason for opening a person outside one's caseload (SPEC §7)."""
    return readable_reason(_header_text(request.META.get(REASON_HEADER) or ""))


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

    def log_object_access(self, obj) -> None:  # pragma: no cover - every resource defines it
        """Check and log the access to one object (for a person's records: break the glass)."""
        raise NotImplementedError

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
        self.log_object_access(obj)
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


# --- writes, filters and pages shared by every resource --------------------------------------


class ScopedViewSet(ScopedReadOnlyViewSet):
    """List and detail as ScopedReadOnlyViewSet, plus create (POST) and update (PATCH) where the
    role may. Writes always go through a service (CONVENTIONS: never a `save()` from a view):

    - `write_serializer_class` validates the request body (shared validators, field names in the
      errors); `create_object(data)` / `update_object(obj, data)` call the service, whose
      `ValidationError`s become 400 with field names (exception_handler above);
    - an update must send the `version` it read; a stale one is 409 (no silent overwrite);
    - the object to update is fetched like a detail read: scoped, logged, another area's is 404;
    - `may_write(user)` is the role check (case access by default): others get 403.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    write_serializer_class: type[serializers.Serializer] | None = None
    update_serializer_class: type[serializers.Serializer] | None = None
    write_denied_message = gettext_lazy("Din roll får inte ändra detta.")

    def may_write(self, user) -> bool:
        return scope_for(user).case_access

    def create_object(self, data: dict):  # pragma: no cover - subclasses that allow POST
        raise exceptions.MethodNotAllowed("POST")

    def update_object(self, obj, data: dict, *, expected_version: int | None):  # pragma: no cover
        raise exceptions.MethodNotAllowed("PATCH")

    def get_serializer_class(self):
        if self.action == "create" and self.write_serializer_class is not None:
            return self.write_serializer_class
        if self.action == "partial_update":
            return self.update_serializer_class or self.write_serializer_class
        return super().get_serializer_class()

    def output(self, obj):
        """The object as a detail read shows it."""
        action, self.action = self.action, "retrieve"
        try:
            return self.get_serializer(obj).data
        finally:
            self.action = action

    def _require_write(self):
        if not self.may_write(self.request.user):
            raise exceptions.PermissionDenied(self.write_denied_message)

    def create(self, request, *args, **kwargs):
        self._require_write()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.create_object(dict(serializer.validated_data))
        return Response(self.output(obj), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        self._require_write()
        obj = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        if expected is None and "version" in serializer.fields:
            # A partial serializer lets required fields be left out; without the version the
            # service could not tell a stale edit from a fresh one (SPEC §7).
            raise exceptions.ValidationError(
                {"version": [_("Ange versionen som hämtades (fältet version i GET).")]}
            )
        obj = self.update_object(obj, data, expected_version=expected)
        return Response(self.output(obj))

    def update(self, request, *args, **kwargs):  # PUT is not offered; PATCH changes fields
        raise exceptions.MethodNotAllowed(request.method)


class VersionField(serializers.IntegerField):
    """The version the client read (GET); required on PATCH so no edit overwrites another."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "help_text",
            "Versionen som hämtades (fältet version i GET). Har någon sparat sedan dess svarar "
            "API:t 409 och inget sparas.",
        )
        super().__init__(**kwargs)


class AreaCodeFilter(django_filters.CharFilter):
    """`area=CODE`: one of the user's areas (others simply match nothing: the list is scoped)."""

    def __init__(self, field_name="area__code", **kwargs):
        kwargs.setdefault("label", "Samverkansområdets kod")
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if value and not AREA_CODE.fullmatch(value):
            raise serializers.ValidationError({"area": [_("Okänd områdeskod.")]})
        return super().filter(qs, value)


class ScopedFilterSet(django_filters.FilterSet):
    """Filters shared by the resources: `area` (code); add the period with `@with_period`.
    Invalid values answer 400 naming the parameter (django-filter's backend)."""

    area = AreaCodeFilter()


def period_filters(field: str, what: str):
    """The `from`/`to` filters of a FilterSet, on the date field `field`."""
    return {
        "from": django_filters.DateFilter(
            field_name=field, lookup_expr="gte", label=f"{what} från och med (ÅÅÅÅ-MM-DD)"
        ),
        "to": django_filters.DateFilter(
            field_name=field, lookup_expr="lte", label=f"{what} till och med (ÅÅÅÅ-MM-DD)"
        ),
    }


def with_period(field: str, what: str):
    """Class decorator adding `from`/`to` (see period_filters) to a FilterSet: `from` is a
    Python keyword, so it cannot be declared as a class attribute."""

    def decorate(cls):
        cls.base_filters.update(period_filters(field, what))
        return cls

    return decorate
