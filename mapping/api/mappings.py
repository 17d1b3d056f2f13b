"""`/api/v1/mappings/`: joint mappings (SPEC §4) — request one, change its facts, record the
decision and confirm it for one's agency, as the mapping pages do (mapping.views.mappings).

FK's benefit facts on a mapping (benefit, benefit end, sick-leave start, and the sick-leave band
derived from it) follow cases.secrecy: left out of the response when the reader may not see them,
and only FK staff may write them (the services refuse the other agency, as the forms do)."""

from __future__ import annotations

import django_filters
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import scope_for
from cases.api.fields import office_code_field
from cases.secrecy import hidden_case_fields, shares_today_annotation
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
from ..models import AgencyCode, Decision, JointMapping, SickLeaveBand
from ..selectors import mapping_list_visible_to
from .common import (
    IdFilter,
    PersonRecordViewSet,
    participants_field,
)
from .mapping_requests import (
    MappingCreateSerializer,
    MappingDecideSerializer,
    MappingSignSerializer,
    MappingUpdateSerializer,
)

# --- responses --------------------------------------------------------------------------------


class JointMappingSerializer(serializers.ModelSerializer):
    """En gemensam kartläggning. Försäkringskassans uppgifter om ersättning och sjukfall
    saknas i svaret (nycklarna finns inte, de är inte null) när läsaren inte får se dem:
    personens samtycke eller en rättslig grund styr det."""

    area = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Samverkansområdets kod."
    )
    mapping_date = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="Kartläggningens datum: första mötet, annars (ännu inte hållen) begäran.",
    )
    # Not read-only in the schema: like the benefit facts it may be left out (cases.secrecy).
    sick_leave_band = serializers.ChoiceField(
        choices=SickLeaveBand.choices,
        required=False,
        allow_null=True,
        help_text="Tid i sjukfallet vid kartläggningen (räknat från sjukfallets första dag); "
        "null när ett datum saknas. Följer sekretessen för sjukfallets första dag.",
    )
    fk_office = office_code_field("FK", read_only=True)
    af_office = office_code_field("AF", read_only=True)
    participants = participants_field(help_text="Vilka som deltog i kartläggningen.")
    decision_pending = serializers.BooleanField(
        read_only=True,
        help_text="Beslut registrerat men ännu inte bekräftat av båda myndigheterna.",
    )

    class Meta:
        model = JointMapping
        fields = [
            "id",
            "version",
            "person",
            "area",
            "initiated_by",
            "initiation_reason",
            "requested_on",
            "request_received_on",
            "first_meeting_on",
            "mapping_date",
            "ended_on",
            "fk_officer",
            "af_officer",
            "fk_office",
            "af_office",
            "benefit",
            "benefit_end_date",
            "sick_leave_start",
            "sick_leave_band",
            "participants",
            "rough_plan",
            "decision",
            "decision_reason",
            "decision_date",
            "case_target_group",
            "case_phase",
            "case_date",
            "decision_pending",
            "fk_signed_by",
            "fk_signed_at",
            "af_signed_by",
            "af_signed_at",
            "case",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "person": {"help_text": "Deltagarens id."},
            "initiated_by": {"help_text": "Myndigheten som initierade kartläggningen (FK/AF)."},
            "initiation_reason": {"help_text": "Varför kartläggningen behövs."},
            "requested_on": {"help_text": "Dagen då begäran skickades."},
            "request_received_on": {"help_text": "Dagen då den andra myndigheten tog emot den."},
            "first_meeting_on": {
                "help_text": "Det första kartläggningsmötet (det tidigaste registrerade mötet)."
            },
            "ended_on": {
                "help_text": "Kartläggningen avslutad: beslutsdagen, när båda har bekräftat."
            },
            "fk_officer": {"help_text": "Användar-id för personlig handläggare (FK)."},
            "af_officer": {"help_text": "Användar-id för arbetsförmedlaren (AF)."},
            "benefit": {"help_text": "Ersättning vid kartläggningen (FK:s uppgift, sekretess)."},
            "benefit_end_date": {"help_text": "Förmånstidens slut (FK:s uppgift, sekretess)."},
            "sick_leave_start": {"help_text": "Sjukfallets första dag (FK:s uppgift, sekretess)."},
            "rough_plan": {"help_text": "Grov planering."},
            "decision": {"help_text": "Beslutet efter kartläggningen; tomt innan det fattats."},
            "decision_reason": {"help_text": "Motiveringen till beslutet."},
            "decision_date": {"help_text": "Beslutsdatum."},
            "case_target_group": {
                "help_text": "Målgrupp för ärendet som öppnas vid aktiva insatser i samarbete."
            },
            "case_phase": {"help_text": "Fasen som det ärendet börjar i."},
            "case_date": {
                "help_text": "Beredningsgruppens datum, eller dagen då behovsanalysen startar."
            },
            "fk_signed_by": {"help_text": "Användar-id för den som bekräftade beslutet för FK."},
            "fk_signed_at": {"help_text": "När beslutet bekräftades för FK."},
            "af_signed_by": {"help_text": "Användar-id för den som bekräftade beslutet för AF."},
            "af_signed_at": {"help_text": "När beslutet bekräftades för AF."},
            "case": {"help_text": "Ärendet som beslutet öppnade (aktiva insatser i samarbete)."},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            hidden = hidden_case_fields(
                user=request.user,
                person=instance.person,
                shares=getattr(instance, "shares_today", None),
            )
            for field in hidden:
                data.pop(field, None)  # FK's facts and what is derived from them (FK_DERIVED)
        return data


# --- filters ----------------------------------------------------------------------------------


@with_period("held_on", "Kartläggningens datum (första mötet, annars begäran)")
class MappingFilter(ScopedFilterSet):
    area = AreaCodeFilter(field_name="area__code")
    decision = django_filters.ChoiceFilter(choices=Decision.choices, label="Beslut")
    initiated_by = django_filters.ChoiceFilter(
        choices=AgencyCode.choices, label="Myndigheten som initierade kartläggningen"
    )
    person = IdFilter(field_name="person", label="Deltagarens id")

    class Meta:
        model = JointMapping
        fields = ["area", "decision", "initiated_by", "person"]


# --- the resource -----------------------------------------------------------------------------

SIGNER_ROLE = _(
    "Beslutet bekräftas av en handläggare på Försäkringskassan och en på Arbetsförmedlingen i "
    "kartläggningens område."
)


@extend_schema_view(
    list=extend_schema(
        summary="Gemensamma kartläggningar",
        responses={200: JointMappingSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En gemensam kartläggning",
        parameters=[REASON],
        responses={200: JointMappingSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Begär en gemensam kartläggning",
        parameters=[REASON],
        request=MappingCreateSerializer,
        responses={201: JointMappingSerializer, **CREATE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Ändra en pågående kartläggnings uppgifter",
        parameters=[REASON],
        request=MappingUpdateSerializer,
        responses={200: JointMappingSerializer, **UPDATE_ERRORS},
    ),
)
class JointMappingViewSet(PersonRecordViewSet):
    """Gemensamma kartläggningar i användarens samverkansområden. Listan visar kartläggningarna
    för personerna i det egna och teamets ärendebestånd (hela området för samordnare); en
    annan person i området nås en i taget med skäl (X-Access-Reason). Beslutet registreras med
    `decide` och gäller när båda myndigheterna har bekräftat det med `sign`."""

    object_type = "jointmapping"
    serializer_class = JointMappingSerializer
    write_serializer_class = MappingCreateSerializer
    update_serializer_class = MappingUpdateSerializer
    filterset_class = MappingFilter

    def scoped_queryset(self, user):
        return mapping_list_visible_to(user=user)

    def list_queryset(self, user):
        queryset = self.caseload_filter(self.scoped_queryset(user), user, "person")
        return queryset.annotate(
            held_on=Coalesce("first_meeting_on", "requested_on"),
            # whether each person shares between the agencies today, in the list's one query
            # (the serializer hides FK's facts by it)
            shares_today=shares_today_annotation(),
        )

    def person_of(self, obj):
        return obj.person

    def create_object(self, data):
        person = data.pop("person")
        self.open_person(obj=person, person=person)
        return services.mapping_create(person=person, context=self.access_context(), **data)

    def update_object(self, obj, data, *, expected_version):
        return services.mapping_update(
            mapping=obj,
            expected_version=expected_version,
            data=data,
            context=self.access_context(),
        )

    @extend_schema(
        summary="Registrera beslutet efter kartläggningen",
        description="Beslutet väntar på bekräftelse från båda myndigheterna. En handläggare "
        "som registrerar det bekräftar det samtidigt för sin myndighet; tidigare "
        "bekräftelser tas bort. Vid aktiva insatser i samarbete anges målgrupp, fas och datum "
        "för ärendet som öppnas när båda har bekräftat.",
        parameters=[REASON],
        request=MappingDecideSerializer,
        responses={200: JointMappingSerializer, **UPDATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        self._require_write()
        mapping = self.get_object()
        data, version = self.action_body(MappingDecideSerializer)
        mapping = services.mapping_decide(
            mapping=mapping,
            expected_version=version,
            context=AccessContext.from_request(request),
            **data,
        )
        return Response(self.output(mapping))

    @extend_schema(
        summary="Bekräfta beslutet för sin myndighet",
        description="Med båda myndigheternas bekräftelse gäller beslutet: kartläggningen "
        "avslutas på beslutsdagen och vid aktiva insatser i samarbete öppnas ärendet (fältet "
        "case). Bara en handläggare på FK eller AF i kartläggningens område, och den som är "
        "kartläggningens handläggare på sin myndighet om en sådan är angiven, kan bekräfta.",
        parameters=[REASON],
        request=MappingSignSerializer,
        responses={200: JointMappingSerializer, **UPDATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        self._require_write()
        scope = scope_for(request.user)
        if not scope.is_officer or scope.agency_code not in AgencyCode.values:
            # The role check; mapping_sign checks it again with the rest of its rules.
            raise exceptions.PermissionDenied(SIGNER_ROLE)
        mapping = self.get_object()
        _data, version = self.action_body(MappingSignSerializer)
        mapping = services.mapping_sign(
            mapping=mapping, expected_version=version, context=AccessContext.from_request(request)
        )
        return Response(self.output(mapping))
