from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [path("logguppfoljning/", views.review, name="review")]
