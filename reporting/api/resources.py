"""The follow-up resources of the API (SPEC §5, §6): work plans, monthly snapshots and deviation
reports, under /api/v1/work-plans/, /api/v1/snapshots/ and /api/v1/deviation-reports/.

Why not the person-centred base as it is. `samverkan.api.ScopedReadOnlyViewSet` fetches one
object and then checks and logs the *person* it belongs to (caseload, break the glass). These
objects belong to an area, not a person: they hold aggregates, so they follow the aggregate
scope (`accounts.scoping.aggregate_area_ids`, the rule of the work-plan, deviation and dashboard
pages and of the report API), and an officer of the area, its management group, a coordinator
and the national analyst may all read them. `AggregateScoped` below keeps everything else of the
base (the id check, `get_visible_or_404`, the writes through services, versions, the schema) and
replaces only the person part:

- a role that sees no aggregates at all gets 403 on every operation, as from the report API
  (`reporting.api.params.aggregate_areas_or_403`);
- another area's object is the same 404 as an unknown id, logged as a refusal against the
  object's own area (cases.access.get_visible_or_404); also before a write is refused: a PATCH
  or POST on another area's object is 404 whatever the role, never 403;
- every object shown (list rows, a detail, the object of a write) is logged with its area; the
  services log the writes themselves;
- no person appears in any answer (reporting.api.resource_serializers).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Area
from accounts.scoping import aggregate_area_ids, scope_for
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_subjects
from cases.access import get_visible_or_404
from reporting import deviations as deviation_services
from reporting.models import DeviationReport, MonthlySnapshot, WorkPlan
from reporting.services import work_plan_save
from samverkan.api import (
    ScopedFilterSet,
    ScopedReadOnlyViewSet,
    ScopedViewSet,
    error_responses,
    validation_error_response,
)

from . import resource_serializers as s
from .params import DAY_FORMAT, MONTH_FORMAT, _day, _month, aggregate_areas_or_403

LIST_ERRORS = {**validation_error_response(), **error_responses(401, 403, 404)}
DETAIL_ERRORS = error_responses(401, 403, 404)
CREATE_ERRORS = {**validation_error_response(), **error_responses(401, 403, 409)}
UPDATE_ERRORS = {**validation_error_response(), **error_responses(401, 403, 404, 409)}
ACTION_ERRORS = {**validation_error_response(), **error_responses(401, 403, 404)}


# --- the aggregate-scoped base ------------------------------------------------------------------


class AggregateScoped:
    """Mixin for ScopedReadOnlyViewSet / ScopedViewSet: objects of an area's aggregates (module
    docstring). A subclass names `visible(user)`, the pages' scoping selector."""

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

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A role without statistics (system administrator, an export client without a scope)
        # is refused outright, as by the report API; the refusal is logged by the handler.
        aggregate_areas_or_403(request.user)

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


# --- filters ------------------------------------------------------------------------------------


class MonthOrDayField(forms.CharField):
    """A month `ÅÅÅÅ-MM` (its first day) or a day `ÅÅÅÅ-MM-DD`, within the product's dates."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return _month(text) if MONTH_FORMAT.match(text) else _day(text)
        except exceptions.ValidationError as error:
            well_formed = MONTH_FORMAT.match(text) or DAY_FORMAT.match(text)
            raise forms.ValidationError(
                str(error.detail[0])
                if well_formed
                else _("Ange månaden som ÅÅÅÅ-MM eller dagen som ÅÅÅÅ-MM-DD.")
            ) from None


class MonthOrDayFilter(django_filters.CharFilter):
    field_class = MonthOrDayField


def with_months(field: str, what: str):
    """`from`/`to` on a month field (stored as the month's first day): a month `ÅÅÅÅ-MM` or a
    day `ÅÅÅÅ-MM-DD`, both included. `from` is a Python keyword, hence the decorator (as
    samverkan.api.with_period)."""

    def decorate(cls):
        cls.base_filters.update(
            {
                "from": MonthOrDayFilter(
                    field_name=field,
                    lookup_expr="gte",
                    label=f"{what} från och med: ÅÅÅÅ-MM, eller ÅÅÅÅ-MM-DD (månader vars "
                    "första dag ligger på eller efter dagen).",
                ),
                "to": MonthOrDayFilter(
                    field_name=field,
                    lookup_expr="lte",
                    label=f"{what} till och med: ÅÅÅÅ-MM, eller ÅÅÅÅ-MM-DD (månader vars "
                    "första dag ligger på eller före dagen).",
                ),
            }
        )
        return cls

    return decorate


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` (also `1`/`0`); anything else is a 400 naming the parameter, where
    django-filter's own boolean widgets would ignore it and answer the unfiltered list."""

    widget = forms.TextInput

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(_("Ange true eller false."), code="invalid")

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class WorkPlanFilter(ScopedFilterSet):
    year = YearFilter(min_value=1, max_value=9999, label="Året planen gäller (planens period).")

    class Meta:
        model = WorkPlan
        fields = ["area", "year"]


@with_months("month", "Redovisningsmånad")
class SnapshotFilter(ScopedFilterSet):
    latest = BooleanFilter(
        field_name="is_latest",
        label="true: bara den senaste versionen av varje område och månad; false: bara "
        "äldre versioner.",
    )
    national = BooleanFilter(
        field_name="area",
        lookup_expr="isnull",
        label="true: bara rikets sammanställning; false: bara områdenas.",
    )

    class Meta:
        model = MonthlySnapshot
        fields = ["area", "latest", "national"]


@with_months("opened_for", "Månaden rapporten öppnades efter")
class DeviationReportFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=DeviationReport.Kind.choices, label="Vad som avviker."
    )
    status = django_filters.ChoiceFilter(
        choices=DeviationReport.Status.choices, label="Rapportens status."
    )
    open = BooleanFilter(
        method="filter_open", label="true: öppna rapporter (ej stängda); false: stängda."
    )

    class Meta:
        model = DeviationReport
        fields = ["area", "kind", "status", "open"]

    def filter_open(self, queryset, name, value):
        closed = DeviationReport.Status.CLOSED
        return queryset.exclude(status=closed) if value else queryset.filter(status=closed)


# --- work plans ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Arbetsplaner",
        description="Områdenas arbetsplaner per år, för alla som ser områdets statistik.",
        responses={200: s.WorkPlanSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En arbetsplan", responses={200: s.WorkPlanSerializer, **DETAIL_ERRORS}
    ),
    create=extend_schema(
        summary="Upprätta en arbetsplan",
        description="Områdets samordnare upprättar planen för ett år "
        "(reporting.services.work_plan_save). Finns planen redan svarar API:t 400 på `year` "
        "(ändra den med PATCH); skapar någon annan samma plan samtidigt svarar det 409. Ett "
        "område som du inte är samordnare för ger 400 på `area`, samma svar som en okänd kod.",
        request=s.WorkPlanCreateSerializer,
        responses={201: s.WorkPlanSerializer, **CREATE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Ändra en arbetsplan",
        description="Områdets samordnare ändrar planens siffror; `version` krävs.",
        request=s.WorkPlanUpdateSerializer,
        responses={200: s.WorkPlanSerializer, **UPDATE_ERRORS},
    ),
)
class WorkPlanViewSet(AggregateViewSet):
    """Arbetsplaner (SPEC §5). Läses av alla som ser områdets statistik; upprättas och ändras
    av områdets samordnare."""

    object_type = "workplan"
    purpose = "arbetsplan"
    serializer_class = s.WorkPlanSerializer
    write_serializer_class = s.WorkPlanCreateSerializer
    update_serializer_class = s.WorkPlanUpdateSerializer
    filterset_class = WorkPlanFilter
    write_denied_message = gettext_lazy("Arbetsplanen upprättas och ändras av områdets samordnare.")

    def visible(self, user):
        return WorkPlan.objects.visible_to(user).select_related("area")

    def may_write(self, user) -> bool:
        return bool(s.work_plan_areas(user))

    def create_object(self, data):
        area, year = data.pop("area"), data.pop("year")
        existing = WorkPlan.objects.filter(area=area, year=year).first()
        if existing is not None:
            # The pages open an existing plan for editing; the API says so rather than calling
            # it a conflict (409 is kept for someone else creating it at the same moment).
            raise serializers.ValidationError(
                {
                    "year": [
                        _(
                            "Det finns redan en arbetsplan för området och året (id %(id)s). "
                            "Ändra den med PATCH."
                        )
                        % {"id": existing.pk}
                    ]
                }
            )
        return work_plan_save(
            area=area, year=year, data=data, expected_version=0, request=self.request
        )

    def update_object(self, obj, data, *, expected_version):
        return work_plan_save(
            area=obj.area,
            year=obj.year,
            data=data,
            expected_version=expected_version,
            request=self.request,
        )


# --- monthly snapshots --------------------------------------------------------------------------


def snapshots_visible_to(user):
    """The snapshots of the areas whose aggregates `user` sees; the national roll-up (no area)
    only for national roles, as on the dashboard. Each with `is_latest`: no newer version of the
    same area (or the nation) and month exists."""
    area_ids = aggregate_area_ids(user)
    snapshots = MonthlySnapshot.objects.all()
    if area_ids is not None:
        snapshots = snapshots.filter(area_id__in=area_ids)
    newer = MonthlySnapshot.objects.annotate(area_key=Coalesce("area_id", 0)).filter(
        area_key=OuterRef("area_key"), month=OuterRef("month"), version__gt=OuterRef("version")
    )
    snapshots = (
        snapshots.annotate(area_key=Coalesce("area_id", 0))
        .annotate(is_latest=~Exists(newer))
        .select_related("area")
    )
    if not scope_for(user).case_access:
        # Two versions of one month, each suppressed, differ by the late changes: a reader
        # without case access sees the published (newest) version only, as on the dashboard.
        snapshots = snapshots.filter(is_latest=True)
    return snapshots


@extend_schema_view(
    list=extend_schema(
        summary="Månadsögonblicksbilder",
        description="Områdenas (och för nationella roller rikets) sparade månadssiffror, alla "
        "versioner (roller utan ärendeåtkomst: bara den senaste); `latest=true` ger bara den "
        "senaste versionen av varje månad. Listan visar "
        "inte siffrorna: hämta en ögonblicksbild (GET .../{id}/) för dem. Ögonblicksbilderna "
        "är oföränderliga: de skrivs bara av månadskörningen (Celery), aldrig via API:t.",
        responses={200: s.SnapshotListSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En månadsögonblicksbild",
        description="En sparad version av ett områdes (eller rikets) månadssiffror. Små tal "
        "är dolda för roller utan ärendeåtkomst, som på instrumentpanelen. Oföränderlig: ingen "
        "POST eller PATCH.",
        responses={200: s.SnapshotSerializer, **DETAIL_ERRORS},
    ),
)
class SnapshotViewSet(AggregateReadOnlyViewSet):
    """Månadsögonblicksbilder (SPEC §5): skrivs av månadskörningen, läses här."""

    object_type = "monthlysnapshot"
    purpose = "månadsögonblicksbild"
    serializer_class = s.SnapshotSerializer
    filterset_class = SnapshotFilter

    def visible(self, user):
        return snapshots_visible_to(user)

    def get_serializer_class(self):
        return s.SnapshotListSerializer if self.action == "list" else s.SnapshotSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list":
            return context
        # The status report keys areas by id; one query for the codes (about 70 areas).
        codes = Area.objects.values_list("pk", "code")
        context["area_codes"] = {str(pk): code for pk, code in codes}
        return context


# --- deviation reports --------------------------------------------------------------------------


def _may_work_on_some_report(user) -> bool:
    """Whether the role works on deviation reports in any of the user's areas (the rule is
    reporting.deviations.may_work_on, asked for each area)."""
    return any(
        deviation_services.may_work_on(user, DeviationReport(area_id=area_id))
        for area_id in scope_for(user).area_ids
    )


def _post_only(**kwargs):
    """An extra action answering POST only: the viewset itself offers no POST (no create)."""
    return action(detail=True, methods=["post"], http_method_names=["post", "options"], **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="Avvikelserapporter",
        description="Områdenas avvikelserapporter, för alla som ser områdets statistik. "
        "Rapporterna öppnas av månadskörningen när utvecklingen avviker tre månader i rad; "
        "de kan inte skapas via API:t (inte heller på sidorna). Små tal i månadernas siffror "
        "är dolda för roller utan ärendeåtkomst, som på rapportens sida.",
        responses={200: s.DeviationReportSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En avvikelserapport", responses={200: s.DeviationReportSerializer, **DETAIL_ERRORS}
    ),
    partial_update=extend_schema(
        summary="Analys och dialog",
        description="Områdets ledningsgrupp och samordnare skriver analysen och registrerar "
        "dialogen (reporting.deviations.deviation_update); en registrerad dialog för en öppen "
        "rapport till status I dialog. `version` krävs. Status ändras inte direkt: stängning "
        "sker med POST .../close/.",
        request=s.DeviationUpdateSerializer,
        responses={200: s.DeviationReportSerializer, **UPDATE_ERRORS},
    ),
)
class DeviationReportViewSet(AggregateViewSet):
    """Avvikelserapporter (SPEC §5). Läses av alla som ser områdets statistik; hanteras av
    områdets ledningsgrupp och samordnare."""

    object_type = "deviationreport"
    purpose = "avvikelserapport"
    # No POST on the list: reports are opened by the monthly detection only.
    http_method_names = ["get", "patch", "head", "options"]
    serializer_class = s.DeviationReportSerializer
    update_serializer_class = s.DeviationUpdateSerializer
    filterset_class = DeviationReportFilter
    write_denied_message = gettext_lazy("Avvikelserapporten hanteras av områdets ledningsgrupp.")

    def visible(self, user):
        return (
            DeviationReport.objects.visible_to(user)
            .select_related("area")
            .prefetch_related("actions")
        )

    def may_write(self, user) -> bool:
        return _may_work_on_some_report(user)

    def get_serializer_class(self):
        extra = {
            "add_action": s.DeviationActionCreateSerializer,
            "action_done": s.DeviationActionDoneSerializer,
            "close": s.DeviationCloseSerializer,
        }
        return extra.get(self.action) or super().get_serializer_class()

    def update_object(self, obj, data, *, expected_version):
        return deviation_services.deviation_update(
            report=obj, expected_version=expected_version, data=data, request=self.request
        )

    def _validated(self, request):
        report = self.get_object()
        self._require_write()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return report, dict(serializer.validated_data)

    def _report(self, pk):
        return self.output(self.visible(self.request.user).get(pk=pk))

    @extend_schema(
        summary="Ny åtgärd",
        description="En beslutad åtgärd med ansvarig och sista dag "
        "(reporting.deviations.deviation_action_add). Inte för en stängd rapport.",
        request=s.DeviationActionCreateSerializer,
        responses={201: s.DeviationActionSerializer, **ACTION_ERRORS},
    )
    @_post_only(url_path="actions", url_name="actions")
    def add_action(self, request, pk=None):
        report, data = self._validated(request)
        created = deviation_services.deviation_action_add(report=report, request=request, **data)
        return Response(
            s.DeviationActionSerializer(created, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Markera en åtgärd klar",
        description="En av rapportens åtgärder är klar (reporting.deviations."
        "deviation_action_done); `version` är åtgärdens. En åtgärd som inte hör till "
        "rapporten ger 400 på `action`.",
        request=s.DeviationActionDoneSerializer,
        responses={200: s.DeviationActionSerializer, **ACTION_ERRORS, **error_responses(409)},
    )
    @_post_only(url_path="action-done", url_name="action-done")
    def action_done(self, request, pk=None):
        report, data = self._validated(request)
        target = report.actions.filter(pk=data.pop("action")).first()
        if target is None:
            raise serializers.ValidationError(
                {"action": [_("Åtgärden finns inte i den här rapporten.")]}
            )
        done = deviation_services.deviation_action_done(
            action=target,
            expected_version=data["version"],
            done_on=data["done_on"],
            follow_up=data["follow_up"],
            request=request,
        )
        return Response(
            s.DeviationActionSerializer(done, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Stäng rapporten",
        description="Stänger rapporten (reporting.deviations.deviation_close) när analysen och "
        "dialogen är registrerade och minst en åtgärd är beslutad och alla är klara; annars "
        "400 med skälet.",
        request=s.DeviationCloseSerializer,
        responses={200: s.DeviationReportSerializer, **ACTION_ERRORS, **error_responses(409)},
    )
    @_post_only(url_path="close", url_name="close")
    def close(self, request, pk=None):
        report, data = self._validated(request)
        closed = deviation_services.deviation_close(
            report=report, expected_version=data["version"], request=request
        )
        return Response(self._report(closed.pk))
