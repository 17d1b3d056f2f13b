"""The OpenAPI description the statistics endpoints share (drf-spectacular): the documented
answers of each kind of operation, and the reports' parameters, errors and CSV answer. The API
fuzzing test (samverkan/tests/test_api_fuzz.py) checks that every answer is documented."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from samverkan.api import error_responses, validation_error_response

from .params import MAX_MONTHS
from .report_serializers import ReportErrorSerializer

# --- the resources (work plans, snapshots, deviation reports) -----------------------------------

# Every operation may answer 403: a role without statistics is refused everywhere
# (reporting.api.base.AggregateEndpoint).
LIST_ERRORS = {**validation_error_response(), **error_responses(401, 403, 404)}
DETAIL_ERRORS = error_responses(401, 403, 404)
CREATE_ERRORS = {**validation_error_response(), **error_responses(401, 403, 409)}
UPDATE_ERRORS = {**validation_error_response(), **error_responses(401, 403, 404, 409)}
ACTION_ERRORS = {**validation_error_response(), **error_responses(401, 403, 404)}


# --- the computed reports (reporting.api.reports) ---------------------------------------------

FROM = OpenApiParameter(
    "from",
    str,
    OpenApiParameter.QUERY,
    pattern=r"^[0-9]{4}-[0-9]{2}$",
    description="Första månaden, ÅÅÅÅ-MM (1900-01 till 2100-12). Saknas den är den lika med "
    "`to`; saknas båda gäller den senaste hela månaden.",
)
TO = OpenApiParameter(
    "to",
    str,
    OpenApiParameter.QUERY,
    pattern=r"^[0-9]{4}-[0-9]{2}$",
    description="Sista månaden, ÅÅÅÅ-MM, hela månaden medräknad. Saknas den gäller den senaste "
    f"hela månaden. Högst {MAX_MONTHS} månader från `from`.",
)
AREA = OpenApiParameter(
    "area",
    str,
    OpenApiParameter.QUERY,
    description="Ett samverkansområdes kod, eller flera koder med kommatecken emellan (deras "
    "summa). Utan den: riket för nationella roller, summan av de egna områdena för övriga. Ett "
    "område utanför behörigheten ger 404, som en okänd kod.",
)
REGION = OpenApiParameter(
    "region",
    str,
    OpenApiParameter.QUERY,
    description="En regions kod (Försäkringskassans verksamhetsområde eller "
    "Arbetsförmedlingens marknadsområde): summan av regionens aktiva samverkansområden, "
    "tillsammans med dem i `area` om den också anges. Regionala chefer når sina egna regioner, "
    "nationella roller alla. En region utanför behörigheten ger 404, som en okänd kod; en region "
    "utan aktiva områden ger 400.",
)
DAY = OpenApiParameter(
    "day",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="En dag, ÅÅÅÅ-MM-DD, i stället för `from`/`to`: tillstånden den dagen och de "
    "som avslutades den dagen.",
)
FORMAT = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description="`csv` ger rapporten som CSV (UTF-8 med BOM, semikolonseparerad, en "
    "rubrikrad, andelar som i tabellerna, tom cell för dolt värde).",
)
BENEFIT = OpenApiParameter(
    "benefit",
    str,
    OpenApiParameter.QUERY,
    enum=[
        "sjukpenning",
        "rehabiliteringspenning",
        "tidsbegransad_sjukersattning",
        "sjukersattning",
        "aktivitetsersattning",
        "ingen",
        "unknown",
    ],
    description="Bara kartläggningar för personer med den ersättningen (`unknown`: ingen "
    "registrerad); andelarna är då av deras antal, som i Tabell 1 (sjukpenning). Inte för "
    "handläggare utanför Försäkringskassan: ersättningen är Försäkringskassans uppgift (400).",
)
DISPOSITION = OpenApiParameter(
    "Content-Disposition",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description='Vid CSV: attachment; filename="samverkan-<rapport>-<period>-<område>.csv", '
    "där <område> är områdets kod, `riket`, koderna med bindestreck (högst tre, annars "
    "`omraden`) eller regionens kod (följd av de områden som angavs utöver regionen).",
)

# Errors are JSON whatever format was asked for (ReportView.finalize_response).
ERRORS = {
    (400, "application/json"): OpenApiResponse(
        {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        description="Felaktig parameter: {fältnamn: [meddelanden]}, t.ex. "
        '{"to": ["Slutmånaden (to) får inte ligga före startmånaden (from)."]}.',
    ),
    (401, "application/json"): OpenApiResponse(
        ReportErrorSerializer, description="Inte inloggad, eller API-nyckeln är fel."
    ),
    (403, "application/json"): OpenApiResponse(
        ReportErrorSerializer, description="Rollen ser ingen statistik."
    ),
    (404, "application/json"): OpenApiResponse(
        ReportErrorSerializer,
        description="Området eller regionen finns inte eller ligger utanför behörigheten.",
    ),
}


def report_schema(
    *,
    report: str,
    summary: str,
    description: str,
    serializer,
    csv: str,
    day=False,
    benefit=False,
):
    parameters = [
        FROM,
        TO,
        *([DAY] if day else []),
        AREA,
        REGION,
        *([BENEFIT] if benefit else []),
        FORMAT,
        DISPOSITION,
    ]
    operation = extend_schema(
        operation_id=f"reports_{report}",
        tags=["reports"],
        summary=summary,
        description=description,
        parameters=parameters,
        responses={
            (200, "application/json"): serializer,
            (200, "text/csv"): OpenApiResponse(
                {"type": "string", "description": csv}, description=csv
            ),
            **ERRORS,
        },
    )
    # On the view's (inherited) get, isolated per view by extend_schema_view.
    return extend_schema_view(get=operation)
