"""`/api/v1/me/`: who the caller is in the organisation and what the role may see."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts.models import Area
from accounts.scoping import scope_for

from .api import error_responses


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Användarnamnet.")
    name = serializers.CharField(help_text="För- och efternamn.")
    role = serializers.CharField(help_text="Rollens namn.")
    agency = serializers.CharField(help_text="Myndighetens kod (FK, AF) eller tomt.")
    areas = serializers.ListField(
        child=serializers.CharField(), help_text="Koderna för användarens samverkansområden."
    )
    case_access = serializers.BooleanField(help_text="Sant om rollen ser personer och ärenden.")
    national_aggregates = serializers.BooleanField(
        help_text="Sant om rollen ser hela rikets statistik."
    )


@extend_schema(
    responses={200: MeSerializer, **error_responses(401)},
    summary="Den inloggade användaren och dess behörighet",
)
@api_view(["GET"])
def me(request):
    scope = scope_for(request.user)
    data = {
        "username": request.user.get_username(),
        "name": request.user.get_full_name(),
        "role": scope.role_name,
        "agency": scope.agency_code,
        "areas": list(Area.objects.filter(pk__in=scope.area_ids).values_list("code", flat=True)),
        "case_access": scope.case_access,
        "national_aggregates": scope.national_aggregates,
    }
    return Response(MeSerializer(data).data)
