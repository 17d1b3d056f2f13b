from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("statistik/", views.overview, name="overview"),
    path("arbetsplaner/", views.work_plan_list, name="work_plan_list"),
    path("arbetsplaner/ny/", views.work_plan_create, name="work_plan_create"),
    path("arbetsplaner/<int:pk>/andra/", views.work_plan_edit, name="work_plan_edit"),
]
