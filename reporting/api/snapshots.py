"""The monthly snapshots in the API (SPEC §5 "Monthly job", §6): /api/v1/snapshots/. Written by
the monthly job only (immutable, versioned, ADR 0009), read here: scoped like the dashboard
(reporting.selectors.snapshots_visible_to), each part of the figures shown exactly as the
dashboard shows it to the same reader (reporting.selectors.figures_shown_to). Scoping, logging
and refusals are the statistics endpoints' (reporting.api.base)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from accounts.models import Area
from reporting import suppression
from reporting.models import MonthlySnapshot
from reporting.selectors import figures_shown_to, snapshots_visible_to
from samverkan.api import ScopedFilterSet

from . import report_serializers as reports
from .base import AggregateReadOnlyViewSet, request_user, serializer_hides_small_cells
from .params import BooleanFilter, with_months
from .schema import DETAIL_ERRORS, LIST_ERRORS
from .timeliness import TimelinessDataSerializer

# --- the figures ----------------------------------------------------------------------------

# The parts of a snapshot (reporting.metrics.month_figures) and the kind of each (for
# reporting.suppression and reporting.secrecy): the dashboard shows inflow, outcomes,
# average_days and caseload this way (reporting.views.dashboard.dashboard_load); the API shows
# every part, so all six are listed.
SNAPSHOT_PARTS = {
    "outcomes": "outcomes",
    "average_days": "average_days",
    "mapping_stats": "mappings",
    "inflow": "inflow",
    "status_report": "status",
    "caseload": "caseload",
    "timeliness": "timeliness",
}


def figures_for(figures: dict, *, user) -> dict:
    """The snapshot's parts as `user` may see them, each through figures_shown_to (the
    dashboard's own path), keyed as stored. A part the API does not know is left out rather than
    shown unsuppressed."""
    return {
        name: figures_shown_to(user=user, kind=kind, data=figures.get(name))
        for name, kind in SNAPSHOT_PARTS.items()
    }


class CaseloadSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="Dagen som ärendebeståndet avser (månadens sista).")
    open_cases = reports.count_field(help_text="Öppna ärenden den dagen.")
    norm_fk = serializers.IntegerField(help_text="Norm: ärenden per heltidsanställd på FK.")
    norm_af = serializers.IntegerField(help_text="Norm: ärenden per heltidsanställd på AF.")
    fk = serializers.DictField(
        child=reports.count_field(), help_text="Öppna ärenden per FK-handläggare (användar-id)."
    )
    af = serializers.DictField(
        child=reports.count_field(), help_text="Öppna ärenden per arbetsförmedlare (användar-id)."
    )
    without_fk_officer = reports.count_field(help_text="Öppna ärenden utan FK-handläggare.")
    without_af_officer = reports.count_field(help_text="Öppna ärenden utan arbetsförmedlare.")


class SnapshotFiguresSerializer(serializers.Serializer):
    """Describes the figures (the metrics' own dicts, as the report API answers them)."""

    outcomes = reports.OutcomesDataSerializer(
        allow_null=True, help_text="Status dag 365 för kohorten som startade månaden M−12."
    )
    average_days = reports.AverageDaysDataSerializer(
        allow_null=True, help_text="Genomsnittlig tid i samverkan för dem som avslutades."
    )
    mapping_stats = reports.MappingsDataSerializer(
        allow_null=True,
        help_text="Gemensamma kartläggningar som hölls under månaden. Handläggare som inte är "
        "FK-personal och samordnare får tabellen utan FK:s uppgifter (benefit, "
        "sick_leave_band).",
    )
    inflow = reports.InflowDataSerializer(allow_null=True, help_text="Nya deltagare under månaden.")
    status_report = reports.StatusDataSerializer(
        allow_null=True,
        help_text="Statusrapporten månadens sista dag; `areas` per områdeskod. null för roller "
        "utan ärendeåtkomst (den hänger ihop med ärendebeståndet genom summor).",
    )
    caseload = CaseloadSerializer(
        allow_null=True, help_text="Ärendebeståndet per handläggare månadens sista dag."
    )
    timeliness = TimelinessDataSerializer(
        allow_null=True,
        help_text="Hur månadens frister hölls, per områdeskod och totalt (null i äldre "
        "ögonblicksbilder).",
    )


class SnapshotListSerializer(serializers.ModelSerializer):
    """A snapshot in the list: which area, month and version, without the figures. Suppressing
    a national snapshot's figures is heavy (the exact check of reporting.suppression over every
    area's status report takes tens of seconds when the areas' cells are small), so a page of
    50 would be far too slow; the detail has them."""

    area = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Samverkansområdets kod; null för riket.",
    )
    national = serializers.SerializerMethodField(
        help_text="Sant för rikets sammanställning (alla områden)."
    )
    month = serializers.SerializerMethodField(help_text="Redovisningsmånaden, ÅÅÅÅ-MM.")
    latest = serializers.BooleanField(
        source="is_latest",
        read_only=True,
        help_text="Sant när detta är den senaste versionen av områdets månad.",
    )
    suppressed = serializers.SerializerMethodField(
        help_text="Sant när små tal är dolda (roller utan ärendeåtkomst); dolda värden är null."
    )
    small_cell = serializers.SerializerMethodField(
        help_text=f"Gränsen för små tal: antal under {suppression.SMALL_CELL} personer döljs."
    )

    class Meta:
        model = MonthlySnapshot
        fields = [
            "id",
            "area",
            "national",
            "month",
            "version",
            "latest",
            "computed_at",
            "suppressed",
            "small_cell",
        ]

    def get_national(self, snapshot) -> bool:
        return snapshot.area_id is None

    @extend_schema_field(OpenApiTypes.STR)
    def get_month(self, snapshot):
        return f"{snapshot.month:%Y-%m}"

    def get_suppressed(self, snapshot) -> bool:
        return serializer_hides_small_cells(self)

    def get_small_cell(self, snapshot) -> int:
        return suppression.SMALL_CELL


class SnapshotSerializer(SnapshotListSerializer):
    """A snapshot with its figures, suppressed for roles without case access."""

    figures = serializers.SerializerMethodField(
        help_text="Månadens siffror som månadskörningen sparade dem, per del."
    )

    class Meta(SnapshotListSerializer.Meta):
        fields = [*SnapshotListSerializer.Meta.fields, "figures"]

    @extend_schema_field(SnapshotFiguresSerializer)
    def get_figures(self, snapshot):
        shown = figures_for(snapshot.figures, user=request_user(self))
        if serializer_hides_small_cells(self):
            # The status report's counts are tied to the caseload's open cases by sums that
            # the per-part suppression does not see (open = active + waiting + …); the
            # dashboard does not show it, and the live status report suppresses it alone.
            shown["status_report"] = None
        status = shown.get("status_report")
        if status and isinstance(status.get("areas"), dict):
            # The metric keys areas by id; the API speaks area codes (as the report API does).
            codes = self.context.get("area_codes") or {}
            status = {
                **status,
                "areas": {
                    codes.get(str(key), str(key)): rows for key, rows in status["areas"].items()
                },
            }
            if isinstance(status.get("offices"), dict):
                status["offices"] = {
                    kind: {codes.get(str(key), str(key)): block for key, block in by_area.items()}
                    for kind, by_area in status["offices"].items()
                }
            shown["status_report"] = status
        timeliness = shown.get("timeliness")
        if timeliness and isinstance(timeliness.get("areas"), dict):
            codes = self.context.get("area_codes") or {}
            areas = {codes.get(str(k), str(k)): row for k, row in timeliness["areas"].items()}
            shown["timeliness"] = {**timeliness, "areas": areas}
        return shown


# --- filter and viewset -----------------------------------------------------------------------


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


@extend_schema_view(
    list=extend_schema(
        summary="Månadsögonblicksbilder",
        description="Områdenas (och för nationella roller rikets) sparade månadssiffror, alla "
        "versioner (roller utan ärendeåtkomst: bara den senaste); `latest=true` ger bara den "
        "senaste versionen av varje månad. Listan visar "
        "inte siffrorna: hämta en ögonblicksbild (GET .../{id}/) för dem. Ögonblicksbilderna "
        "är oföränderliga: de skrivs bara av månadskörningen (Celery), aldrig via API:t.",
        responses={200: SnapshotListSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En månadsögonblicksbild",
        description="En sparad version av ett områdes (eller rikets) månadssiffror. Små tal "
        "är dolda för roller utan ärendeåtkomst, som på instrumentpanelen. Oföränderlig: ingen "
        "POST eller PATCH.",
        responses={200: SnapshotSerializer, **DETAIL_ERRORS},
    ),
)
class SnapshotViewSet(AggregateReadOnlyViewSet):
    """Månadsögonblicksbilder (SPEC §5): skrivs av månadskörningen, läses här."""

    object_type = "monthlysnapshot"
    purpose = "månadsögonblicksbild"
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter

    def visible(self, user):
        return snapshots_visible_to(user)

    def get_serializer_class(self):
        return SnapshotListSerializer if self.action == "list" else SnapshotSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list":
            return context
        # The status report keys areas by id; one query for the codes (about 70 areas).
        codes = Area.objects.values_list("pk", "code")
        context["area_codes"] = {str(pk): code for pk, code in codes}
        return context
