"""The one base of every statistics endpoint (SPEC §5, §6, §7): the five computed reports
(reporting.api.reports) and the follow-up resources (work plans, snapshots, deviation reports)
share here who may ask, which areas they see, how figures are shown and how reads are logged.

- **Who may ask.** A role that sees no aggregates at all (a system administrator, an export
  client without a scope) gets 403 on every operation of every statistics endpoint
  (`aggregate_areas_or_403`, in `AggregateEndpoint.initial`); the refusal is logged by
  samverkan.api's exception handler.
- **Which areas.** The aggregate scope (`accounts.scoping.aggregate_area_ids`), the rule of the
  statistics pages: a report's `area` outside it is the same 404 as an unknown code
  (reporting.computed.report_areas); a resource's object outside it is the same 404 as an unknown id
  (`audit.access.get_visible_or_404`). Either refusal is logged against the area asked for, so
  that area's coordinator sees who tried. Another area's object is 404 before any write is
  refused: a PATCH or POST on it is never 403.
- **Figures.** Through `reporting.selectors.figures_shown_to` (small cells suppressed for the
  readers `reporting.suppression.hides_small_cells` names, FK's facts left out for those who
  must not see them), exactly as on the pages; `AggregateEndpoint.hide_small_cells` says so in
  every answer (`suppressed`).
- **Logging.** Every answer is in the access log: a report as one entry, a resource's objects
  one entry each with their area; the services log their writes themselves.

Why not samverkan.api's person-centred base as it is: `ScopedReadOnlyViewSet` fetches one object
and then checks and logs the *person* it belongs to (caseload, break the glass). These objects
belong to an area and hold aggregates, so `AggregateScoped` keeps everything else of that base
(the id check, `get_visible_or_404`, the writes through services, versions, the schema) and
replaces only the person part. No person appears in any answer."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from accounts.scoping import aggregate_area_ids, scope_for
from audit.access import get_visible_or_404
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_subjects
from reporting import suppression
from samverkan.api import ScopedReadOnlyViewSet, ScopedViewSet

# --- who may ask, and which areas -----------------------------------------------------------


def aggregate_areas_or_403(user) -> frozenset[int] | None:
    """The areas whose aggregates `user` may see (None: every area), or 403 when none at all.
    The refusal is logged by samverkan.api's exception handler."""
    allowed = aggregate_area_ids(user)
    if not scope_for(user).has_any_access or allowed == frozenset():
        raise exceptions.PermissionDenied(_("Du har inte behörighet att se statistik."))
    return allowed


# --- the shared behaviour -----------------------------------------------------------------------


def request_user(serializer):
    """The user a serializer answers; None without a request (never in the API)."""
    request = serializer.context.get("request")
    return request.user if request is not None else None


def serializer_hides_small_cells(serializer) -> bool:
    """Whether the figures a serializer answers are suppressed: the reader's, as everywhere
    (reporting.suppression.hides_small_cells; without a reader, hidden)."""
    return suppression.hides_small_cells(request_user(serializer))


class AggregateEndpoint:
    """Mixin for every statistics view (an APIView or a viewset): refuses a role without
    statistics before anything else (`allowed_areas` holds the areas the user may see, None for
    every area), and says whether the reader sees suppressed figures."""

    allowed_areas: frozenset[int] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.allowed_areas = aggregate_areas_or_403(request.user)

    @property
    def hide_small_cells(self) -> bool:
        return suppression.hides_small_cells(self.request.user)


class AggregateScoped(AggregateEndpoint):
    """Mixin for ScopedReadOnlyViewSet / ScopedViewSet: objects of an area's aggregates (module
    docstring). A subclass names `visible(user)`, the pages' scoping selector, and the
    `object_type` and `purpose` its reads are logged with."""

    object_type = ""
    purpose = ""

    def visible(self, user):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def area_of(self, obj) -> int | None:
        return obj.area_id

    def scoped_queryset(self, user):
        return self.visible(user)

    def list_queryset(self, user):
        return self.visible(user)

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
        access_log_record(
            action=AccessLog.Action.VIEW,
            request=self.request,
            obj=obj,
            object_type=self.object_type,
            area_id=self.area_of(obj),
            purpose=f"{self.purpose} via API",
        )
        return obj

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = list(page if page is not None else queryset)
        purpose = f"{self.purpose}: lista via API"
        access_log_record_subjects(
            action=AccessLog.Action.VIEW,
            request=request,
            subjects=[
                (self.object_type, obj.pk, None, self.area_of(obj), purpose) for obj in objects
            ],
        )
        if not objects:
            access_log_record(
                action=AccessLog.Action.VIEW,
                request=request,
                object_type=self.object_type,
                purpose=f"{purpose}, tom",
            )
        data = self.get_serializer(objects, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class AggregateReadOnlyViewSet(AggregateScoped, ScopedReadOnlyViewSet):
    """List and detail only."""

    http_method_names = ["get", "head", "options"]


class AggregateViewSet(AggregateScoped, ScopedViewSet):
    """List, detail, and the writes of ScopedViewSet; `may_write(user)` is the role check."""

    def partial_update(self, request, *args, **kwargs):
        # The object first: another area's object is 404 for every role (SPEC §7), then the
        # role (403), then the body (400), then the service (400, 403, 409).
        obj = self.get_object()
        self._require_write()
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        obj = self.update_object(obj, data, expected_version=expected)
        return Response(self.output(obj))
