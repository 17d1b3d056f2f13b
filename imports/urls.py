from django.urls import path

from . import views
from .organisation.views import organisation_upload

app_name = "imports"

urlpatterns = [
    path("import/", views.upload, name="upload"),
    path("import/<int:pk>/", views.job, name="job"),
    path("import/<int:pk>/status/", views.job_status_json, name="job_status"),
    path("import/organisation/", organisation_upload, name="organisation"),
]
