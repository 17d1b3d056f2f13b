"""Request and response bodies of the cases app's resources.

Responses leave out what the reader may not see (cases.secrecy). Request bodies accept only
records within the caller's scope (cases.api.fields)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.scoping import scope_for
from cases import selectors
from cases.models import Case, ExitReason, Person, Phase, PhaseTransition, StatusCode, StatusEntry
from cases.secrecy import hidden_case_fields
from cases.services import CASE_FIELDS, PERSON_FIELDS
from cases.validators import parse_identity_number
from samverkan.api import VersionField

from .fields import (
    CodeField,
    KnownFieldsMixin,
    ScopedIdField,
    UserAreaField,
    VersionRequiredMixin,
    office_code_field,
)

# The phases a case can begin in (cases.services.case_open).
OPENING_PHASES = [(p.value, p.label) for p in (Phase.REFERRED, Phase.NEEDS_ANALYSIS)]


def _officers_in_scope(user):
    """Officers of the caller's areas: who may be named on a team (the service checks that the
    officer belongs to the right agency and the case's own area)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__is_officer=True,
            staff_profile__areas__in=scope_for(user).area_ids,
        )
        .distinct()
    )


def _person_in_scope(user):
    return selectors.person_list_visible_to(user=user)


def _case_in_scope(user):
    return selectors.case_list_visible_to(user=user)


# --- persons ----------------------------------------------------------------------------------


class PersonListSerializer(serializers.ModelSerializer):
    """En deltagare i en lista, med maskerat personnummer."""

    personnummer = serializers.CharField(
        source="masked_personnummer", read_only=True, help_text="Maskerat: ÅÅÅÅMMDD-****."
    )
    area = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Samverkansområdets kod."
    )

    class Meta:
        model = Person
        fields = ["id", "personnummer", "first_name", "last_name", "sex", "birth_date", "area"]


class PersonDetailSerializer(serializers.ModelSerializer):
    """En deltagare med alla uppgifter."""

    area = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Samverkansområdets kod."
    )

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


class PersonUpdateSerializer(KnownFieldsMixin, VersionRequiredMixin, serializers.ModelSerializer):
    """Ändring (PATCH) av en deltagares uppgifter. Personnummer, kön och födelsedatum följer av
    numret och ändras inte; en flytt till ett annat område görs som en flytt av ärendet."""

    # (Docstrings of serializers are the schema's descriptions of the bodies: Swedish.)

    version = VersionField()

    class Meta:
        model = Person
        fields = ["version", *PERSON_FIELDS]


class PersonCreateSerializer(PersonUpdateSerializer):
    """Registrering (POST) av en ny deltagare i ett av användarens områden. Kön och
    födelsedatum läses ur personnumret (eller samordningsnumret)."""

    personnummer = serializers.CharField(
        max_length=13, help_text="Personnummer eller samordningsnummer: ÅÅÅÅMMDD-NNNN."
    )
    area = UserAreaField()

    class Meta(PersonUpdateSerializer.Meta):
        fields = ["personnummer", "area", *PERSON_FIELDS]

    def validate_personnummer(self, value):
        try:
            parse_identity_number(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value


# --- cases ------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    """Ett ärende. Försäkringskassans ersättningsuppgifter och anteckningar, och
    Arbetsförmedlingens anteckningar, saknas i svaret när läsaren inte får se dem (sekretessen
    mellan myndigheterna): nycklarna utelämnas, de är inte null."""

    # cases.secrecy: the keys are absent, not null, so absence is not a value.

    area = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Samverkansområdets kod."
    )
    fk_office = office_code_field("FK", read_only=True)
    af_office = office_code_field("AF", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "version",
            "person",
            "area",
            "phase",
            "fk_officer",
            "af_officer",
            "fk_office",
            "af_office",
            "target_group",
            "benefit",
            "benefit_end_date",
            "sick_leave_start",
            "return_unlikely_before_181",
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
        extra_kwargs = {
            "closing_doc_date": {
                "help_text": "Dagen då Försäkringskassan bekräftade slutdokumentationen; sätts "
                "av bekräftelsen och ändras inte här."
            }
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
                data.pop(field, None)
        return data


def _officer_field(agency: str):
    return ScopedIdField(
        scope=_officers_in_scope,
        required=False,
        allow_null=True,
        help_text=f"Användar-id för ärendets handläggare på {agency}, i ärendets område.",
    )


class CaseCreateSerializer(KnownFieldsMixin, serializers.ModelSerializer):
    """Öppna (POST) ett ärende för en deltagare i användarens område. Ersättningsuppgifterna
    anges bara av Försäkringskassans personal."""

    # cases.services.case_open; the agency check is the view's (editable_case_fields).

    person = ScopedIdField(scope=_person_in_scope, help_text="Deltagarens id.")
    phase = serializers.ChoiceField(
        choices=OPENING_PHASES,
        default=Phase.REFERRED,
        help_text="Ärendet börjar som anmält till beredningsgruppen (referral_date krävs) eller "
        "direkt i behovsanalys (start_date krävs).",
    )
    fk_officer = _officer_field("Försäkringskassan")
    af_officer = _officer_field("Arbetsförmedlingen")
    fk_office = office_code_field("FK")
    af_office = office_code_field("AF")

    class Meta:
        model = Case
        fields = [
            "person",
            "phase",
            "referral_date",
            "start_date",
            "target_group",
            "fk_officer",
            "af_officer",
            "fk_office",
            "af_office",
            "benefit",
            "benefit_end_date",
            "sick_leave_start",
        ]
        extra_kwargs = {
            "referral_date": {"help_text": "Dagen då personen presenterades i beredningsgruppen."},
            "start_date": {
                "help_text": "Dagen då behovsanalysen startar; anges bara när ärendet börjar där."
            },
        }
        # The one-open-case rule is the service's (its message names the person's case).
        validators = []


class CaseUpdateSerializer(KnownFieldsMixin, VersionRequiredMixin, serializers.ModelSerializer):
    """Ändring (PATCH) av ett ärendes uppgifter. Fas, start och avslut ändras genom fasbyten;
    varje myndighet ändrar bara sina egna sekretessbelagda uppgifter."""

    # cases.services.case_update refuses the other agency's fields.

    version = VersionField()
    fk_officer = _officer_field("Försäkringskassan")
    af_officer = _officer_field("Arbetsförmedlingen")
    fk_office = office_code_field("FK")
    af_office = office_code_field("AF")

    class Meta:
        model = Case
        # The fields case_update changes (cases.services.CASE_FIELDS), and the version read.
        fields = ["version", *CASE_FIELDS]
        validators = []


# --- phase transitions ------------------------------------------------------------------------


class PhaseTransitionSerializer(serializers.ModelSerializer):
    """Ett daterat fasbyte i ett ärende (historik, ändras aldrig)."""

    class Meta:
        model = PhaseTransition
        fields = ["id", "case", "from_phase", "to_phase", "date", "note", "by", "created_at"]
        extra_kwargs = {
            "from_phase": {"help_text": "Fasen före bytet; tom när ärendet öppnades."},
            "by": {"help_text": "Användar-id för den som registrerade fasbytet."},
        }


class PhaseTransitionCreateSerializer(KnownFieldsMixin, serializers.Serializer):
    """Fasbyte (POST): ärendet går till nästa fas eller avslutas."""

    # cases.services.case_transition; its errors about `on` are reported under `date`.

    case = ScopedIdField(scope=_case_in_scope, help_text="Ärendets id.")
    to_phase = serializers.ChoiceField(
        choices=Phase.choices,
        help_text="Nästa fas. Ärendet går bara framåt och kan avslutas (closed) från varje fas.",
    )
    date = serializers.DateField(help_text="Datum för fasbytet (ÅÅÅÅ-MM-DD), inte i framtiden.")
    exit_reason = serializers.ChoiceField(
        choices=ExitReason.closing_choices(),
        required=False,
        allow_blank=True,
        help_text="Avslutsorsak: krävs när ärendet avslutas, anges inte annars.",
    )
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Kommentar till fasbytet."
    )
    version = VersionField(
        help_text="Ärendets version (fältet version i GET /cases/{id}/). Har någon ändrat "
        "ärendet sedan dess svarar API:t 409 och inget sparas."
    )

    def validate(self, attrs):
        if attrs.get("exit_reason") and attrs["to_phase"] != Phase.CLOSED:
            raise serializers.ValidationError(
                {"exit_reason": [_("Avslutsorsak anges bara när ärendet avslutas.")]}
            )
        return attrs


# --- status entries ---------------------------------------------------------------------------


class StatusEntrySerializer(serializers.ModelSerializer):
    """En statuspost: deltagarens status hos Arbetsförmedlingen från och med en dag."""

    code = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Statuskoden (AF:s kodlista)."
    )
    code_name = serializers.CharField(
        source="code.name", read_only=True, help_text="Statuskodens benämning."
    )
    outcome_category = serializers.ChoiceField(
        source="code.outcome_category",
        choices=StatusCode._meta.get_field("outcome_category").choices,
        read_only=True,
        help_text="Utfallskategorin som koden räknas till i uppföljningen.",
    )

    class Meta:
        model = StatusEntry
        fields = [
            "id",
            "person",
            "date",
            "code",
            "code_name",
            "outcome_category",
            "note",
            "created_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"created_by": {"help_text": "Användar-id för den som registrerade."}}


class StatusEntryCreateSerializer(KnownFieldsMixin, serializers.Serializer):
    """Statuspost (POST): deltagarens status hos Arbetsförmedlingen en dag. En ny post samma dag
    ersätter dagens post."""

    # cases.services.status_entry_save

    person = ScopedIdField(scope=_person_in_scope, help_text="Deltagarens id.")
    date = serializers.DateField(help_text="Statusens datum (ÅÅÅÅ-MM-DD), inte i framtiden.")
    code = CodeField(
        slug_field="code",
        queryset=StatusCode.objects.all(),
        help_text="Statuskoden (AF:s kodlista); koder som inte längre används avvisas.",
    )
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Kommentar."
    )
