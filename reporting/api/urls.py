"""The report endpoints, included under /api/v1/reports/ in the `api` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("outcomes/", views.OutcomesReportView.as_view(), name="report-outcomes"),
    path("average-days/", views.AverageDaysReportView.as_view(), name="report-average-days"),
    path("mappings/", views.MappingsReportView.as_view(), name="report-mappings"),
    path("inflow/", views.InflowReportView.as_view(), name="report-inflow"),
    path("status/", views.StatusReportView.as_view(), name="report-status"),
]
