from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from cases import selectors
from samverkan.api import ScopedReadOnlyViewSet, error_responses

from .serializers import CaseSerializer, PersonDetailSerializer, PersonListSerializer

REASON = OpenApiParameter(
    "X-Access-Reason",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Skäl för åtkomst till en person utanför eget ärendebestånd (loggas).",
)


# Lists answer 404 for a page that does not exist; a single object also 403 when a reason is
# needed. 401 for both when the token is wrong.
LIST_ERRORS = error_responses(401, 404)
DETAIL_ERRORS = error_responses(401, 403, 404)


@extend_schema_view(
    list=extend_schema(responses={200: PersonListSerializer, **LIST_ERRORS}),
    retrieve=extend_schema(
        parameters=[REASON], responses={200: PersonDetailSerializer, **DETAIL_ERRORS}
    ),
)
class PersonViewSet(ScopedReadOnlyViewSet):
    """Deltagare i användarens samverkansområden. Listan visar maskerat personnummer."""

    object_type = "person"

    def scoped_queryset(self, user):
        return selectors.person_list_visible_to(user=user)

    def list_queryset(self, user):
        return selectors.person_list_on_caseload(user=user)

    def get_serializer_class(self):
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
