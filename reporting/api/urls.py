"""The report endpoints, included under /api/v1/reports/ in the `api` namespace."""

from django.urls import path

from .reports import (
    AverageDaysReportView,
    InflowReportView,
    MappingsReportView,
    OutcomesReportView,
    StatusReportView,
)
from .timeliness import TimelinessReportView

urlpatterns = [
    path("outcomes/", OutcomesReportView.as_view(), name="report-outcomes"),
    path("average-days/", AverageDaysReportView.as_view(), name="report-average-days"),
    path("mappings/", MappingsReportView.as_view(), name="report-mappings"),
    path("inflow/", InflowReportView.as_view(), name="report-inflow"),
    path("status/", StatusReportView.as_view(), name="report-status"),
    path("timeliness/", TimelinessReportView.as_view(), name="report-timeliness"),
]
