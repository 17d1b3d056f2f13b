from rest_framework import serializers

from accounts.models import Area
from accounts.scoping import scope_for
from cases.models import Case, Person
from cases.secrecy import hidden_case_fields
from cases.services import PERSON_FIELDS
from cases.validators import parse_identity_number
from samverkan.api import VersionField


class UserAreaField(serializers.SlugRelatedField):
    """An area given by its code; only the user's own active areas are valid (another area's
    code gets the same "does not exist" message as an unknown one)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("help_text", "Samverkansområdets kod, ett av användarens områden.")
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = request.user if request is not None else None
        return Area.objects.filter(pk__in=scope_for(user).area_ids, is_active=True)


class PersonListSerializer(serializers.ModelSerializer):
    personnummer = serializers.CharField(
        source="masked_personnummer", read_only=True, help_text="Maskerat: ÅÅÅÅMMDD-****."
    )

    class Meta:
        model = Person
        fields = ["id", "personnummer", "first_name", "last_name", "sex", "birth_date", "area"]


class PersonDetailSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "version",
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


class PersonUpdateSerializer(serializers.ModelSerializer):
    """PATCH: the fields a case officer may change (personnummer, sex and birth date follow from
    the number and never change; moving a person is a case move)."""

    version = VersionField()

    class Meta:
        model = Person
        fields = ["version", *PERSON_FIELDS]


class PersonCreateSerializer(PersonUpdateSerializer):
    """POST: a new participant in one of the user's areas. Sex and birth date are read from the
    personnummer (or samordningsnummer)."""

    personnummer = serializers.CharField(
        max_length=13, help_text="Personnummer eller samordningsnummer: ÅÅÅÅMMDD-NNNN."
    )
    area = UserAreaField()

    class Meta(PersonUpdateSerializer.Meta):
        fields = ["personnummer", "area", *PERSON_FIELDS]

    def validate_personnummer(self, value):
        from django.core.exceptions import ValidationError

        try:
            parse_identity_number(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value


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
