"""The request bodies of the interventions resource (SPEC §4): create, change, start, end and
move, validated with the pages' rules before the services check the rest."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from samverkan.api import (
    VersionField,
)

from ..models import ORIENTED_KINDS, Kind, Outcome, Provider
from .common import (
    ScopedIdField,
    WriteSerializer,
    cases_in_scope,
)

# --- requests ---------------------------------------------------------------------------------


def _hours(**kwargs):
    return serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("40"),
        help_text="Planerade timmar per vecka: 0,5–40 (heltid är 40), en decimal.",
        **kwargs,
    )


class InterventionCreateSerializer(WriteSerializer):
    """Registrering (POST) av en planerad insats (utan startdatum: deltagaren väntar på den)
    eller en som har startat (med startdatum: ett ärende i behovsanalys går till introduktion
    och prövning, vilket kräver en individuell plan; en arbetslivsinriktad insats flyttar
    ärendet till arbetslivsinriktade insatser)."""

    case = ScopedIdField(scope=cases_in_scope, help_text="Ärendets id (ett öppet ärende).")
    kind = serializers.ChoiceField(
        choices=Kind.choices, help_text="Insatsen; den avgör om den är arbetsförberedande."
    )
    provider = serializers.ChoiceField(choices=Provider.choices, help_text="Anordnare.")
    provider_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Anordnarens namn; krävs när insatsen köps från en annan aktör.",
    )
    hours_per_week = _hours()
    goal = serializers.CharField(help_text="Mål med insatsen.")
    planned_start = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Planerad start (i dag eller senare), för en insats som inte har startat.",
    )
    start_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Dagen då insatsen startade, om den har startat (inte i framtiden).",
    )


class InterventionUpdateSerializer(WriteSerializer):
    """Ändring (PATCH) av beskrivning, timmar, planerad start (bara innan insatsen startat),
    uppföljning och resultat (bara när den är avslutad). Start och avslut har egna anrop."""

    provider = serializers.ChoiceField(
        choices=Provider.choices, required=False, help_text="Anordnare."
    )
    provider_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Anordnarens namn; krävs när insatsen köps från en annan aktör.",
    )
    hours_per_week = _hours(required=False)
    planned_start = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Planerad start (i dag eller senare); bara innan insatsen har startat.",
    )
    goal = serializers.CharField(required=False, help_text="Mål med insatsen.")
    follow_up_notes = serializers.CharField(
        required=False, allow_blank=True, help_text="Uppföljning."
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        help_text="Resultat; bara för en avslutad insats.",
    )
    cost = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Kostnad i kronor; bara för en insats köpt från en annan aktör (null: ingen).",
    )
    version = VersionField()


class InterventionStartSerializer(WriteSerializer):
    """Start av en planerad insats."""

    start_date = serializers.DateField(
        help_text="Dagen då insatsen startade (ÅÅÅÅ-MM-DD), inte i framtiden."
    )
    version = VersionField()


class InterventionEndSerializer(WriteSerializer):
    """Avslut av en pågående insats."""

    end_date = serializers.DateField(
        help_text="Dagen då insatsen slutade (ÅÅÅÅ-MM-DD): inte före starten, inte i framtiden."
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, help_text="Resultat.")
    follow_up_notes = serializers.CharField(
        required=False, allow_blank=True, help_text="Uppföljning; utelämnad lämnas den orörd."
    )
    version = VersionField()


class InterventionMoveSerializer(WriteSerializer):
    """Byte från en pågående arbetsförberedande insats till en arbetslivsinriktad."""

    date = serializers.DateField(
        help_text="Dagen för bytet: den arbetsförberedande insatsen slutar och den nya startar "
        "samma dag (inte i framtiden)."
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, help_text="Resultat av den arbetsförberedande insatsen."
    )
    kind = serializers.ChoiceField(
        choices=[(k.value, k.label) for k in ORIENTED_KINDS],
        help_text="Den nya, arbetslivsinriktade insatsen.",
    )
    provider = serializers.ChoiceField(choices=Provider.choices, help_text="Anordnare.")
    provider_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Anordnarens namn; krävs när insatsen köps från en annan aktör.",
    )
    hours_per_week = _hours()
    goal = serializers.CharField(help_text="Mål med den nya insatsen.")
    version = VersionField(help_text="Den arbetsförberedande insatsens version (409 om ändrad).")
