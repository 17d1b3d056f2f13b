from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("statistik/medel/", views.follow_up, name="follow_up"),
    path("statistik/medel/forbrukning/", views.consumption_entry, name="consumption"),
]
