from django.urls import path

from . import views
from .views.deviations.work import deviation_dialogue_create, deviation_escalate
from .views.monthly_reports import (
    monthly_report,
    monthly_report_pdf,
    monthly_report_status,
    monthly_reports,
)
from .views.referrals import referral_report
from .views.reports import report_index, report_page
from .views.timeliness import timeliness_page
from .views.weekly import weekly_list
from .views.work_plan_review import (
    work_plan_compilation,
    work_plan_decide_view,
    work_plan_detail,
    work_plan_submit_view,
)

app_name = "reporting"

urlpatterns = [
    path("statistik/", views.overview, name="overview"),
    path("statistik/rapporter/", report_index, name="reports"),
    path("statistik/rapporter/<slug:slug>/", report_page, name="report"),
    path("statistik/manadsrapport/", monthly_reports, name="monthly_reports"),
    path("statistik/manadsrapport/<int:pk>/", monthly_report, name="monthly_report"),
    path(
        "statistik/manadsrapport/<int:pk>/status/",
        monthly_report_status,
        name="monthly_report_status",
    ),
    path("statistik/manadsrapport/<int:pk>/pdf/", monthly_report_pdf, name="monthly_report_pdf"),
    path("statistik/beredningsgrupp/", referral_report, name="referral_report"),
    path("statistik/tidsfrister/", timeliness_page, name="timeliness"),
    path("veckolista/", weekly_list, name="weekly_list"),
    path("arbetsplaner/", views.work_plan_list, name="work_plan_list"),
    path("arbetsplaner/ny/", views.work_plan_create, name="work_plan_create"),
    path("arbetsplaner/<int:pk>/andra/", views.work_plan_edit, name="work_plan_edit"),
    path("arbetsplaner/<int:pk>/", work_plan_detail, name="work_plan_detail"),
    path("arbetsplaner/<int:pk>/skicka-in/", work_plan_submit_view, name="work_plan_submit"),
    path("arbetsplaner/<int:pk>/beslut/", work_plan_decide_view, name="work_plan_decide"),
    path("arbetsplaner/sammanstallning/", work_plan_compilation, name="work_plan_compilation"),
    path("avvikelser/", views.deviation_list, name="deviation_list"),
    path("avvikelser/<int:pk>/", views.deviation_detail, name="deviation_detail"),
    path("avvikelser/<int:pk>/andra/", views.deviation_edit, name="deviation_edit"),
    path(
        "avvikelser/<int:pk>/atgarder/ny/",
        views.deviation_action_create,
        name="deviation_action_create",
    ),
    path(
        "avvikelser/atgarder/<int:pk>/klar/",
        views.deviation_action_done,
        name="deviation_action_done",
    ),
    path("avvikelser/<int:pk>/stang/", views.deviation_close, name="deviation_close"),
    path("avvikelser/<int:pk>/eskalera/", deviation_escalate, name="deviation_escalate"),
    path(
        "avvikelser/<int:pk>/dialog/ny/",
        deviation_dialogue_create,
        name="deviation_dialogue_create",
    ),
    path("kvalitetsgranskning/", views.quality_review_list, name="quality_review_list"),
    path(
        "kvalitetsgranskning/<int:pk>/",
        views.quality_review_detail,
        name="quality_review_detail",
    ),
    path(
        "kvalitetsgranskning/arenden/<int:pk>/",
        views.quality_review_item,
        name="quality_review_item",
    ),
    path(
        "kvalitetsgranskning/arenden/<int:pk>/granskare/",
        views.quality_review_reviewer,
        name="quality_review_reviewer",
    ),
    path(
        "kvalitetsgranskning/aterkoppling/<int:pk>/",
        views.quality_feedback_detail,
        name="quality_feedback_detail",
    ),
]
