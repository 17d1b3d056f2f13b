from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("personer/sok/", views.person_search, name="person_search"),
    path("personer/<int:pk>/", views.person_detail, name="person_detail"),
    path("personer/<int:pk>/skal/", views.person_reason, name="person_reason"),
    path("arenden/<int:pk>/", views.case_detail, name="case_detail"),
]
