"""The shape of the funds follow-up's answer, for the OpenAPI schema (drf-spectacular): amounts
are strings of kronor with öre (exact, as DRF writes decimals), shares fractions of 1."""

from rest_framework import serializers

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}


class AmountsSerializer(serializers.Serializer):
    consumed = serializers.DecimalField(**MONEY, help_text="Förbrukat under perioden (kr).")
    allocated = serializers.DecimalField(**MONEY, help_text="Tilldelat för året (kr).")
    consumed_year = serializers.DecimalField(
        **MONEY, help_text="Förbrukat från januari till periodens sista månad (kr)."
    )


class ActivitySerializer(AmountsSerializer):
    code = serializers.CharField(help_text="Verksamhetens kod (`kopta-insatser`: köpta insatser).")
    name = serializers.CharField(help_text="Verksamhetens benämning, som i Tabell 7 och 8.")
    kind = serializers.ChoiceField(
        choices=["administration", "programme"], help_text="Förvaltning eller program."
    )


class PerParticipantSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Kronor per deltagare; null utan deltagare eller dolt."
    )
    hidden = serializers.BooleanField(help_text="Dolt: färre än 5 deltagare (ADR 0011).")


class AgencySerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=["FK", "AF"])
    name = serializers.CharField()
    rows = ActivitySerializer(many=True)
    total = AmountsSerializer()
    administration = AmountsSerializer(help_text="Varav förvaltning.")
    programme = AmountsSerializer(help_text="Varav program.")
    share_used = serializers.FloatField(
        allow_null=True, help_text="Andel av årets tilldelning förbrukad (null utan tilldelning)."
    )
    cost_per_new_participant = PerParticipantSerializer()
    cost_per_work_or_education = PerParticipantSerializer(
        help_text="Per deltagare i arbete eller utbildning dag 365."
    )


class TotalSerializer(AmountsSerializer):
    share_used = serializers.FloatField(allow_null=True)
    cost_per_new_participant = PerParticipantSerializer()
    cost_per_work_or_education = PerParticipantSerializer()


class AgencyStaffingSerializer(serializers.Serializer):
    norm = serializers.IntegerField(help_text="Deltagare per heltid enligt regelverket.")
    need = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True, help_text="Årsarbetskrafter enligt normen."
    )
    planned = serializers.DecimalField(
        max_digits=8, decimal_places=1, help_text="Planerad bemanning i arbetsplanerna."
    )
    recorded = serializers.DecimalField(
        max_digits=8, decimal_places=1, help_text="Handläggarnas registrerade arbetstid i dag."
    )
    cost = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Behovet × kostnad per årsarbetskraft ÷ 12."
    )


class StaffingMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="ÅÅÅÅ-MM.")
    active = serializers.IntegerField(
        allow_null=True, help_text="Aktiva deltagare månadens sista dag."
    )
    hidden = serializers.BooleanField()
    fk = AgencyStaffingSerializer()
    af = AgencyStaffingSerializer()
    cost = serializers.DecimalField(**MONEY, allow_null=True)


class FundsDataSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    months_of_year = serializers.IntegerField()
    share_of_year_gone = serializers.FloatField()
    agencies = AgencySerializer(many=True)
    total = TotalSerializer()
    staffing = StaffingMonthSerializer(many=True)


class FundsReportSerializer(serializers.Serializer):
    report = serializers.CharField()
    to = serializers.CharField()
    area = serializers.CharField(allow_null=True)
    areas = serializers.ListField(child=serializers.CharField())
    national = serializers.BooleanField()
    data = FundsDataSerializer()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField()
        return fields
