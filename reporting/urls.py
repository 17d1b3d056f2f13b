from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("statistik/", views.overview, name="overview"),
    path("arbetsplaner/", views.work_plan_list, name="work_plan_list"),
    path("arbetsplaner/ny/", views.work_plan_create, name="work_plan_create"),
    path("arbetsplaner/<int:pk>/andra/", views.work_plan_edit, name="work_plan_edit"),
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
]
