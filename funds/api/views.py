"""`GET /api/v1/funds/follow-up/` (issue 21, item 4): the funds follow-up for a period of whole
months and an area, several areas or the nation, the page's figures (funds.selectors) as JSON.
Who may ask, which areas and the log are the report API's (reporting.api.base,
reporting.computed): money is not personal data, yet the access is scoped and logged as every
aggregate."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting import computed
from reporting.api.base import AggregateEndpoint
from reporting.api.params import period_from_query
from reporting.api.schema import AREA, ERRORS, FROM, TO

from .. import selectors
from .serializers import FundsReportSerializer

REPORT = "funds"


class FundsFollowUpView(AggregateEndpoint, APIView):
    @extend_schema(
        operation_id="funds_follow_up",
        tags=["reports"],
        summary="Ekonomisk uppföljning",
        description="Förbrukning mot tilldelning per myndighet och verksamhet som Tabell 7 "
        "och 8 (varav förvaltning och program), andel av årets medel förbrukad mot andel av "
        "året som gått, kostnad per ny deltagare och per deltagare i arbete eller utbildning "
        "dag 365, och bemanningen normerna kräver per månad (funds.selectors). Belopp i kronor.",
        parameters=[FROM, TO, AREA],
        responses={(200, "application/json"): FundsReportSerializer, **ERRORS},
    )
    def get(self, request):
        period = period_from_query(request.query_params)
        areas = computed.report_areas(
            request=request,
            allowed=self.allowed_areas,
            codes=(request.query_params.get("area") or "").split(","),
            report=REPORT,
        )
        data = selectors.follow_up(period=period, areas=areas, user=request.user)
        data["staffing"] = selectors.staffing(period=period, areas=areas, user=request.user)[
            "months"
        ]
        computed.log_report_read(request=request, report=REPORT, period=period, areas=areas)
        return Response(
            {
                "report": REPORT,
                "from": f"{period.first:%Y-%m}",
                "to": f"{period.last:%Y-%m}",
                "area": areas.area.code if areas.area else None,
                "areas": areas.codes,
                "national": areas.national,
                "data": data,
            }
        )
