from django.urls import path

from . import views

app_name = "todo"

urlpatterns = [
    path("att-gora/", views.inbox, name="inbox"),
]
