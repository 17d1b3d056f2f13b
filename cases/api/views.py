"""The cases app's API resources: persons, cases, phase transitions and status entries (consents:
cases.api.consents).

Reads go through the scoping selectors and the access log (samverkan.api). Writes go through the
same services as the pages (cases.services), with the pages' checks: a person outside the
caller's caseload needs a stated reason (X-Access-Reason), each agency records only its own
secret fields, and a PATCH carries the version it read."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status

from accounts.scoping import restrict_to_areas
from cases import selectors, services
from cases.access import grant_stated_reason, person_access_purpose
from cases.api.base import PersonScopedViewSet
from cases.models import Phase, PhaseTransition, StatusEntry
from cases.secrecy import AF_FIELDS, FK_FIELDS, editable_case_fields, shares_today_annotation
from samverkan.api import (
    CREATE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    REASON,
    UPDATE_ERRORS,
    error_responses,
    stated_reason,
    validation_error_response,
)

from .filters import CaseFilter, PersonFilter, PhaseTransitionFilter, StatusEntryFilter
from .serializers import (
    CaseCreateSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    PersonCreateSerializer,
    PersonDetailSerializer,
    PersonListSerializer,
    PersonUpdateSerializer,
    PhaseTransitionCreateSerializer,
    PhaseTransitionSerializer,
    StatusEntryCreateSerializer,
    StatusEntrySerializer,
)


def require_person_access(request, person) -> None:
    """A write about a person checks the purpose as a read does (ScopedReadOnlyViewSet.
    get_object, the pages' `_person`/`_case`): outside the caller's caseload it needs a reason
    of at least 10 characters in X-Access-Reason, logged as break-the-glass; without one the
    answer is 403 and the refusal is logged. The write itself is logged by the service."""
    grant_stated_reason(request=request, person=person, reason=stated_reason(request))
    person_access_purpose(request=request, person=person)


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's error with its field names as the request body names them."""
    if not hasattr(exc, "error_dict"):
        return exc  # a conflict (409) or a message about the whole record
    return ValidationError(
        {names.get(field, field): errors for field, errors in exc.error_dict.items()}
    )


# --- persons ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Deltagare i ärendebeståndet",
        responses={200: PersonListSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En deltagare",
        parameters=[REASON],
        responses={200: PersonDetailSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        request=PersonCreateSerializer,
        responses={201: PersonDetailSerializer, **CREATE_ERRORS},
        summary="Registrera en deltagare",
    ),
    partial_update=extend_schema(
        parameters=[REASON],
        request=PersonUpdateSerializer,
        responses={200: PersonDetailSerializer, **UPDATE_ERRORS},
        summary="Ändra en deltagares uppgifter",
    ),
)
class PersonViewSet(PersonScopedViewSet):
    """Deltagare i användarens samverkansområden. Listan visar maskerat personnummer och
    användarens (och teamets) ärendebestånd; samordnare ser hela området."""

    object_type = "person"
    filterset_class = PersonFilter
    write_serializer_class = PersonCreateSerializer
    update_serializer_class = PersonUpdateSerializer

    def create_object(self, data):
        return services.person_create(context=self.access_context(), **data)

    def update_object(self, obj, data, *, expected_version):
        return services.person_update(
            person=obj,
            expected_version=expected_version,
            data=data,
            context=self.access_context(),
        )

    def scoped_queryset(self, user):
        return selectors.person_list_visible_to(user=user).select_related("area")

    def list_queryset(self, user):
        return selectors.person_list_on_caseload(user=user).select_related("area")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return super().get_serializer_class()
        return PersonListSerializer if self.action == "list" else PersonDetailSerializer


# --- cases ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Ärenden i ärendebeståndet", responses={200: CaseSerializer, **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="Ett ärende",
        parameters=[REASON],
        responses={200: CaseSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Öppna ett ärende",
        description="Öppnar ett ärende för en deltagare i användarens område, som anmält till "
        "beredningsgruppen eller direkt i behovsanalys. En deltagare har aldrig två öppna "
        "ärenden. Ersättningsuppgifterna (benefit, benefit_end_date, sick_leave_start) "
        "registreras bara av Försäkringskassans personal. En deltagare utanför eget "
        "ärendebestånd kräver skäl i X-Access-Reason.",
        parameters=[REASON],
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, **CREATE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Ändra ett ärendes uppgifter",
        description="Ändrar ärendets uppgifter. Varje myndighet ändrar bara sina egna "
        "sekretessbelagda uppgifter: Försäkringskassan ersättningen, sjukfallet och sina "
        "anteckningar, Arbetsförmedlingen sina anteckningar. Fas, start och avslut ändras "
        "genom fasbyten (/phase-transitions/). Skicka med version från GET.",
        parameters=[REASON],
        request=CaseUpdateSerializer,
        responses={200: CaseSerializer, **UPDATE_ERRORS},
    ),
)
class CaseViewSet(PersonScopedViewSet):
    """Ärenden i användarens samverkansområden. Uppgifter som läsaren inte får se enligt
    sekretessen mellan myndigheterna saknas i svaret (nycklarna utelämnas)."""

    object_type = "case"
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    write_serializer_class = CaseCreateSerializer
    update_serializer_class = CaseUpdateSerializer

    def scoped_queryset(self, user):
        return selectors.case_list_visible_to(user=user)

    def list_queryset(self, user):
        # Whether each person shares between the agencies today, in the list's one query
        # (CaseSerializer hides FK's and AF's fields by it).
        return selectors.case_list_on_caseload(user=user).annotate(
            shares_today=shares_today_annotation()
        )

    def person_of(self, obj):
        return obj.person

    def create_object(self, data):
        person = data.pop("person")
        require_person_access(self.request, person)
        # Each agency records its own facts (SPEC §7), as the page's form offers only those.
        others = (FK_FIELDS | AF_FIELDS) - editable_case_fields(user=self.request.user)
        refused = sorted(set(data) & others)
        if refused:
            raise ValidationError(
                {f: _("Uppgiften registreras av den andra myndigheten.") for f in refused}
            )
        if data["phase"] == Phase.REFERRED and data.get("start_date"):
            # A referred case starts when it moves to the needs analysis (a phase transition).
            raise ValidationError(
                {
                    "start_date": _(
                        "Startdagen anges bara när ärendet börjar i behovsanalys; ett anmält "
                        "ärende startar genom ett fasbyte."
                    )
                }
            )
        return services.case_open(person=person, context=self.access_context(), **data)

    def update_object(self, obj, data, *, expected_version):
        if obj.phase == Phase.REFERRED and "referral_date" in data and not data["referral_date"]:
            # A referred case is dated by its preparation group (rule 1 counts from it), as the
            # page's form requires.
            raise ValidationError({"referral_date": _("Ange datum för beredningsgruppen.")})
        return services.case_update(
            case=obj,
            expected_version=expected_version,
            data=data,
            context=self.access_context(),
        )


# --- phase transitions ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Fasbyten i ärendebeståndet",
        responses={200: PhaseTransitionSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Ett fasbyte",
        parameters=[REASON],
        responses={200: PhaseTransitionSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Byt fas i ett ärende",
        description="Flyttar ärendet till nästa fas (anmäld → behovsanalys → introduktion och "
        "prövning → arbetslivsinriktade insatser) eller avslutar det (closed, med "
        "exit_reason) från varje fas. En individuell plan krävs före introduktion och "
        "prövning, och efter ärendets längsta tid i samverkan kan det bara avslutas. Skicka "
        "med ärendets version; har ärendet ändrats sedan dess svarar API:t 409. Svaret är det "
        "nya fasbytet. Fasbyten är historik: de ändras aldrig (ingen PATCH).",
        parameters=[REASON],
        request=PhaseTransitionCreateSerializer,
        responses={
            201: PhaseTransitionSerializer,
            **validation_error_response(),
            **error_responses(401, 403, 409),
        },
    ),
)
class PhaseTransitionViewSet(PersonScopedViewSet):
    """Ärendenas daterade fasbyten (historik). Ett fasbyte registreras med POST och ändras
    aldrig efteråt: det finns ingen PATCH."""

    object_type = "phasetransition"
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = PhaseTransitionSerializer
    filterset_class = PhaseTransitionFilter
    write_serializer_class = PhaseTransitionCreateSerializer

    def scoped_queryset(self, user):
        return restrict_to_areas(
            PhaseTransition.objects.select_related("case__person"), user, "case__area"
        )

    def list_queryset(self, user):
        cases = selectors.case_list_on_caseload(user=user).values("pk")
        return PhaseTransition.objects.filter(case__in=cases).select_related("case")

    def person_of(self, obj):
        return obj.case.person

    def create_object(self, data):
        case = data["case"]
        require_person_access(self.request, case.person)
        try:
            case = services.case_transition(
                case=case,
                to_phase=data["to_phase"],
                on=data["date"],
                exit_reason=data.get("exit_reason", ""),
                note=data.get("note", ""),
                expected_version=data["version"],
                context=self.access_context(),
            )
        except ValidationError as exc:
            raise _renamed(exc, {"on": "date"}) from None
        return case.transitions.order_by("-id").first()


# --- status entries ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Statusposter i ärendebeståndet",
        responses={200: StatusEntrySerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En statuspost",
        parameters=[REASON],
        responses={200: StatusEntrySerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Registrera en deltagares status",
        description="Registrerar deltagarens status hos Arbetsförmedlingen en dag. Finns redan "
        "en post den dagen ersätts den (svar 200); annars skapas en ny (svar 201). Så rättas "
        "en post: det finns ingen PATCH.",
        parameters=[REASON],
        request=StatusEntryCreateSerializer,
        responses={
            201: StatusEntrySerializer,
            200: OpenApiResponse(
                StatusEntrySerializer, description="Dagens post fanns och är ersatt."
            ),
            **CREATE_ERRORS,
        },
    ),
)
class StatusEntryViewSet(PersonScopedViewSet):
    """Deltagarnas statustidslinje hos Arbetsförmedlingen (sökandestatus), källan till utfallet
    dag 365. Statusen en dag är den senaste posten på eller före dagen. En post rättas genom en
    ny post samma dag (POST), som ersätter den: det finns ingen PATCH."""

    object_type = "statusentry"
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = StatusEntrySerializer
    filterset_class = StatusEntryFilter
    write_serializer_class = StatusEntryCreateSerializer

    def scoped_queryset(self, user):
        return StatusEntry.objects.visible_to(user).select_related("person", "code")

    def list_queryset(self, user):
        people = selectors.person_list_on_caseload(user=user).values("pk")
        return StatusEntry.objects.filter(person__in=people).select_related("person", "code")

    def person_of(self, obj):
        return obj.person

    def create_object(self, data):
        person = data["person"]
        require_person_access(self.request, person)
        # status_entry_save replaces the day's entry; the answer tells which happened.
        self.replaced = StatusEntry.objects.filter(person=person, date=data["date"]).exists()
        return services.status_entry_save(
            person=person,
            on=data["date"],
            code=data["code"],
            note=data.get("note", ""),
            context=self.access_context(),
        )

    def create(self, request, *args, **kwargs):
        self.replaced = False
        response = super().create(request, *args, **kwargs)
        if self.replaced:
            response.status_code = status.HTTP_200_OK
        return response
