from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("export/", views.start, name="start"),
    path("export/<int:pk>/", views.job, name="job"),
    path("export/<int:pk>/status/", views.job_status, name="job_status"),
    path("export/<int:pk>/fil/", views.download, name="download"),
]
