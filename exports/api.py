"""`GET /api/v1/exports/<kind>/` (SPEC §6): participants, interventions and joint mappings as
CSV (`;` or `,`), JSON or XLSX, streamed from a server-side cursor.

Who gets which rows is exports.selectors' rule: a user with case access what their own lists
show (as `/api/v1/persons/`, `/api/v1/cases/`, `/api/v1/mappings/`) with names and
personnummer, and with a reason in X-Access-Reason the rest of their areas, each such row logged
as outside the caseload; a role with the export capability but no case access (the export job,
the national analyst) every case of their areas, coarsened and k-anonymous; anyone else 403.
Errors are JSON whatever format was asked for."""

from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from samverkan.api import REASON, error_responses, stated_reason
from samverkan.services import AccessContext

from .columns import KINDS
from .formats import DELIMITERS, FORMATS
from .services import (
    ExportAreaNotFound,
    ExportNotAllowed,
    ExportParamsError,
    ExportRun,
    export_spec_parse,
    export_temporary_xlsx,
)

EXPORT_ID_HEADER = "X-Export-Id"


class JsonErrorsNegotiation(BaseContentNegotiation):
    """The export answers its files itself; DRF renders only errors, always as JSON. (DRF's own
    negotiation would read `format=csv` as a renderer to look for and answer 404.)"""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type

    def select_parser(self, request, parsers):
        return None


class ExportView(APIView):
    kind = ""
    # GET only: a HEAD would run (and log) an export nobody receives.
    http_method_names = ["get", "options"]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrorsNegotiation

    def get(self, request, kind: str | None = None):
        kind = kind or self.kind
        if kind not in KINDS:
            raise exceptions.NotFound()
        context = AccessContext.from_request(request, reason=stated_reason(request)[:500])
        try:
            spec = export_spec_parse(context=context, kind=kind, data=request.query_params)
            # A coarsened export's people are graded when its first file is made.
            run = ExportRun(context=context, spec=spec)
        except ExportNotAllowed:
            # Logged as a refusal by samverkan.api.exception_handler.
            raise exceptions.PermissionDenied(
                _("Din roll får inte exportera deltagaruppgifter.")
            ) from None
        except ExportParamsError as error:
            raise exceptions.ValidationError(error.errors) from None
        except ExportAreaNotFound:
            raise exceptions.NotFound() from None

        run.log_start()
        if spec.file_format == "xlsx":
            # A workbook is a zip file: it is complete only when closed, so it is written to a
            # temporary file (constant memory) and then streamed from there.
            response = FileResponse(
                export_temporary_xlsx(run),
                as_attachment=True,
                filename=run.filename(),
                content_type=spec.format.content_type,
            )
        else:
            response = StreamingHttpResponse(run.stream(), content_type=spec.format.content_type)
            response["Content-Disposition"] = f'attachment; filename="{run.filename()}"'
        response[EXPORT_ID_HEADER] = run.export_id
        response["Cache-Control"] = "no-store"
        return response


# --- the OpenAPI description ------------------------------------------------------------------

PARAMETERS = [
    OpenApiParameter(
        "area",
        str,
        OpenApiParameter.QUERY,
        description="Ett samverkansområdes kod, eller flera koder med kommatecken emellan. Utan "
        "den: alla områden som användaren får exportera. Ett område utanför behörigheten ger "
        "404, som en okänd kod (och loggas).",
    ),
    OpenApiParameter(
        "from",
        str,
        OpenApiParameter.QUERY,
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        description="Första dagen, ÅÅÅÅ-MM-DD, på postens huvuddatum (deltagare: "
        "registreringsdagen, för anmälda ännu inte registrerade anmälningsdagen; insatser: "
        "startdagen; kartläggningar: kartläggningens datum). Poster utan datum faller bort när "
        "en period anges.",
    ),
    OpenApiParameter(
        "to",
        str,
        OpenApiParameter.QUERY,
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        description="Sista dagen, ÅÅÅÅ-MM-DD, medräknad. Får inte ligga före `from`.",
    ),
    OpenApiParameter(
        "format",
        str,
        OpenApiParameter.QUERY,
        enum=list(FORMATS),
        description="csv (standard: UTF-8 med BOM, en rubrikrad), json (en lista av objekt) "
        "eller xlsx (ett Excel-ark, datum som datum).",
    ),
    OpenApiParameter(
        "delimiter",
        str,
        OpenApiParameter.QUERY,
        enum=list(DELIMITERS),
        description="Avgränsaren i CSV: semicolon (standard, som Excel på svenska; decimalkomma) "
        "eller comma (decimalpunkt). Gäller bara format=csv.",
    ),
    OpenApiParameter(
        "headers",
        str,
        OpenApiParameter.QUERY,
        enum=["codes", "labels"],
        description="Rubrikraden i CSV och XLSX: codes (standard, kolumnernas stabila kodnamn) "
        "eller labels (svenska rubriker för den som öppnar filen i ett kalkylark). JSON har "
        "alltid kodnamnen.",
    ),
    OpenApiParameter(
        "export_id",
        str,
        OpenApiParameter.QUERY,
        pattern=r"^[a-p]{32}$",
        description="Id:t (svarshuvudet X-Export-Id) för en export som samma användare har "
        "gjort de senaste 24 timmarna: filen hör då till samma export och får samma person_key "
        "för samma person, så att deltagare, insatser och kartläggningar kan kopplas ihop. "
        "En grovindelad export kräver samma områden och period som exportens första fil "
        "(annars 400). Utan den börjar en ny export med nya nycklar.",
    ),
    OpenApiParameter(
        "Content-Disposition",
        str,
        OpenApiParameter.HEADER,
        response=[200],
        description='attachment; filename="samverkan-<kind>-<områden>-<datum>.<csv|json|xlsx>".',
    ),
    OpenApiParameter(
        EXPORT_ID_HEADER,
        str,
        OpenApiParameter.HEADER,
        response=[200],
        description="Exportens id (32 bokstäver a–p): står i åtkomstloggen och är "
        "nyckeln till exportens pseudonymer (person_key).",
    ),
]

FIELD_TYPES = {
    "integer": lambda text: serializers.IntegerField(allow_null=True, help_text=text),
    "string": lambda text: serializers.CharField(allow_null=True, help_text=text),
    "date": lambda text: serializers.DateField(allow_null=True, help_text=text),
    "boolean": lambda text: serializers.BooleanField(allow_null=True, help_text=text),
    "number": lambda text: serializers.FloatField(allow_null=True, help_text=text),
}


def _row_serializer(kind: str, **kwargs):
    fields = {}
    for column in KINDS[kind]:
        text = column.description
        if column.identity or column.full_only:
            text += " Bara i exporter med full identitet."
        if column.coarsened_only:
            text += " Bara i grovindelade exporter."
        coarsened = column.coarsened
        if coarsened.type != column.type:
            text = f"{text} ({coarsened.type} i grovindelade exporter)"
        fields[column.name] = FIELD_TYPES[column.type](text)
        fields[column.name].required = False
    return inline_serializer(name=f"Export{kind.title()}Row", fields=fields, **kwargs)


def _export_schema(kind: str, summary: str, description: str):
    csv_text = (
        "Rubrikrad med kolumnerna i den här ordningen (identitetskolumnerna bara med full "
        "identitet): " + ";".join(column.name for column in KINDS[kind])
    )
    operation = extend_schema(
        operation_id=f"exports_{kind}",
        tags=["exports"],
        summary=summary,
        description=description + " Varje kolumn beskrivs i JSON-svarets schema nedan.",
        parameters=[*PARAMETERS, REASON],
        responses={
            (200, "text/csv"): OpenApiResponse(
                {"type": "string", "description": csv_text}, description=csv_text
            ),
            (200, "application/json"): OpenApiResponse(
                _row_serializer(kind, many=True),
                description="En lista med en post per rad.",
            ),
            (200, FORMATS["xlsx"].content_type): OpenApiResponse(
                {"type": "string", "format": "binary"},
                description="En Excel-arbetsbok med ett ark (fler vid över en miljon rader).",
            ),
            (400, "application/json"): OpenApiResponse(
                {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                description="Felaktig parameter: {parameter: [meddelanden]}, t.ex. "
                '{"to": ["Slutdatumet (to) får inte ligga före startdatumet (from)."]}.',
            ),
            **{
                (code, "application/json"): response
                for code, response in error_responses(401, 403, 404).items()
            },
        },
    )
    # On the view's (inherited) get, isolated per view by extend_schema_view.
    return extend_schema_view(get=operation)


INTRO = (
    "Med behörighet till ärenden: det som användarens egna listor visar (samma personer som "
    "/api/v1/persons/, ärenden som /api/v1/cases/), med namn och personnummer; med ett skäl i "
    "X-Access-Reason (minst 10 tecken) även övriga personer i de egna områdena, och varje sådan "
    "rad loggas som åtkomst utanför ärendebeståndet. Med exportbehörighet utan ärendeåtkomst "
    "(exportjobb, analytiker): inga personuppgifter på radnivå, utan alla ärenden i de egna "
    "områdena (hela landet med nationell behörighet) grovindelade, månad i stället för datum och "
    "åldersgrupp i stället för födelseår, och k-anonyma: varje kombination av område, kön, "
    "åldersgrupp, utrikes född, funktionsnedsättning och utbildningsnivå delas av minst 5 "
    "personer, annars döljs uppgifterna (kolumnen generalised) eller raden. Perioden gäller då "
    "hela månader. Försäkringskassans uppgifter följer sekretessen mellan myndigheterna. Varje "
    "export loggas."
)


@_export_schema(
    "participants",
    "Export: deltagare i samverkan",
    "En rad per ärende: start, slut, målgrupp, bakgrundsvariabler, situation vid start och "
    "avslut, status dag 365. " + INTRO,
)
class ParticipantsExportView(ExportView):
    kind = "participants"


@_export_schema(
    "interventions",
    "Export: insatser",
    "En rad per insats med ärendets id och personens nyckel. " + INTRO,
)
class InterventionsExportView(ExportView):
    kind = "interventions"


@_export_schema(
    "mappings",
    "Export: gemensamma kartläggningar",
    "En rad per gemensam kartläggning med personens nyckel. " + INTRO,
)
class MappingsExportView(ExportView):
    kind = "mappings"


@_export_schema(
    "registrations",
    "Export: registreringspunkter (som i SUS)",
    "En rad per registreringspunkt (SPEC §3): begäran om och möten i gemensam kartläggning, "
    "registreringen i samverkan, väntelägen, varje aktiv insats och byte mellan slagen, och "
    "avslutet (avslutat eller avbrutet samarbete), med situationen vid start och avslut och "
    "ärendets registrering i SUS och AIS. " + INTRO,
)
class RegistrationsExportView(ExportView):
    kind = "registrations"


@extend_schema(exclude=True)
class UnknownExportView(ExportView):
    """Any other kind: the API's JSON 404 (the URL resolver's would be an HTML page)."""
