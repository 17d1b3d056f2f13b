"""`/api/v1/plans/`: the individual plan of a case (SPEC §4), one row per saved version, as the
case page's plan form saves it (mapping.views.plans.plan_create → mapping.services.plan_save).

Every save is a new version and earlier versions are never changed, so the resource has no PATCH:
to change the plan, POST the whole plan again with the version read (0: none yet); the latest
version is the plan in force, and one saved meanwhile by someone else is a 409 (SPEC §7)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from cases.models import Phase, TargetGroup
from samverkan.api import (
    CREATE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    REASON,
    AreaCodeFilter,
    ScopedFilterSet,
    with_period,
)
from samverkan.forms import MAX_VERSION

from .. import services
from ..models import PlanVersion
from .common import (
    IdFilter,
    PersonRecordViewSet,
    ScopedIdField,
    WriteSerializer,
    cases_in_scope,
)


class PlanVersionSerializer(serializers.ModelSerializer):
    """En sparad version av ett ärendes individuella plan. Versioner ändras aldrig."""

    person = serializers.IntegerField(
        source="case.person_id", read_only=True, help_text="Deltagarens id."
    )

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "case",
            "person",
            "version",
            "goal",
            "activities",
            "start_date",
            "end_date",
            "created_by",
            "created_at",
        ]
        extra_kwargs = {
            "case": {"help_text": "Ärendets id."},
            "version": {
                "help_text": "Planens versionsnummer i ärendet (1, 2, …): varje sparande ger "
                "en ny version, och den högsta är planen som gäller."
            },
            "goal": {"help_text": "Planens mål."},
            "activities": {"help_text": "Planerade aktiviteter."},
            "start_date": {"help_text": "Planen gäller från, eller null."},
            "end_date": {"help_text": "Planen gäller till, eller null."},
            "created_by": {"help_text": "Användar-id för den som skrev versionen."},
            "created_at": {"help_text": "När versionen sparades."},
        }


class PlanCreateSerializer(WriteSerializer):
    """Hela planen (POST), sparad som ärendets nästa version (bara i ett öppet ärende), med
    versionen som hämtades."""

    case = ScopedIdField(scope=cases_in_scope, help_text="Ärendets id.")
    goal = serializers.CharField(help_text="Planens mål.")
    activities = serializers.CharField(help_text="Planerade aktiviteter.")
    start_date = serializers.DateField(
        required=False, allow_null=True, help_text="Planen gäller från (ÅÅÅÅ-MM-DD)."
    )
    end_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Planen gäller till (ÅÅÅÅ-MM-DD), inte före från-datumet.",
    )
    version = serializers.IntegerField(
        min_value=0,
        max_value=MAX_VERSION,
        help_text="Planens version som hämtades (högsta version i GET, 0 om ärendet inte hade "
        "någon plan). Har någon sparat en ny version sedan dess svarar API:t 409 och inget sparas.",
    )


@with_period("created_at__date", "Versionen sparad")
class PlanFilter(ScopedFilterSet):
    area = AreaCodeFilter(field_name="case__area__code")
    case = IdFilter(field_name="case", label="Ärendets id")
    phase = django_filters.ChoiceFilter(
        field_name="case__phase", choices=Phase.choices, label="Ärendets fas"
    )
    target_group = django_filters.ChoiceFilter(
        field_name="case__target_group", choices=TargetGroup.choices, label="Ärendets målgrupp"
    )

    class Meta:
        model = PlanVersion
        fields = ["area", "case", "phase", "target_group"]


@extend_schema_view(
    list=extend_schema(
        summary="Individuella planer (alla versioner)",
        responses={200: PlanVersionSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En version av en individuell plan",
        parameters=[REASON],
        responses={200: PlanVersionSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Spara en ny version av ärendets plan",
        description="Varje sparande blir en ny version; tidigare versioner ändras aldrig, så "
        "det finns ingen PATCH. En individuell plan krävs före introduktion och prövning.",
        parameters=[REASON],
        request=PlanCreateSerializer,
        responses={201: PlanVersionSerializer, **CREATE_ERRORS},
    ),
)
class PlanVersionViewSet(PersonRecordViewSet):
    """Individuella planer för ärenden i användarens samverkansområden, en post per sparad
    version (nyaste först inom ärendet). Planer ändras inte: en ny version sparas med POST.
    Listan visar planerna för personerna i det egna och teamets ärendebestånd (hela området
    för samordnare); en annan person i området nås en i taget med skäl (X-Access-Reason)."""

    object_type = "planversion"
    # Versions are never changed (SPEC §4: versioned; the rows are the plan's history).
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = PlanVersionSerializer
    write_serializer_class = PlanCreateSerializer
    filterset_class = PlanFilter

    def scoped_queryset(self, user):
        return PlanVersion.objects.visible_to(user).select_related("case", "case__person")

    def list_queryset(self, user):
        return self.caseload_filter(self.scoped_queryset(user), user, "case__person")

    def person_of(self, obj):
        return obj.case.person

    def create_object(self, data):
        case = data.pop("case")
        self.open_person(obj=case, person=case.person)
        return services.plan_save(
            case=case,
            expected_version=data.pop("version"),
            context=self.access_context(),
            **data,
        )
