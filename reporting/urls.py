from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [path("statistik/", views.overview, name="overview")]
