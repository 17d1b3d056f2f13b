"""The request bodies of the joint mappings resource (SPEC §4): the facts, the decision and its
confirmation, validated before the services check the rest."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.fields import office_code_field
from cases.models import Benefit, Phase, TargetGroup
from cases.secrecy import editable_case_fields
from samverkan.api import (
    VersionField,
)

from ..models import MAPPING_FK_FIELDS, AgencyCode, Decision
from .common import (
    ScopedIdField,
    WriteSerializer,
    officers_in_scope,
    participants_field,
    people_in_scope,
)

# --- requests ---------------------------------------------------------------------------------


OTHER_AGENCYS = _("Uppgiften registreras av den andra myndigheten.")
OPENING_PHASES = [(p.value, p.label) for p in (Phase.REFERRED, Phase.NEEDS_ANALYSIS)]


def _officer_field(agency: str):
    return ScopedIdField(
        scope=officers_in_scope,
        required=False,
        allow_null=True,
        help_text=f"Användar-id för kartläggningens handläggare på {agency}, i personens område.",
    )


BENEFIT_HELP = " Registreras bara av Försäkringskassans personal (sekretess)."


class MappingFactsSerializer(WriteSerializer):
    """Kartläggningens uppgifter."""

    initiation_reason = serializers.CharField(help_text="Varför kartläggningen behövs.")
    requested_on = serializers.DateField(
        help_text="Dagen då den initierande myndigheten skickade begäran (ÅÅÅÅ-MM-DD)."
    )
    request_received_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Dagen då den andra myndigheten tog emot begäran, inte före den skickades.",
    )
    fk_officer = _officer_field("Försäkringskassan")
    af_officer = _officer_field("Arbetsförmedlingen")
    fk_office = office_code_field("FK")
    af_office = office_code_field("AF")
    benefit = serializers.ChoiceField(
        choices=Benefit.choices,
        required=False,
        allow_blank=True,
        help_text="Ersättning vid kartläggningen." + BENEFIT_HELP,
    )
    benefit_end_date = serializers.DateField(
        required=False, allow_null=True, help_text="Förmånstidens slut." + BENEFIT_HELP
    )
    sick_leave_start = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Sjukfallets första dag (dag 1), inte efter kartläggningen." + BENEFIT_HELP,
    )
    participants = participants_field(help_text="Vilka som deltog i kartläggningen.")
    rough_plan = serializers.CharField(
        required=False, allow_blank=True, help_text="Grov planering."
    )

    def validate(self, attrs):
        """FK's benefit facts are refused from anyone else whatever the value. The service
        refuses only a change, so a value equal to the stored one would pass: a reader who may
        not see the fact could then find it by trying values (SPEC §7)."""
        attrs = super().validate(attrs)
        request = self.context.get("request")
        own = editable_case_fields(user=request.user if request is not None else None)
        refused = sorted(name for name in MAPPING_FK_FIELDS & set(attrs) if name not in own)
        if refused:
            raise serializers.ValidationError({name: [OTHER_AGENCYS] for name in refused})
        return attrs


class MappingCreateSerializer(MappingFactsSerializer):
    """Begäran (POST) om gemensam kartläggning för en deltagare i ett av användarens områden;
    kartläggningen hör till personens område. En person har högst en pågående kartläggning.
    Uppgifterna om ersättning och sjukfall registreras bara av Försäkringskassan."""

    person = ScopedIdField(scope=people_in_scope, help_text="Deltagarens id.")
    initiated_by = serializers.ChoiceField(
        choices=AgencyCode.choices, help_text="Myndigheten som initierade kartläggningen."
    )


class MappingUpdateSerializer(MappingFactsSerializer):
    """Ändring (PATCH) av en pågående kartläggnings uppgifter. Väntar ett beslut på
    bekräftelse tas bekräftelserna bort, och båda myndigheterna bekräftar det på nytt."""

    version = VersionField()


class MappingDecideSerializer(WriteSerializer):
    """Beslutet efter kartläggningen. Fälten för ärendet anges bara vid aktiva insatser i
    samarbete."""

    decision = serializers.ChoiceField(choices=Decision.choices, help_text="Beslutet.")
    decision_reason = serializers.CharField(help_text="Motiveringen till beslutet.")
    decision_date = serializers.DateField(
        help_text="Beslutsdatum: inte i framtiden, inte före kartläggningens senaste möte."
    )
    case_target_group = serializers.ChoiceField(
        choices=TargetGroup.choices,
        required=False,
        allow_blank=True,
        help_text="Bara vid aktiva insatser i samarbete: målgrupp för ärendet som öppnas.",
    )
    case_phase = serializers.ChoiceField(
        choices=OPENING_PHASES,
        required=False,
        allow_blank=True,
        help_text="Bara vid aktiva insatser i samarbete: ärendet börjar anmält till "
        "beredningsgruppen eller i behovsanalys.",
    )
    case_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Bara vid aktiva insatser i samarbete: beredningsgruppens datum, eller dagen "
        "då behovsanalysen startar; inte före beslutet.",
    )
    version = VersionField()


class MappingSignSerializer(WriteSerializer):
    """Bekräftelse av beslutet för användarens myndighet."""

    version = VersionField(
        help_text="Versionen som lästes. Har beslutet ändrats sedan dess svarar API:t 409 och "
        "inget bekräftas."
    )
