"""`/api/v1/meetings/`: meetings held with a person, within a joint mapping, a case or neither
(SPEC §4), as the meeting pages register and correct them (mapping.views.meetings and the case
page's meeting form). A meeting within a mapping dates the mapping's first meeting and adds its
participants to the mapping's (mapping.services.meeting_create)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from samverkan.api import (
    CREATE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    REASON,
    UPDATE_ERRORS,
    AreaCodeFilter,
    ScopedFilterSet,
    VersionField,
    with_period,
)

from .. import services
from ..models import (
    CONSULTATION_FIELDS,
    ConsultationGoal,
    EmployerMeasure,
    FollowUpResult,
    Meeting,
)
from ..selectors import meeting_list_visible_to
from .common import (
    IdFilter,
    PersonRecordViewSet,
    ScopedIdField,
    WriteSerializer,
    cases_in_scope,
    mappings_in_scope,
    participants_field,
    people_in_scope,
)

# --- responses --------------------------------------------------------------------------------


class MeetingSerializer(serializers.ModelSerializer):
    """Ett möte med en deltagare, i en kartläggning, ett ärende eller inget av dem."""

    participants = participants_field(help_text="Vilka som deltog i mötet.")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "version",
            "person",
            "mapping",
            "case",
            "kind",
            "date",
            "participants",
            "notes",
            *CONSULTATION_FIELDS,
            "created_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "person": {"help_text": "Deltagarens id."},
            "mapping": {"help_text": "Kartläggningen som mötet hör till, eller null."},
            "case": {"help_text": "Ärendet som mötet hör till, eller null."},
            "kind": {"help_text": "Typ av möte."},
            "date": {"help_text": "Dagen då mötet hölls."},
            "notes": {"help_text": "Anteckningar från mötet."},
            "created_by": {"help_text": "Användar-id för den som registrerade mötet."},
            "employer_measures": {"help_text": "Vad arbetsgivaren har påbörjat (koder)."},
        }


# --- requests ---------------------------------------------------------------------------------


class MeetingFieldsSerializer(WriteSerializer):
    """Mötets uppgifter."""

    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, help_text="Typ av möte.")
    date = serializers.DateField(
        help_text="Dagen då mötet hölls (ÅÅÅÅ-MM-DD): registreras när det har hållits, så inte "
        "i framtiden. I en kartläggning inte före begäran och inte efter beslutet."
    )
    participants = participants_field(help_text="Vilka som deltog i mötet.")
    notes = serializers.CharField(
        required=False, allow_blank=True, help_text="Anteckningar från mötet."
    )
    # Konsultativt stöd till arbetsgivare only (mapping.services.meetings refuses them on
    # other kinds of meeting).
    employer_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Konsultativt stöd: arbetsgivaren.",
    )
    consultation_goal = serializers.ChoiceField(
        choices=ConsultationGoal.choices,
        required=False,
        allow_blank=True,
        help_text="Konsultativt stöd: målet med stödet (krävs för den mötestypen).",
    )
    employer_measures = serializers.ListField(
        child=serializers.ChoiceField(choices=EmployerMeasure.choices),
        required=False,
        help_text="Konsultativt stöd: vad arbetsgivaren har påbörjat.",
    )
    employer_measures_notes = serializers.CharField(
        required=False, allow_blank=True, help_text="Konsultativt stöd: arbetsgivarens åtgärder."
    )
    follow_up_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Konsultativt stöd: när stödet följs upp (krävs för den mötestypen).",
    )
    follow_up_result = serializers.ChoiceField(
        choices=FollowUpResult.choices,
        required=False,
        allow_blank=True,
        help_text="Konsultativt stöd: uppföljningens resultat, när den har gjorts.",
    )
    follow_up_notes = serializers.CharField(
        required=False, allow_blank=True, help_text="Konsultativt stöd: uppföljningen."
    )


class MeetingCreateSerializer(MeetingFieldsSerializer):
    """Registrering (POST) av ett hållet möte. Ange deltagaren, kartläggningen eller ärendet
    (eller flera, alla för samma person): ett kartläggningsmöte registreras på kartläggningen,
    en uppföljning i ett ärende på ärendet, annat (till exempel ett kontaktmöte) på personen."""

    person = ScopedIdField(
        scope=people_in_scope,
        required=False,
        allow_null=True,
        help_text="Deltagarens id; kan utelämnas när kartläggning eller ärende anges.",
    )
    mapping = ScopedIdField(
        scope=mappings_in_scope,
        required=False,
        allow_null=True,
        help_text="Kartläggningens id, för ett kartläggningsmöte (kartläggningen ska vara "
        "pågående).",
    )
    case = ScopedIdField(
        scope=cases_in_scope,
        required=False,
        allow_null=True,
        help_text="Ärendets id, för ett möte i ärendet.",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not any(attrs.get(name) for name in ("person", "mapping", "case")):
            raise serializers.ValidationError(
                {"person": [_("Ange deltagaren, kartläggningen eller ärendet.")]}
            )
        return attrs


class MeetingUpdateSerializer(MeetingFieldsSerializer):
    """Rättelse (PATCH) av ett registrerat möte. En avslutad kartläggnings möten ändras
    inte."""

    kind = serializers.ChoiceField(
        choices=Meeting.Kind.choices, required=False, help_text="Typ av möte."
    )
    date = serializers.DateField(
        required=False, help_text="Dagen då mötet hölls (ÅÅÅÅ-MM-DD), inte i framtiden."
    )
    version = VersionField()


# --- filters ----------------------------------------------------------------------------------


@with_period("date", "Mötets datum")
class MeetingFilter(ScopedFilterSet):
    area = AreaCodeFilter(field_name="person__area__code")
    person = IdFilter(field_name="person", label="Deltagarens id")
    case = IdFilter(field_name="case", label="Ärendets id")
    mapping = IdFilter(field_name="mapping", label="Kartläggningens id")
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, label="Typ av möte")

    class Meta:
        model = Meeting
        fields = ["area", "person", "case", "mapping", "kind"]


# --- the resource -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Möten", responses={200: MeetingSerializer, **LIST_ERRORS}),
    retrieve=extend_schema(
        summary="Ett möte",
        parameters=[REASON],
        responses={200: MeetingSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Registrera ett hållet möte",
        parameters=[REASON],
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer, **CREATE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Rätta ett registrerat möte",
        parameters=[REASON],
        request=MeetingUpdateSerializer,
        responses={200: MeetingSerializer, **UPDATE_ERRORS},
    ),
)
class MeetingViewSet(PersonRecordViewSet):
    """Möten med deltagare i användarens samverkansområden. Listan visar mötena för personerna
    i det egna och teamets ärendebestånd (hela området för samordnare); en annan person i
    området nås en i taget med skäl (X-Access-Reason)."""

    object_type = "meeting"
    serializer_class = MeetingSerializer
    write_serializer_class = MeetingCreateSerializer
    update_serializer_class = MeetingUpdateSerializer
    filterset_class = MeetingFilter

    def scoped_queryset(self, user):
        return meeting_list_visible_to(user=user)

    def list_queryset(self, user):
        return self.caseload_filter(self.scoped_queryset(user), user, "person")

    def person_of(self, obj):
        return obj.person

    def create_object(self, data):
        mapping, case = data.pop("mapping", None), data.pop("case", None)
        person = data.pop("person", None)
        if person is None:
            person = mapping.person if mapping is not None else case.person
        # The page that writes the meeting opens its mapping, case or person (logged, a
        # reason outside the caseload); the service checks they are all the same person.
        self.open_person(obj=mapping or case or person, person=person)
        return services.meeting_create(
            person=person,
            mapping=mapping,
            case=case,
            kind=data["kind"],
            on=data["date"],
            participants=data.get("participants", ()),
            notes=data.get("notes", ""),
            consultation={name: data[name] for name in CONSULTATION_FIELDS if name in data},
            context=self.access_context(),
        )

    def update_object(self, obj, data, *, expected_version):
        return services.meeting_update(
            meeting=obj,
            expected_version=expected_version,
            data=data,
            context=self.access_context(),
        )
