"""Request and response bodies of the follow-up resources (SPEC §5, §6): work plans, monthly
snapshots and deviation reports.

These hold area aggregates, never a person: no participant appears in them, and the staff who
created or keep them are left out too (a work plan's `created_by`, an action's `owner_user`).

Figures go through the same small-cell suppression as the pages that show them, for roles
without case access (SPEC §5, §7): a snapshot's parts through `reporting.suppression` exactly as
the dashboard does (`suppressed_figures`), a deviation report's months through the deviation
page's own table (`deviation_months`). Write bodies check types only; the rules (ranges, dates,
who may) are the services', whose errors come back as 400 with field names."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Area
from accounts.scoping import scope_for
from cases.api.filters import MAX_ID
from cases.api.serializers import CodeField, KnownFieldsMixin, VersionRequiredMixin
from reporting import suppression
from reporting.api import serializers as reports
from reporting.deviations import may_work_on
from reporting.models import DeviationAction, DeviationReport, MonthlySnapshot, WorkPlan
from reporting.secrecy import fk_dimensions_hidden, mapping_stats_without_fk_facts
from reporting.services import (
    FTE_MAX,
    GOAL_AVERAGE_DAYS_RANGE,
    GOAL_SHARE_RANGE,
    MONTHLY_INFLOW_MAX,
    TOLERANCE_RANGE,
    YEAR_RANGE,
    may_edit_work_plans,
)
from samverkan.api import VersionField


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


def _hides_small_cells(serializer) -> bool:
    """Roles without case access see suppressed figures (as on the dashboard and the report API);
    without a request (never in the API) the figures are hidden too: the safe side."""
    user = _user(serializer)
    return user is None or not scope_for(user).case_access


AREA_HELP = "Samverkansområdets kod."


# --- work plans -----------------------------------------------------------------------------


def work_plan_areas(user):
    """The areas whose work plans `user` keeps (reporting.services.may_edit_work_plans: the
    area's coordinators)."""
    areas = Area.objects.filter(pk__in=scope_for(user).area_ids, is_active=True).order_by("code")
    return [area for area in areas if may_edit_work_plans(user, area)]


class WorkPlanSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=AREA_HELP)
    area_name = serializers.CharField(
        source="area.name", read_only=True, help_text="Samverkansområdets namn."
    )
    planned_inflow = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Planerat antal nya deltagare per månad, januari först (tolv tal).",
    )
    planned_inflow_total = serializers.SerializerMethodField(
        help_text="Planerat inflöde för hela året (summan av månaderna)."
    )
    may_edit = serializers.SerializerMethodField(
        help_text="Sant när den som frågar får ändra planen (områdets samordnare)."
    )

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "version",
            "area",
            "area_name",
            "year",
            "planned_inflow",
            "planned_inflow_total",
            "goal_share_percent",
            "goal_average_days",
            "planned_af_fte",
            "planned_fk_fte",
            "deviation_tolerance_percent",
            "may_edit",
            "created_at",
            "updated_at",
        ]

    def get_planned_inflow_total(self, plan) -> int:
        return sum(plan.planned_inflow)

    def get_may_edit(self, plan) -> bool:
        user = _user(self)
        return user is not None and may_edit_work_plans(user, plan.area)


class _PlanFigures(serializers.Serializer):
    """The plan's figures in a request body. Types only: the ranges are work_plan_save's, which
    answers every mistake at once with the field's name."""

    planned_inflow = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Planerat antal nya deltagare per månad, januari först: tolv hela tal "
        f"0–{MONTHLY_INFLOW_MAX}.",
    )
    goal_share_percent = serializers.IntegerField(
        required=False,
        help_text="Mål för andelen i arbete eller utbildning dag 365, hela procent "
        f"{GOAL_SHARE_RANGE[0]}–{GOAL_SHARE_RANGE[1]}.",
    )
    goal_average_days = serializers.IntegerField(
        required=False,
        help_text="Mål för genomsnittlig tid i samverkan, dagar "
        f"{GOAL_AVERAGE_DAYS_RANGE[0]}–{GOAL_AVERAGE_DAYS_RANGE[1]}.",
    )
    planned_af_fte = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        required=False,
        help_text=f"Planerad bemanning AF i årsarbetskrafter, 0–{FTE_MAX}, högst en decimal.",
    )
    planned_fk_fte = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        required=False,
        help_text=f"Planerad bemanning FK i årsarbetskrafter, 0–{FTE_MAX}, högst en decimal.",
    )
    deviation_tolerance_percent = serializers.IntegerField(
        required=False,
        help_text="Avvikelse: hur många procent under plan inflödet får ligga, "
        f"{TOLERANCE_RANGE[0]}–{TOLERANCE_RANGE[1]}.",
    )


@extend_schema_field(OpenApiTypes.STR)
class WorkPlanAreaField(CodeField):
    """An area whose plans the caller keeps, by code. Another area's code gets the same message
    as an unknown one, so a 400 never tells which areas exist."""

    default_error_messages = {
        "does_not_exist": gettext_lazy(
            "Okänt samverkansområde, eller ett område vars arbetsplan du inte upprättar."
        ),
        "invalid": gettext_lazy("Ange samverkansområdets kod."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("help_text", "Samverkansområdets kod; ett område där du är samordnare.")
        super().__init__(**kwargs)

    def get_queryset(self):
        user = _user(self)
        ids = [area.pk for area in work_plan_areas(user)] if user is not None else []
        return Area.objects.filter(pk__in=ids)


class WorkPlanUpdateSerializer(KnownFieldsMixin, VersionRequiredMixin, _PlanFigures):
    """PATCH: the plan's figures (area and year identify the plan and never change). Fields left
    out keep their value."""

    version = VersionField()


class WorkPlanCreateSerializer(KnownFieldsMixin, _PlanFigures):
    """POST: a new plan for one of the caller's areas and a year. Goals and tolerance left out
    are taken from the rule set in force on 1 January of the year, the months are 0."""

    area = WorkPlanAreaField()
    year = serializers.IntegerField(
        help_text=f"Året planen gäller, {YEAR_RANGE[0]}–{YEAR_RANGE[1]}."
    )


# --- monthly snapshots ----------------------------------------------------------------------

# The parts of a snapshot (reporting.metrics.month_figures) and the suppression kind of each:
# the dashboard suppresses inflow, outcomes, average_days and caseload this way
# (reporting.views.dashboard.dashboard_load); the API shows every part, so all six are listed.
SNAPSHOT_PARTS = {
    "outcomes": "outcomes",
    "average_days": "average_days",
    "mapping_stats": "mappings",
    "inflow": "inflow",
    "status_report": "status",
    "caseload": "caseload",
}


def suppressed_figures(figures: dict, *, hide: bool) -> dict:
    """The snapshot's parts as the reader may see them. With `hide`, each part goes through
    reporting.suppression.suppress_report (looked up when called, as the report API does), and
    a part the API does not know is left out rather than shown unsuppressed."""
    shown = {}
    for name, kind in SNAPSHOT_PARTS.items():
        data = figures.get(name)
        if data is not None and hide:
            data = suppression.suppress_report(kind, data)
        shown[name] = data
    return shown


class CaseloadSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="Dagen som ärendebeståndet avser (månadens sista).")
    open_cases = reports._count(help_text="Öppna ärenden den dagen.")
    norm_fk = serializers.IntegerField(help_text="Norm: ärenden per heltidsanställd på FK.")
    norm_af = serializers.IntegerField(help_text="Norm: ärenden per heltidsanställd på AF.")
    fk = serializers.DictField(
        child=reports._count(), help_text="Öppna ärenden per FK-handläggare (användar-id)."
    )
    af = serializers.DictField(
        child=reports._count(), help_text="Öppna ärenden per arbetsförmedlare (användar-id)."
    )
    without_fk_officer = reports._count(help_text="Öppna ärenden utan FK-handläggare.")
    without_af_officer = reports._count(help_text="Öppna ärenden utan arbetsförmedlare.")


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
        return _hides_small_cells(self)

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
        hide = _hides_small_cells(self)
        shown = suppressed_figures(snapshot.figures, hide=hide)
        user = _user(self)
        if user is not None and fk_dimensions_hidden(user):
            shown["mapping_stats"] = mapping_stats_without_fk_facts(shown.get("mapping_stats"))
        if hide:
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
            shown["status_report"] = status
        return shown


# --- deviation reports ----------------------------------------------------------------------


def _shown_count(cell):
    """A count the deviation page shows as a number; anything else (its "<5 (dolt)") is hidden."""
    return cell if isinstance(cell, int) and not isinstance(cell, bool) else None


def deviation_months(report: DeviationReport, *, hide: bool) -> list[dict]:
    """The report's months with the counts the deviation page shows for the same reader.

    The page's own table (reporting.views.deviations._figure_table) decides what is hidden, so
    the API cannot hide less than the page: a cell it does not print as a number is null here.
    The plan, tolerance and goal are not counts of people and are shown as stored."""
    from reporting.views.deviations import _figure_table

    rows = _figure_table(report, hide_small=hide)["rows"]
    inflow = report.kind == DeviationReport.Kind.INFLOW_BELOW_PLAN
    months = []
    for stored, row in zip(report.figures.get("months", []), rows, strict=False):
        month = dict.fromkeys(DeviationMonthSerializer._declared_fields)
        month["month"] = stored.get("month")
        if inflow:
            month["actual"] = _shown_count(row[1])
            month["planned"] = stored.get("planned")
            month["tolerance_percent"] = stored.get("tolerance_percent")
        else:
            month["in_work_or_education"] = _shown_count(row[1])
            month["measured"] = _shown_count(row[2])
            both = month["in_work_or_education"] is not None and month["measured"] is not None
            month["share"] = row[3] if both else None
            month["goal_percent"] = stored.get("goal_percent")
        months.append(month)
    return months


def _int(help_text):
    return serializers.IntegerField(allow_null=True, help_text=help_text)


class DeviationMonthSerializer(serializers.Serializer):
    """One month of the deviating run. An inflow report fills `actual`, `planned` and
    `tolerance_percent`; a day-365 report `in_work_or_education`, `measured`, `share` and
    `goal_percent`; the others are null."""

    month = serializers.CharField(help_text="Månaden, ÅÅÅÅ-MM.")
    actual = _int("Inflöde: nya deltagare under månaden (null om dolt eller ej inflöde).")
    planned = _int("Inflöde: planerat enligt arbetsplanen.")
    tolerance_percent = _int("Inflöde: arbetsplanens tolerans under plan, procent.")
    in_work_or_education = _int("Dag 365: antal i arbete eller utbildning (null om dolt).")
    measured = _int("Dag 365: antal mätta (null om dolt).")
    share = serializers.CharField(
        allow_null=True,
        help_text="Dag 365: andelen som i de publicerade tabellerna; null om ett av talen är dolt.",
    )
    goal_percent = _int("Dag 365: arbetsplanens mål, procent.")


class DeviationActionSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField(
        help_text="Sant när åtgärden inte är klar och sista dagen har passerat."
    )

    class Meta:
        model = DeviationAction
        fields = [
            "id",
            "version",
            "description",
            "owner",
            "due_on",
            "done_on",
            "follow_up",
            "overdue",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, action) -> bool:
        return action.is_overdue(timezone.localdate())


class DeviationReportSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=AREA_HELP)
    area_name = serializers.CharField(
        source="area.name", read_only=True, help_text="Samverkansområdets namn."
    )
    months = serializers.SerializerMethodField(
        help_text="De avvikande månaderna med siffrorna, som på rapportens sida."
    )
    suppressed = serializers.SerializerMethodField(
        help_text="Sant när små tal är dolda (roller utan ärendeåtkomst); dolda värden är null."
    )
    small_cell = serializers.SerializerMethodField(
        help_text=f"Gränsen för små tal: antal under {suppression.SMALL_CELL} personer döljs."
    )
    actions = DeviationActionSerializer(
        many=True, read_only=True, help_text="Beslutade åtgärder, först den som ska vara klar."
    )
    may_work_on = serializers.SerializerMethodField(
        help_text="Sant när den som frågar får arbeta med rapporten (områdets ledningsgrupp "
        "och samordnare) och den inte är stängd."
    )

    class Meta:
        model = DeviationReport
        fields = [
            "id",
            "version",
            "area",
            "area_name",
            "kind",
            "status",
            "run_start",
            "opened_for",
            "months",
            "suppressed",
            "small_cell",
            "analysis",
            "dialogue_on",
            "dialogue_with",
            "closed_on",
            "actions",
            "may_work_on",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "kind": {
                "help_text": "Vad som avviker: inflödet under plan, eller andelen i "
                "arbete eller utbildning dag 365 under målet."
            },
            "status": {"help_text": "Öppen, i dialog (dialogen registrerad) eller stängd."},
            "analysis": {"help_text": "Analysen: varför utvecklingen avviker från planen."},
            "dialogue_on": {"help_text": "Dagen dialogen hölls, null innan den registrerats."},
            "dialogue_with": {"help_text": "Vilka som deltog i dialogen."},
            "run_start": {"help_text": "Första avvikande månaden (dess första dag)."},
            "opened_for": {"help_text": "Månaden efter vilken rapporten öppnades (första dag)."},
            "closed_on": {"help_text": "Dagen rapporten stängdes."},
        }

    @extend_schema_field(DeviationMonthSerializer(many=True))
    def get_months(self, report):
        return deviation_months(report, hide=_hides_small_cells(self))

    def get_suppressed(self, report) -> bool:
        return _hides_small_cells(self)

    def get_small_cell(self, report) -> int:
        return suppression.SMALL_CELL

    def get_may_work_on(self, report) -> bool:
        user = _user(self)
        is_open = report.status != DeviationReport.Status.CLOSED
        return user is not None and is_open and may_work_on(user, report)


class DeviationUpdateSerializer(KnownFieldsMixin, VersionRequiredMixin, serializers.Serializer):
    """PATCH: the analysis and the dialogue held (reporting.deviations.deviation_update). A
    recorded dialogue moves an open report to "in dialogue"; closing is POST .../close/."""

    version = VersionField()
    analysis = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Varför avviker utvecklingen från arbetsplanen?",
    )
    dialogue_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Dagen dialogen hölls (ÅÅÅÅ-MM-DD); inte i framtiden, inte före den "
        "avvikande månaden.",
    )
    dialogue_with = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=DeviationReport._meta.get_field("dialogue_with").max_length,
        trim_whitespace=False,
        help_text="Vilka som deltog i dialogen; krävs när dialogen är registrerad.",
    )


class DeviationActionCreateSerializer(KnownFieldsMixin, serializers.Serializer):
    """POST .../actions/: an agreed action (reporting.deviations.deviation_action_add)."""

    description = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Vad som ska göras."
    )
    owner = serializers.CharField(
        allow_blank=True,
        max_length=DeviationAction._meta.get_field("owner").max_length,
        trim_whitespace=False,
        help_text="Vem som ansvarar (fritext: en person, en grupp eller en organisation).",
    )
    due_on = serializers.DateField(help_text="När åtgärden ska vara klar (ÅÅÅÅ-MM-DD).")


class DeviationActionDoneSerializer(KnownFieldsMixin, serializers.Serializer):
    """POST .../action-done/: one of the report's actions is done
    (reporting.deviations.deviation_action_done)."""

    action = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Åtgärdens id (en av rapportens åtgärder)."
    )
    version = VersionField(
        help_text="Åtgärdens version (fältet version i åtgärden, i rapportens GET). Har någon "
        "sparat sedan dess svarar API:t 409 och inget sparas."
    )
    done_on = serializers.DateField(help_text="Dagen åtgärden blev klar; inte i framtiden.")
    follow_up = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Hur blev det? Vad visade uppföljningen?",
    )


class DeviationCloseSerializer(KnownFieldsMixin, serializers.Serializer):
    """POST .../close/: close the report (reporting.deviations.deviation_close), which needs the
    analysis, the dialogue and at least one action, every one done."""

    version = VersionField()
