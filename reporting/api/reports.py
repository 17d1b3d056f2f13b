"""The report endpoints (SPEC §5 "Reports", §6): each computes its metric live from
reporting.metrics for the period and areas asked for, so a freshly loaded population is reported
at once (the monthly snapshots are the published record; this is the working view).

What each report computes, which areas a request sums, the figures as the reader may see them
and the access-log entry are reporting.computed's, shared with the report pages; a role without
statistics is refused by the statistics endpoints' base (reporting.api.base) and the period is
parsed by reporting.api.params. JSON or, with `?format=csv`, CSV (reporting.api.report_csv)."""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.models import Area
from reporting import computed, suppression
from reporting.computed import Period, ReportAreas

from . import report_serializers as s
from .base import AggregateEndpoint
from .params import period_from_query
from .report_csv import ReportCSVRenderer
from .schema import report_schema

# --- the base ---------------------------------------------------------------------------------


class ReportView(AggregateEndpoint, APIView):
    """One report: `report` names it (reporting.computed); everything around it is shared."""

    report: str = ""
    allow_day = False
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, ReportCSVRenderer]

    def compute(self, period: Period, areas: ReportAreas, **filters) -> dict:
        return computed.COMPUTE[self.report](period, areas, **filters)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (400, 401, 403, 404) are JSON even when CSV was asked for: a CSV table of an
        # error message would be read as an empty report.
        # OPTIONS answers with the view's description, not a report: JSON too (CSV of it was a
        # server error, found by the API fuzzing test).
        renderer = getattr(request, "accepted_renderer", None)
        not_a_report = response.status_code >= 400 or request.method == "OPTIONS"
        if not_a_report and getattr(renderer, "format", None) == "csv":
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def get(self, request):
        # Order of refusals: no statistics at all (403, AggregateEndpoint.initial), then the
        # parameters (400), then the areas and the region (404, logged; a region without active
        # areas 400): nothing is computed for a request that will be refused.
        period = period_from_query(request.query_params, allow_day=self.allow_day)
        filters = self.filters(request)
        areas = computed.report_areas(
            request=request,
            allowed=self.allowed_areas,
            codes=(request.query_params.get("area") or "").split(","),
            report=self.report,
            region=request.query_params.get("region") or "",
        )
        data = computed.report_figures(
            user=request.user,
            report=self.report,
            period=period,
            areas=areas,
            compute=self.compute,
            filters=filters,
        )
        data = self.finish(data)
        as_csv = getattr(request.accepted_renderer, "format", None) == "csv"
        computed.log_report_read(
            request=request,
            report=self.report,
            period=period,
            areas=areas,
            as_file="CSV" if as_csv else "",
            filters=filters,
        )
        response = Response(self.envelope(period, areas, self.hide_small_cells, data))
        if as_csv:
            name = self.filename(period, areas)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def filters(self, request) -> dict:
        """The report's own parameters besides the period and the areas (none but the
        mappings' benefit)."""
        return {}

    def finish(self, data: dict) -> dict:
        """The data after suppression, as answered."""
        return data

    def envelope(self, period: Period, areas: ReportAreas, suppressed: bool, data: dict) -> dict:
        models = computed.registration_models(period, areas)
        return {
            "report": self.report,
            "from": f"{period.first:%Y-%m}" if period.first else None,
            "to": f"{period.last:%Y-%m}" if period.last else None,
            "area": areas.area.code if areas.area else None,
            "region": areas.region.code if areas.region else None,
            "areas": areas.codes,
            "national": areas.national,
            "suppressed": suppressed,
            "small_cell": suppression.SMALL_CELL,
            # The registration models of the period's cases (cases.registration): two mean the
            # period mixes the 2008 and the 2010 moment of registration.
            "registration_models": models,
            "registration_mixed": len(models) > 1,
            "data": data,
        }

    def filename(self, period: Period, areas: ReportAreas) -> str:
        if period.day:
            when = period.day.isoformat()
        elif period.first == period.last:
            when = f"{period.first:%Y-%m}"
        else:
            when = f"{period.first:%Y-%m}_{period.last:%Y-%m}"
        return f"samverkan-{self.report.replace('_', '-')}-{when}-{areas.file_place()}.csv"


OUTCOMES_CSV = (
    "Kolumner: dimension;dimension_label;level;level_label;category;category_label;count;share. "
    "En rad per dimension, nivå och kategori; radens total först som kategori `total`."
)


@report_schema(
    report="outcomes",
    summary="Status dag 365",
    description="Utfallet dag 365 för dem som började i samverkan tolv månader före varje "
    "månad i perioden (reporting.metrics.outcomes): antal per kategori, radens total och "
    "andelen som i de publicerade tabellerna, per bakgrundsvariabel och målgrupp.",
    serializer=s.OutcomesReportSerializer,
    csv=OUTCOMES_CSV,
)
class OutcomesReportView(ReportView):
    report = "outcomes"


AVERAGE_DAYS_CSV = (
    "Kolumner: dimension;dimension_label;level;level_label;group;group_label;count;days_total;"
    "mean_days. En rad per dimension, nivå och grupp (all, work_or_education)."
)


@report_schema(
    report="average_days",
    summary="Genomsnittlig tid i samverkan",
    description="Medeltalet dagar (slut − start) för dem vars ärende avslutades under "
    "perioden, för alla och för dem som gick till arbete eller utbildning, per kön och "
    "målgrupp (reporting.metrics.average_days).",
    serializer=s.AverageDaysReportSerializer,
    csv=AVERAGE_DAYS_CSV,
)
class AverageDaysReportView(ReportView):
    report = "average_days"


MAPPINGS_CSV = (
    "Kolumner: dimension;dimension_label;level;level_label;count;share. En rad per dimension "
    "och nivå; sist ersättning korsad med initierande myndighet (dimension "
    "`benefit_initiated_by`, nivå `ersättning:myndighet`, ingen andel)."
)


@report_schema(
    report="mappings",
    summary="Gemensamma kartläggningar",
    description="Kartläggningar vars första möte hölls under perioden, som Tabell 1: per kön, "
    "ålder, tid i sjukfallet, ersättning och initierande myndighet, och ersättning korsad med "
    "initierande myndighet (`crossed`). En kartläggning vars tid i sjukfallet är okänd (ingen "
    "sjukskrivning registrerad, eller den började efter mötet) räknas i totalen och som "
    "`unknown` bland tiderna. Med `benefit` bara den ersättningen, som Tabell 1 (sjukpenning) "
    "(reporting.metrics.mapping_stats).",
    serializer=s.MappingsReportSerializer,
    csv=MAPPINGS_CSV,
    benefit=True,
)
class MappingsReportView(ReportView):
    report = "mappings"

    def filters(self, request):
        value = request.query_params.get("benefit")
        return {"benefit": computed.benefit_asked(user=request.user, value=value)}


INFLOW_CSV = (
    "Kolumner: section;month;dimension;dimension_label;level;level_label;target_group;"
    "target_group_label;count;share;young;young_share. Avsnittet `months`: per månad (och "
    "`period`) och kön (all, K, M) antal, unga och ungas andel. Avsnittet `target_groups` "
    "(hela perioden, som Tabell 2): per dimension, nivå och målgrupp (radens total först som "
    "`total`) antal och andel. Kolumner som inte hör till avsnittet är tomma."
)


@report_schema(
    report="inflow",
    summary="Inflöde av nya deltagare",
    description="Nya deltagare per månad, unga och kön sida vid sida, och per målgrupp och "
    "bakgrundsvariabel som Tabell 2 (reporting.metrics.inflow).",
    serializer=s.InflowReportSerializer,
    csv=INFLOW_CSV,
)
class InflowReportView(ReportView):
    report = "inflow"


STATUS_CSV = (
    "Kolumner: area;sex;sex_label;state;state_label;occupation;occupation_label;count;"
    "office_kind;office. En rad per område (`total` för summan, sedan varje områdeskod), kön "
    "(all, K, M) och tillstånd; efter `ended` en rad per sysselsättning efteråt. Sedan samma "
    "rader per kontor: office_kind LFC (Försäkringskassans lokala försäkringscenter) eller AMO "
    "(Arbetsförmedlingens arbetsmarknadsområde), office kontorets kod eller `unknown`, area "
    "kontorets område. Områdesraderna har tomma office_kind och office."
)


@report_schema(
    report="status",
    summary="Statusrapport",
    description="Hur många som är i kartläggning, i aktiva insatser, väntar och har avslutats "
    "(med sysselsättning efteråt), per område, kontor och kön, som SUS standardrapport. För en "
    "period gäller tillstånden periodens sista dag och de avslutade hela perioden "
    "(reporting.metrics.status_report_period); med `day` den dagen "
    "(reporting.metrics.status_report).",
    serializer=s.StatusReportSerializer,
    csv=STATUS_CSV,
    day=True,
)
class StatusReportView(ReportView):
    report = "status"
    allow_day = True

    def finish(self, data):
        # The metric keys areas by id; the API speaks area codes.
        offices = data.get("offices", {})
        keys = set(data["areas"]) | {key for by_area in offices.values() for key in by_area}
        codes = dict(
            Area.objects.filter(pk__in=[int(key) for key in keys]).values_list("pk", "code")
        )
        return {
            **data,
            "areas": {codes[int(key)]: rows for key, rows in data["areas"].items()},
            "offices": {
                kind: {codes[int(key)]: block for key, block in by_area.items()}
                for kind, by_area in offices.items()
            },
        }

    def envelope(self, period, areas, suppressed, data):
        envelope = super().envelope(period, areas, suppressed, data)
        envelope["day"] = period.day.isoformat() if period.day else None
        return envelope
