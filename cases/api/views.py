from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from cases import selectors, services
from cases.models import Person
from samverkan.api import (
    ScopedFilterSet,
    ScopedReadOnlyViewSet,
    ScopedViewSet,
    error_responses,
    validation_error_response,
)

from .serializers import (
    CaseSerializer,
    PersonCreateSerializer,
    PersonDetailSerializer,
    PersonListSerializer,
    PersonUpdateSerializer,
)

REASON = OpenApiParameter(
    "X-Access-Reason",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Skäl för åtkomst till en person utanför eget ärendebestånd (loggas).",
)


# Lists answer 404 for a page that does not exist; a single object also 403 when a reason is
# needed. 401 for both when the token is wrong.
LIST_ERRORS = {**validation_error_response(), **error_responses(401, 404)}
DETAIL_ERRORS = error_responses(401, 403, 404)
CREATE_ERRORS = {**validation_error_response(), **error_responses(401, 403)}
UPDATE_ERRORS = {**validation_error_response(), **error_responses(401, 403, 404, 409)}


class PersonFilter(ScopedFilterSet):
    class Meta:
        model = Person
        fields = ["area"]


@extend_schema_view(
    list=extend_schema(responses={200: PersonListSerializer, **LIST_ERRORS}),
    retrieve=extend_schema(
        parameters=[REASON], responses={200: PersonDetailSerializer, **DETAIL_ERRORS}
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
class PersonViewSet(ScopedViewSet):
    """Deltagare i användarens samverkansområden. Listan visar maskerat personnummer."""

    object_type = "person"
    filterset_class = PersonFilter
    write_serializer_class = PersonCreateSerializer
    update_serializer_class = PersonUpdateSerializer

    def create_object(self, data):
        return services.person_create(request=self.request, **data)

    def update_object(self, obj, data, *, expected_version):
        return services.person_update(
            person=obj, expected_version=expected_version, data=data, request=self.request
        )

    def scoped_queryset(self, user):
        return selectors.person_list_visible_to(user=user)

    def list_queryset(self, user):
        return selectors.person_list_on_caseload(user=user)

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return super().get_serializer_class()
        return PersonListSerializer if self.action == "list" else PersonDetailSerializer


@extend_schema_view(
    list=extend_schema(responses={200: CaseSerializer, **LIST_ERRORS}),
    retrieve=extend_schema(parameters=[REASON], responses={200: CaseSerializer, **DETAIL_ERRORS}),
)
class CaseViewSet(ScopedReadOnlyViewSet):
    """Ärenden i användarens samverkansområden."""

    object_type = "case"
    serializer_class = CaseSerializer

    def scoped_queryset(self, user):
        return selectors.case_list_visible_to(user=user)

    def list_queryset(self, user):
        return selectors.case_list_on_caseload(user=user)

    def person_of(self, obj):
        return obj.person
