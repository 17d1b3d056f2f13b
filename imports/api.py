"""`POST /api/v1/imports/<kind>/` (SPEC §6): the imports for machine clients and scripts, the same
code as the page and the command (imports.services.import_file). A multipart upload of `file`
(and `area` for persons); 200 with the counts, 400 with the rejected rows, 403 for anyone but a
coordinator."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AREA_CODE, Area
from samverkan.api import ErrorDetailSerializer, error_responses
from samverkan.services import AccessContext

from .kinds import KINDS
from .reading import MAX_FILE_BYTES
from .results import ImportRejected
from .services import import_file, user_may_import
from .views import SHOWN_REJECTED_ROWS


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="UTF-8, semikolonseparerad (;), en rubrikrad med filtypens kolumner "
        "(README, avsnittet Import)."
    )
    area = serializers.CharField(
        required=False,
        max_length=20,
        help_text="Filtypen persons: koden för samverkansområdet som personerna registreras "
        "i. Behövs inte för den som har ett enda område.",
    )


class ImportResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS, help_text="Filtypen.")
    rows = serializers.IntegerField(help_text="Rader i filen (rubrikraden oräknad).")
    created = serializers.IntegerField(help_text="Rader som registrerades nu.")
    existing = serializers.IntegerField(help_text="Rader som redan fanns; de ändrades inte.")


class ProblemSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="Kolumnen, tom om felet gäller hela raden.")
    message = serializers.CharField(help_text="Skälet, på svenska.")


class RejectedRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Radnumret i filen; rubrikraden är rad 1.")
    column = serializers.CharField(help_text="Kolumnerna med fel, kommaseparerade.")
    message = serializers.CharField(help_text="Alla radens fel i ett meddelande.")
    problems = ProblemSerializer(many=True, help_text="Radens fel, ett per kolumn.")


class ImportRejectedSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Filtypen.")
    detail = serializers.CharField(help_text="Sammanfattning. Inget är sparat.")
    file_error = serializers.CharField(help_text="Fel i filen som helhet, annars tomt.")
    rows = serializers.IntegerField(help_text="Rader i filen.")
    rejected_count = serializers.IntegerField(help_text="Antal avvisade rader.")
    rejected = RejectedRowSerializer(
        many=True, help_text=f"De avvisade raderna, högst {SHOWN_REJECTED_ROWS}."
    )


class IsCoordinator(permissions.BasePermission):
    message = "Bara samordnare kan importera filer."

    def has_permission(self, request, view):
        return user_may_import(request.user)


class ImportView(APIView):
    """Importera en fil (allt eller inget). Samma kontroller som sidan och kommandot."""

    parser_classes = [MultiPartParser]
    permission_classes = [permissions.IsAuthenticated, IsCoordinator]

    @extend_schema(
        operation_id="imports_create",
        summary="Importera en fil av en filtyp (persons, cases, status, mappings)",
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(KINDS),
                description="Filtypen.",
            )
        ],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            400: ImportRejectedSerializer,
            **error_responses(401, 403),
            404: OpenApiResponse(ErrorDetailSerializer, description="Okänd filtyp."),
        },
    )
    def post(self, request, kind):
        if kind not in KINDS:
            # DRF's own (translated) "not found"; the schema names the kinds in its enum.
            raise exceptions.NotFound()
        upload = request.FILES.get("file")
        area = None
        try:
            if upload is None:
                raise ImportRejected(kind=kind, file_error=_("Bifoga filen i fältet file."))
            if upload.size > MAX_FILE_BYTES:
                raise ImportRejected(
                    kind=kind,
                    file_error=_("Filen är större än %(mb)d MB; dela upp den.")
                    % {"mb": MAX_FILE_BYTES // 2**20},
                )
            code = (request.data.get("area") or "").strip()
            if code:
                # Codes are slugs; anything else (a NUL, say) cannot exist.
                area = Area.objects.filter(code=code).first() if AREA_CODE.match(code) else None
                if area is None:
                    raise ImportRejected(
                        kind=kind,
                        file_error=_("Okänt samverkansområde '%(c)s'.") % {"c": code[:20]},
                    )
            result = import_file(
                kind=kind,
                data=upload.read(),
                context=AccessContext.from_request(request),
                area=area,
                filename=upload.name,
            )
        except ImportRejected as rejected:
            return Response(
                rejected.as_dict(limit=SHOWN_REJECTED_ROWS), status=status.HTTP_400_BAD_REQUEST
            )
        return Response(result.as_dict())
