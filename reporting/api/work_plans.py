"""The work plans in the API (SPEC §5 "Work plan", §6): /api/v1/work-plans/. Read by everyone who
sees the area's statistics; created and changed by the area's coordinators through
reporting.services.work_plan_save, whose errors come back as 400 with field names. Scoping,
logging and the order of refusals are the statistics endpoints' (reporting.api.base).

A plan holds no person: the coordinator who created it (`created_by`) is left out too. Write
bodies check types only; the ranges are the service's."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import Area
from cases.api.serializers import CodeField, KnownFieldsMixin, VersionRequiredMixin
from reporting.models import WorkPlan
from reporting.services import (
    FTE_MAX,
    GOAL_AVERAGE_DAYS_RANGE,
    GOAL_SHARE_RANGE,
    MONTHLY_INFLOW_MAX,
    TOLERANCE_RANGE,
    YEAR_RANGE,
    may_decide_work_plans,
    may_edit_work_plans,
    may_submit_work_plan,
    work_plan_areas,
    work_plan_decide,
    work_plan_save,
    work_plan_submit,
)
from samverkan.api import ScopedFilterSet, VersionField
from samverkan.services import AccessContext

from .base import AggregateViewSet, request_user
from .params import YearFilter
from .schema import ACTION_ERRORS, CREATE_ERRORS, DETAIL_ERRORS, LIST_ERRORS, UPDATE_ERRORS

AREA_HELP = "Samverkansområdets kod."


# --- bodies ---------------------------------------------------------------------------------


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
    status = serializers.ChoiceField(
        choices=WorkPlan.Status.choices,
        read_only=True,
        help_text="draft (utkast), submitted (inskickad till nationella samverkansgruppen), "
        "approved (godkänd) eller returned (returnerad med kommentarer).",
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
            "planned_inflow_by_group",
            "prioritisation_follow_up",
            "status",
            "submitted_at",
            "decided_at",
            "decision_comment",
            "may_edit",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "submitted_at", "decided_at", "decision_comment"]

    def get_planned_inflow_total(self, plan) -> int:
        return sum(plan.planned_inflow)

    def get_may_edit(self, plan) -> bool:
        user = request_user(self)
        return user is not None and plan.is_open_for_edit and may_edit_work_plans(user, plan.area)


class PlanFiguresSerializer(serializers.Serializer):
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
    planned_inflow_by_group = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Årets planerade inflöde per målgrupp: målgruppens kod och antal. Summan ska "
        "vara årets planerade inflöde när planen skickas in.",
    )
    prioritisation_follow_up = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Hur området säkerställer prioritering och uppföljning (fritext).",
    )


class WorkPlanSubmitSerializer(serializers.Serializer):
    version = VersionField()


class WorkPlanDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(
        help_text="Sant: planen godkänns. Falskt: planen returneras till området."
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Kommentar till området; krävs när planen returneras.",
    )
    version = VersionField()


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
        user = request_user(self)
        ids = [area.pk for area in work_plan_areas(user)] if user is not None else []
        return Area.objects.filter(pk__in=ids)


class WorkPlanUpdateSerializer(KnownFieldsMixin, VersionRequiredMixin, PlanFiguresSerializer):
    """PATCH: the plan's figures (area and year identify the plan and never change). Fields left
    out keep their value."""

    version = VersionField()


class WorkPlanCreateSerializer(KnownFieldsMixin, PlanFiguresSerializer):
    """POST: a new plan for one of the caller's areas and a year. Goals and tolerance left out
    are taken from the rule set in force on 1 January of the year, the months are 0."""

    area = WorkPlanAreaField()
    year = serializers.IntegerField(
        help_text=f"Året planen gäller, {YEAR_RANGE[0]}–{YEAR_RANGE[1]}."
    )


# --- filter and viewset -----------------------------------------------------------------------


class WorkPlanFilter(ScopedFilterSet):
    year = YearFilter(min_value=1, max_value=9999, label="Året planen gäller (planens period).")

    class Meta:
        model = WorkPlan
        fields = ["area", "year"]


@extend_schema_view(
    list=extend_schema(
        summary="Arbetsplaner",
        description="Områdenas arbetsplaner per år, för alla som ser områdets statistik.",
        responses={200: WorkPlanSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En arbetsplan", responses={200: WorkPlanSerializer, **DETAIL_ERRORS}
    ),
    create=extend_schema(
        summary="Upprätta en arbetsplan",
        description="Områdets samordnare upprättar planen för ett år "
        "(reporting.services.work_plan_save). Finns planen redan svarar API:t 400 på `year` "
        "(ändra den med PATCH); skapar någon annan samma plan samtidigt svarar det 409. Ett "
        "område som du inte är samordnare för ger 400 på `area`, samma svar som en okänd kod.",
        request=WorkPlanCreateSerializer,
        responses={201: WorkPlanSerializer, **CREATE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Ändra en arbetsplan",
        description="Områdets samordnare ändrar planens siffror; `version` krävs.",
        request=WorkPlanUpdateSerializer,
        responses={200: WorkPlanSerializer, **UPDATE_ERRORS},
    ),
)
class WorkPlanViewSet(AggregateViewSet):
    """Arbetsplaner (SPEC §5). Läses av alla som ser områdets statistik; upprättas och ändras
    av områdets samordnare."""

    object_type = "workplan"
    purpose = "arbetsplan"
    serializer_class = WorkPlanSerializer
    write_serializer_class = WorkPlanCreateSerializer
    update_serializer_class = WorkPlanUpdateSerializer
    filterset_class = WorkPlanFilter
    write_denied_message = gettext_lazy("Arbetsplanen upprättas och ändras av områdets samordnare.")

    def visible(self, user):
        return WorkPlan.objects.visible_to(user).select_related("area")

    def may_write(self, user) -> bool:
        return work_plan_areas(user).exists()

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
            area=area,
            year=year,
            data=data,
            expected_version=0,
            context=AccessContext.from_request(self.request),
        )

    def update_object(self, obj, data, *, expected_version):
        return work_plan_save(
            area=obj.area,
            year=obj.year,
            data=data,
            expected_version=expected_version,
            context=AccessContext.from_request(self.request),
        )

    def get_serializer_class(self):
        extra = {"submit": WorkPlanSubmitSerializer, "decide": WorkPlanDecisionSerializer}
        return extra.get(self.action) or super().get_serializer_class()

    def _validated(self, request, may):
        """The plan (404 outside the reader's scope), then the role (403), then the body."""
        plan = self.get_object()
        if not may(request.user, plan):
            raise PermissionDenied(self.write_denied_message)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return plan, dict(serializer.validated_data)

    @extend_schema(
        summary="Skicka in arbetsplanen",
        description="Områdets ledningsgrupp eller samordnare skickar planen till nationella "
        "samverkansgruppen (reporting.services.work_plan_submit): utkast eller returnerad → "
        "inskickad. Kräver texten om prioritering och uppföljning och ett inflöde per "
        "målgrupp som summerar till årets månader; annars 400 med skälen.",
        request=WorkPlanSubmitSerializer,
        responses={200: WorkPlanSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="submit", url_name="submit")
    def submit(self, request, pk=None):
        plan, data = self._validated(
            request, lambda user, plan: may_submit_work_plan(user, plan.area)
        )
        saved = work_plan_submit(
            plan=plan, expected_version=data["version"], context=AccessContext.from_request(request)
        )
        return Response(self.output(self.visible(request.user).get(pk=saved.pk)))

    @extend_schema(
        summary="Godkänn eller returnera arbetsplanen",
        description="Nationella samverkansgruppen (rollflaggan national_steering) godkänner en "
        "inskickad plan eller returnerar den med kommentarer (reporting.services."
        "work_plan_decide). Andra roller får 403.",
        request=WorkPlanDecisionSerializer,
        responses={200: WorkPlanSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="decide", url_name="decide")
    def decide(self, request, pk=None):
        plan, data = self._validated(request, lambda user, plan: may_decide_work_plans(user))
        saved = work_plan_decide(
            plan=plan,
            expected_version=data["version"],
            approve=data["approve"],
            comment=data["comment"],
            context=AccessContext.from_request(request),
        )
        return Response(self.output(self.visible(request.user).get(pk=saved.pk)))
