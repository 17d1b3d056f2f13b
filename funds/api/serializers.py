"""The shape of the funds follow-up's answer, for the OpenAPI schema (drf-spectacular): amounts
are strings of kronor with öre (exact, as DRF writes decimals), shares fractions of 1."""

from rest_framework import serializers

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}
FTE = {"max_digits": 8, "decimal_places": 1}


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
    agency = serializers.ChoiceField(choices=["FK", "AF"], help_text="Myndighetens kod.")
    name = serializers.CharField(help_text="Myndighetens namn.")
    rows = ActivitySerializer(many=True, help_text="En rad per verksamhet, i tabellens ordning.")
    total = AmountsSerializer(help_text="Totalt.")
    administration = AmountsSerializer(help_text="Varav förvaltning.")
    programme = AmountsSerializer(help_text="Varav program.")
    share_used = serializers.FloatField(
        allow_null=True, help_text="Andel av årets tilldelning förbrukad (null utan tilldelning)."
    )
    cost_per_new_participant = PerParticipantSerializer(
        help_text="Periodens förbrukning per ny deltagare under perioden."
    )
    cost_per_work_or_education = PerParticipantSerializer(
        help_text="Periodens förbrukning per deltagare i arbete eller utbildning dag 365."
    )


class TotalSerializer(AmountsSerializer):
    share_used = serializers.FloatField(
        allow_null=True, help_text="Båda myndigheternas andel av årets tilldelning förbrukad."
    )
    cost_per_new_participant = PerParticipantSerializer(help_text="Båda myndigheterna.")
    cost_per_work_or_education = PerParticipantSerializer(help_text="Båda myndigheterna.")


class AgencyStaffingSerializer(serializers.Serializer):
    norm = serializers.IntegerField(help_text="Deltagare per heltid enligt regelverket.")
    need = serializers.DecimalField(
        **FTE, allow_null=True, help_text="Årsarbetskrafter enligt normen; null när dolt."
    )
    planned = serializers.DecimalField(**FTE, help_text="Planerad bemanning i arbetsplanerna.")
    recorded = serializers.DecimalField(
        **FTE, help_text="Handläggarnas registrerade arbetstid (i dag)."
    )
    cost = serializers.DecimalField(
        **MONEY,
        allow_null=True,
        help_text="Behovet × årets kostnad per årsarbetskraft ÷ 12 (kr); null utan kostnad.",
    )


class StaffingMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="Månaden, ÅÅÅÅ-MM.")
    active = serializers.IntegerField(
        allow_null=True, help_text="Aktiva deltagare månadens sista dag; null när dolt."
    )
    hidden = serializers.BooleanField(help_text="Färre än 5 aktiva deltagare, dolt (ADR 0011).")
    fk = AgencyStaffingSerializer(help_text="Försäkringskassan.")
    af = AgencyStaffingSerializer(help_text="Arbetsförmedlingen.")
    cost = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Båda myndigheternas kostnad enligt normen (kr)."
    )


class FundsDataSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="Året för tilldelningen: periodens sista månads.")
    months_of_year = serializers.IntegerField(
        help_text="Månader av året till och med periodens sista."
    )
    share_of_year_gone = serializers.FloatField(help_text="Andel av året som gått.")
    agencies = AgencySerializer(many=True, help_text="FK och AF, som Tabell 7 och 8.")
    total = TotalSerializer(help_text="Båda myndigheterna.")
    staffing = StaffingMonthSerializer(many=True, help_text="Bemanning per månad.")


class FundsReportSerializer(serializers.Serializer):
    report = serializers.CharField(help_text="Alltid `funds`.")
    to = serializers.CharField(help_text="Sista månaden, ÅÅÅÅ-MM.")
    area = serializers.CharField(allow_null=True, help_text="Områdets kod när ett område valts.")
    areas = serializers.ListField(
        child=serializers.CharField(), help_text="Koderna för områdena i summan."
    )
    national = serializers.BooleanField(help_text="Hela riket.")
    data = FundsDataSerializer(help_text="Siffrorna.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(help_text="Första månaden, ÅÅÅÅ-MM.")
        return fields
