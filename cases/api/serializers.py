from rest_framework import serializers

from cases.models import Case, Person
from cases.secrecy import hidden_case_fields


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
            "born_abroad",
            "education_level",
            "disability",
            "phone",
            "email",
            "street_address",
            "postal_code",
            "city",
            "protected_identity",
            "created_at",
            "updated_at",
        ]


class CaseSerializer(serializers.ModelSerializer):
    """FK's benefit facts and AF's notes are left out of the response when the reader may not
    see them (cases.secrecy): the keys are absent, not null, so absence is not a value."""

    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "area",
            "phase",
            "fk_officer",
            "af_officer",
            "target_group",
            "benefit",
            "benefit_end_date",
            "sick_leave_start",
            "fk_notes",
            "af_notes",
            "referral_date",
            "start_date",
            "end_date",
            "exit_reason",
            "closing_doc_date",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            for field in hidden_case_fields(user=request.user, person=instance.person):
                data.pop(field, None)
        return data
