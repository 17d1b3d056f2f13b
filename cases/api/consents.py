"""The consents resource: a person's recorded consents and legal bases (SPEC §3, §7).

The rules are cases.services.consent_record's, as on the pages: a stated basis, never in the
future, a reason for dating one more than 30 days back, the recorder taken from the login (the
body cannot name one). A consent covering sharing opens nothing until the other agency confirms
it (POST .../confirm/); it is never edited, only confirmed or withdrawn."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.scoping import restrict_to_areas
from cases import selectors, services
from cases.models import Consent
from cases.services import STATED_BASES
from samverkan.api import CREATE_ERRORS, DETAIL_ERRORS, LIST_ERRORS, REASON, UPDATE_ERRORS

from .base import PersonScopedViewSet
from .fields import KnownFieldsMixin, ScopedIdField
from .filters import ConsentFilter
from .views import _renamed, require_person_access


def _person_in_scope(user):
    return selectors.person_list_visible_to(user=user)


# --- bodies -----------------------------------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer):
    """Ett registrerat samtycke eller en rättslig grund för att lämna uppgifter mellan
    Försäkringskassan och Arbetsförmedlingen, eller för registrering i uppföljningen. Ett
    samtycke som omfattar utbyte mellan myndigheterna öppnar uppgifterna först när båda
    myndigheterna har det: awaits_fk och awaits_af säger vems bekräftelse som saknas."""

    recorded_by = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="Användar-id för den som registrerade samtycket."
    )
    source = serializers.ChoiceField(
        choices=Consent.Source.choices,
        read_only=True,
        help_text="Hur posten kom in: registrerad i Samverkan eller vid import.",
    )

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "given_on",
            "basis",
            "covers_sharing",
            "covers_follow_up",
            "legal_basis",
            "backdating_reason",
            "withdrawn_on",
            "awaits_fk",
            "awaits_af",
            "recorded_by",
            "source",
            "created_at",
        ]
        extra_kwargs = {
            "basis": {
                "help_text": "written (skriftligt samtycke), oral (muntligt samtycke), legal "
                "(rättsligt stöd); not_stated för samtycken registrerade innan grunden "
                "efterfrågades och för import."
            },
            "awaits_fk": {"help_text": "Väntar på bekräftelse från Försäkringskassan."},
            "awaits_af": {"help_text": "Väntar på bekräftelse från Arbetsförmedlingen."},
        }


class ConsentCreateSerializer(KnownFieldsMixin, serializers.Serializer):
    """Registrering (POST) av ett samtycke eller en rättslig grund. Den som registrerar är
    den inloggade användaren (anges inte). Datumet får inte ligga i framtiden, och mer än 30
    dagar bakåt kräver ett skäl. Omfattar samtycket utbyte mellan myndigheterna lämnas inga
    uppgifter förrän den andra myndigheten har bekräftat det (POST .../confirm/)."""

    # cases.services.consent_record holds the rules; this only reads the body.

    person = ScopedIdField(scope=_person_in_scope, help_text="Deltagarens id.")
    given_on = serializers.DateField(
        help_text="Dagen samtycket gäller från (ÅÅÅÅ-MM-DD), inte i framtiden."
    )
    basis = serializers.ChoiceField(
        choices=[(b.value, b.label) for b in Consent.Basis if b in STATED_BASES],
        help_text="written (skriftligt samtycke), oral (muntligt samtycke) eller legal "
        "(rättsligt stöd, då krävs legal_basis).",
    )
    covers_sharing = serializers.BooleanField(
        default=False, help_text="Uppgifter får lämnas mellan Försäkringskassan och AF."
    )
    covers_follow_up = serializers.BooleanField(
        default=False, help_text="Personen får registreras för uppföljning."
    )
    legal_basis = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="Lagen eller bestämmelsen som ger stödet; bara när basis är legal.",
    )
    backdating_reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Skäl när given_on ligger mer än 30 dagar bakåt.",
    )


class ConsentWithdrawSerializer(KnownFieldsMixin, serializers.Serializer):
    """Återkallande (POST) av ett samtycke från och med en dag."""

    withdrawn_on = serializers.DateField(
        help_text="Dagen samtycket återkallades (ÅÅÅÅ-MM-DD): inte i framtiden och inte före "
        "dagen samtycket gäller från."
    )


# --- the resource -------------------------------------------------------------------------------

# A service's error about the whole consent, as the API's other 400s name it.
_CONSENT_FIELDS = {"__all__": "non_field_errors"}


@extend_schema_view(
    list=extend_schema(
        summary="Samtycken i ärendebeståndet", responses={200: ConsentSerializer, **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="Ett samtycke",
        parameters=[REASON],
        responses={200: ConsentSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Registrera ett samtycke eller en rättslig grund",
        description="Registrerar ett samtycke (skriftligt eller muntligt) eller en rättslig "
        "grund för en deltagare. Den som registrerar är den inloggade användaren. Datumet får "
        "inte ligga i framtiden; mer än 30 dagar bakåt kräver backdating_reason. Ett samtycke "
        "som omfattar utbyte mellan myndigheterna lämnar inga uppgifter förrän den andra "
        "myndigheten har bekräftat det. En deltagare utanför eget ärendebestånd kräver skäl i "
        "X-Access-Reason.",
        parameters=[REASON],
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer, **CREATE_ERRORS},
    ),
    withdraw=extend_schema(
        summary="Återkalla ett samtycke",
        description="Återkallar samtycket från och med en dag. Från den dagen täcker det inget.",
        parameters=[REASON],
        request=ConsentWithdrawSerializer,
        responses={200: ConsentSerializer, **UPDATE_ERRORS},
    ),
    confirm=extend_schema(
        summary="Bekräfta ett samtycke för den egna myndigheten",
        description="Den egna myndigheten bekräftar ett samtycke som omfattar utbyte mellan "
        "myndigheterna och väntar på den (awaits_fk eller awaits_af). När ingen myndighet "
        "längre väntar lämnas uppgifterna. Ingen begäran i kroppen.",
        parameters=[REASON],
        request=None,
        responses={200: ConsentSerializer, **UPDATE_ERRORS},
    ),
)
class ConsentViewSet(PersonScopedViewSet):
    """Deltagarnas samtycken och rättsliga grunder. Ett samtycke ändras inte i efterhand: det
    bekräftas av den andra myndigheten eller återkallas (POST på /confirm/ och /withdraw/)."""

    object_type = "consent"
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = ConsentSerializer
    filterset_class = ConsentFilter
    write_serializer_class = ConsentCreateSerializer

    def scoped_queryset(self, user):
        return restrict_to_areas(Consent.objects.select_related("person"), user, "person__area")

    def list_queryset(self, user):
        people = selectors.person_list_on_caseload(user=user).values("pk")
        return Consent.objects.filter(person__in=people).select_related("person")

    def person_of(self, obj):
        return obj.person

    def get_serializer_class(self):
        if self.action == "withdraw":
            return ConsentWithdrawSerializer
        return super().get_serializer_class()

    def create_object(self, data):
        person = data.pop("person")
        require_person_access(self.request, person)
        try:
            return services.consent_record(person=person, context=self.access_context(), **data)
        except ValidationError as exc:
            raise _renamed(exc, _CONSENT_FIELDS) from None

    def _writable_object(self):
        if not self.may_write(self.request.user):
            raise PermissionDenied(self.write_denied_message)
        return self.get_object()

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = self._writable_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_withdraw(
            consent=consent,
            withdrawn_on=serializer.validated_data["withdrawn_on"],
            context=self.access_context(),
        )
        return Response(self.output(consent))

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        consent = self._writable_object()
        try:
            consent = services.consent_confirm(consent=consent, context=self.access_context())
        except ValidationError as exc:
            raise _renamed(exc, _CONSENT_FIELDS) from None
        return Response(self.output(consent))
