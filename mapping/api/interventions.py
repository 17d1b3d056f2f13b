"""`/api/v1/interventions/`: interventions on a case (SPEC §4), as the intervention pages
register, change, start, move and end them (mapping.views.interventions).

Start, end and the move from a work-preparatory to a work-oriented intervention are actions of
their own, as on the pages: they move the case's phase (mapping.services.interventions), which a
PATCH of dates could not do safely."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.models import Phase, TargetGroup
from samverkan.api import (
    CREATE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    REASON,
    UPDATE_ERRORS,
    AreaCodeFilter,
    ScopedFilterSet,
    with_period,
)
from samverkan.services import AccessContext

from .. import services
from ..models import Category, Intervention, State
from ..selectors import intervention_list_visible_to
from .common import (
    IdFilter,
    PersonRecordViewSet,
)
from .intervention_requests import (
    InterventionCreateSerializer,
    InterventionEndSerializer,
    InterventionMoveSerializer,
    InterventionStartSerializer,
    InterventionUpdateSerializer,
)

STATE_HELP = (
    "Läget i dag: planned (planerad, deltagaren väntar på den), active (pågår) eller ended "
    "(avslutad)."
)

# --- responses --------------------------------------------------------------------------------


class InterventionSerializer(serializers.ModelSerializer):
    """En insats i ett ärende."""

    person = serializers.IntegerField(
        source="case.person_id", read_only=True, help_text="Deltagarens id."
    )
    state = serializers.SerializerMethodField(help_text=STATE_HELP)
    # Declared, not derived from the model: its validators' float bounds would make DRF warn.
    hours_per_week = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        read_only=True,
        help_text="Planerade timmar per vecka (0,5–40; heltid 40).",
    )
    moved_to = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Den arbetslivsinriktade insatsen som den här byttes mot, eller null.",
    )

    class Meta:
        model = Intervention
        fields = [
            "id",
            "version",
            "case",
            "person",
            "category",
            "kind",
            "provider",
            "provider_name",
            "hours_per_week",
            "planned_start",
            "start_date",
            "end_date",
            "state",
            "goal",
            "follow_up_notes",
            "outcome",
            "cost",
            "moved_from",
            "moved_to",
            "created_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "case": {"help_text": "Ärendets id."},
            "category": {"help_text": "Arbetsförberedande eller arbetslivsinriktad insats."},
            "kind": {"help_text": "Insatsen."},
            "provider": {"help_text": "Anordnare."},
            "provider_name": {"help_text": "Anordnarens namn (krävs när insatsen köps)."},
            "planned_start": {"help_text": "Planerad start, för en insats som inte startat."},
            "start_date": {"help_text": "Dagen då insatsen startade, eller null (planerad)."},
            "end_date": {"help_text": "Dagen då insatsen avslutades, eller null."},
            "goal": {"help_text": "Mål med insatsen."},
            "follow_up_notes": {"help_text": "Uppföljning."},
            "outcome": {"help_text": "Resultat; registreras när insatsen avslutas."},
            "cost": {"help_text": "Kostnad i kronor för en köpt insats, eller null."},
            "moved_from": {
                "help_text": "Den arbetsförberedande insatsen som den här ersatte, eller null."
            },
            "created_by": {"help_text": "Användar-id för den som registrerade insatsen."},
        }

    @extend_schema_field(serializers.ChoiceField(choices=State.choices))
    def get_state(self, obj) -> str:
        return obj.state_shown(timezone.localdate()).value


# --- filters ----------------------------------------------------------------------------------


@with_period("start_date", "Insatsens start (planerade insatser har ingen och faller bort)")
class InterventionFilter(ScopedFilterSet):
    area = AreaCodeFilter(field_name="case__area__code")
    case = IdFilter(field_name="case", label="Ärendets id")
    category = django_filters.ChoiceFilter(choices=Category.choices, label="Slag av insats")
    state = django_filters.ChoiceFilter(
        choices=State.choices, method="filter_state", label=STATE_HELP
    )
    phase = django_filters.ChoiceFilter(
        field_name="case__phase", choices=Phase.choices, label="Ärendets fas"
    )
    target_group = django_filters.ChoiceFilter(
        field_name="case__target_group", choices=TargetGroup.choices, label="Ärendets målgrupp"
    )

    class Meta:
        model = Intervention
        fields = ["area", "case", "category", "state", "phase", "target_group"]

    def filter_state(self, queryset, name, value):
        # As the pages say it (Intervention.state_shown): ended once it
        # has an end date, else active from its start day, else planned.
        today = timezone.localdate()
        if value == State.ENDED:
            return queryset.filter(end_date__isnull=False)
        running = Q(end_date__isnull=True, start_date__lte=today)
        if value == State.ACTIVE:
            return queryset.filter(running)
        return queryset.filter(end_date__isnull=True).exclude(running)


# --- the resource -----------------------------------------------------------------------------


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service error under the request body's own field name (e.g. end_date → date)."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed: dict[str, list] = {}
    for field, errors in exc.error_dict.items():
        renamed.setdefault(names.get(field, field), []).extend(errors)
    return ValidationError(renamed)


@extend_schema_view(
    list=extend_schema(summary="Insatser", responses={200: InterventionSerializer, **LIST_ERRORS}),
    retrieve=extend_schema(
        summary="En insats",
        parameters=[REASON],
        responses={200: InterventionSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Registrera en planerad eller startad insats",
        parameters=[REASON],
        request=InterventionCreateSerializer,
        responses={201: InterventionSerializer, **CREATE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Ändra en insats",
        parameters=[REASON],
        request=InterventionUpdateSerializer,
        responses={200: InterventionSerializer, **UPDATE_ERRORS},
    ),
)
class InterventionViewSet(PersonRecordViewSet):
    """Insatser i ärenden i användarens samverkansområden. Listan visar insatserna för
    personerna i det egna och teamets ärendebestånd (hela området för samordnare); en annan
    person i området nås en i taget med skäl (X-Access-Reason). Start, avslut och byte till
    en arbetslivsinriktad insats registreras med egna anrop (`start`, `end`, `move`)."""

    object_type = "intervention"
    serializer_class = InterventionSerializer
    write_serializer_class = InterventionCreateSerializer
    update_serializer_class = InterventionUpdateSerializer
    filterset_class = InterventionFilter

    def scoped_queryset(self, user):
        return intervention_list_visible_to(user=user).select_related("moved_to")

    def list_queryset(self, user):
        return self.caseload_filter(self.scoped_queryset(user), user, "case__person")

    def person_of(self, obj):
        return obj.case.person

    def create_object(self, data):
        case = data.pop("case")
        self.open_person(obj=case, person=case.person)
        return services.intervention_create(case=case, context=self.access_context(), **data)

    def update_object(self, obj, data, *, expected_version):
        return services.intervention_update(
            intervention=obj,
            expected_version=expected_version,
            data=data,
            context=self.access_context(),
        )

    @extend_schema(
        summary="Starta en planerad insats",
        description="Startar insatsen i behovsanalysen går ärendet till introduktion och "
        "prövning (en individuell plan krävs); en arbetslivsinriktad insats flyttar ärendet "
        "till arbetslivsinriktade insatser.",
        parameters=[REASON],
        request=InterventionStartSerializer,
        responses={200: InterventionSerializer, **UPDATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        self._require_write()
        intervention = self.get_object()
        data, version = self.action_body(InterventionStartSerializer)
        intervention = services.intervention_start(
            intervention=intervention,
            expected_version=version,
            on=data["start_date"],
            context=AccessContext.from_request(request),
        )
        return Response(self.output(intervention))

    @extend_schema(
        summary="Avsluta en pågående insats",
        parameters=[REASON],
        request=InterventionEndSerializer,
        responses={200: InterventionSerializer, **UPDATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        self._require_write()
        intervention = self.get_object()
        data, version = self.action_body(InterventionEndSerializer)
        intervention = services.intervention_end(
            intervention=intervention,
            expected_version=version,
            on=data["end_date"],
            outcome=data["outcome"],
            follow_up_notes=data.get("follow_up_notes"),
            context=AccessContext.from_request(request),
        )
        return Response(self.output(intervention))

    @extend_schema(
        summary="Byt en arbetsförberedande insats mot en arbetslivsinriktad",
        description="Den pågående arbetsförberedande insatsen slutar med sitt resultat och den "
        "nya startar samma dag (en registreringspunkt). Svaret är den nya insatsen; dess "
        "moved_from pekar på den gamla.",
        parameters=[REASON],
        request=InterventionMoveSerializer,
        responses={201: InterventionSerializer, **UPDATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        self._require_write()
        intervention = self.get_object()
        data, version = self.action_body(InterventionMoveSerializer)
        try:
            new = services.intervention_move(
                intervention=intervention,
                expected_version=version,
                on=data.pop("date"),
                context=AccessContext.from_request(request),
                **data,
            )
        except ValidationError as exc:
            # The day is the old one's end and the new one's start: one field of the body.
            raise _renamed(exc, {"end_date": "date", "start_date": "date"}) from None
        return Response(self.output(new), status=status.HTTP_201_CREATED)
