from rest_framework import serializers

from cases.models import Case, Person


class PersonListSerializer(serializers.ModelSerializer):
    personnummer = serializers.CharField(
        source="masked_personnummer", read_only=True, help_text="Maskerat: ÅÅÅÅMMDD-****."
    )

    class Meta:
        model = Person
        fields = ["id", "personnummer", "first_name", "last_name", "sex", "birth_date", "area"]


class PersonDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "personnummer",
            "is_coordination_number",
            "first_name",
            "last_name",
            "sex",
            "birth_date",
            "area",
            "protected_identity",
            "created_at",
            "updated_at",
        ]


class CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "area",
            "phase",
            "fk_officer",
            "af_officer",
            "referral_date",
            "start_date",
            "end_date",
            "created_at",
            "updated_at",
        ]
