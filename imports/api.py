"""`POST /api/v1/imports/<kind>/` (SPEC §6): the imports for machine clients and scripts, the same
code as the page and the command (imports.services.import_file), run as a job like the page's
(imports.jobs). A multipart upload of `file` (and `area` for persons) answers 202 with the job
and its address in `Location`; `GET /api/v1/imports/jobs/<id>/` gives its progress and, once it
has ended, the counts or the rejected rows. 400 for a request without a usable file or with an
unknown area, 403 for anyone but a coordinator; another user's job is a 404."""

from __future__ import annotations

import re

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from accounts.models import AREA_CODE, Area
from samverkan.api import ErrorDetailSerializer, error_responses
from samverkan.services import AccessContext

from .jobs import import_job_create
from .kinds import KINDS
from .models import ImportJob
from .reading import MAX_FILE_BYTES
from .results import ImportRejected
from .services import user_may_import
from .views import SHOWN_REJECTED_ROWS, own_job_or_404, status_message

# Ids beyond 18 digits cannot exist in a bigint.
VALID_PK = re.compile(r"[0-9]{1,18}")


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


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Jobbets id.")
    url = serializers.SerializerMethodField(help_text="Jobbets adress (samma som Location).")
    kind = serializers.ChoiceField(choices=KINDS, help_text="Filtypen.")
    file_name = serializers.CharField(help_text="Den uppladdade filens namn.")
    state = serializers.ChoiceField(
        choices=ImportJob.State.choices,
        help_text="queued och running: pågår; done: importerad (result); rejected: avvisad, "
        "inget är sparat (rejection); failed: misslyckades, inget är sparat (error).",
    )
    message = serializers.SerializerMethodField(help_text="Läget i ord, på svenska.")
    rows_total = serializers.IntegerField(
        allow_null=True,
        help_text="Raderna i filen; en uppskattning (filens radantal) tills importen är klar.",
    )
    rows_checked = serializers.IntegerField(help_text="Rader kontrollerade hittills.")
    rows_written = serializers.IntegerField(
        help_text="Nya rader skrivna hittills i importens transaktion; de sparas först när "
        "hela filen är godkänd."
    )
    created_at = serializers.DateTimeField(help_text="När filen laddades upp.")
    finished_at = serializers.DateTimeField(allow_null=True, help_text="När importen slutade.")
    result = serializers.SerializerMethodField(help_text="Antalen, när state är done.")
    rejection = serializers.SerializerMethodField(
        help_text="De avvisade raderna, när state är rejected."
    )
    error = serializers.CharField(help_text="Skälet, när state är failed; annars tomt.")

    def get_url(self, job) -> str:
        return reverse("api:import-job", args=[job.pk], request=self.context.get("request"))

    def get_message(self, job) -> str:
        return status_message(job)

    @extend_schema_field(ImportResultSerializer(allow_null=True))
    def get_result(self, job):
        return job.outcome if job.state == ImportJob.State.DONE else None

    @extend_schema_field(ImportRejectedSerializer(allow_null=True))
    def get_rejection(self, job):
        return job.outcome if job.state == ImportJob.State.REJECTED else None


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
            202: OpenApiResponse(
                ImportJobSerializer,
                description="Filen är mottagen och importeras i bakgrunden. Följ jobbet på "
                "adressen i Location.",
            ),
            400: OpenApiResponse(
                ImportRejectedSerializer,
                description="Ingen fil, för stor fil eller okänt område. Fel i filens innehåll "
                "kommer i jobbet (state rejected).",
            ),
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
        except ImportRejected as rejected:
            return Response(
                rejected.as_dict(limit=SHOWN_REJECTED_ROWS), status=status.HTTP_400_BAD_REQUEST
            )
        job = import_job_create(
            context=AccessContext.from_request(request), kind=kind, upload=upload, area=area
        )
        body = ImportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ImportJobView(APIView):
    """Ett importjobb: förloppet och, när det är klart, antalen eller de avvisade raderna."""

    # Someone else's job is a 404 whatever the role (as the job page); the right to import is
    # checked after.
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="imports_job_retrieve",
        summary="Läget för en import (bara den som laddade upp filen)",
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Jobbets id."
            )
        ],
        responses={
            200: ImportJobSerializer,
            **error_responses(401, 403),
            404: OpenApiResponse(
                ErrorDetailSerializer, description="Jobbet finns inte, eller är någon annans."
            ),
        },
    )
    def get(self, request, pk: str):
        if not VALID_PK.fullmatch(pk):
            raise exceptions.NotFound()
        try:
            job = own_job_or_404(request, int(pk))
        except Http404:
            raise exceptions.NotFound() from None
        if not user_may_import(request.user):
            raise exceptions.PermissionDenied(IsCoordinator.message)
        response = Response(ImportJobSerializer(job, context={"request": request}).data)
        response["Cache-Control"] = "no-store"
        return response
