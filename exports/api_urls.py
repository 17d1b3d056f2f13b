"""Included from samverkan/api_urls.py under `exports/`, in the `api` namespace."""

from django.urls import path, re_path

from . import api

urlpatterns = [
    path("participants/", api.ParticipantsExportView.as_view(), name="export-participants"),
    path("interventions/", api.InterventionsExportView.as_view(), name="export-interventions"),
    path("mappings/", api.MappingsExportView.as_view(), name="export-mappings"),
    path("registrations/", api.RegistrationsExportView.as_view(), name="export-registrations"),
    # Any other kind reaches a view, so it is a JSON 404 like the rest of the API.
    re_path(r"^(?P<kind>[^/]+)/$", api.UnknownExportView.as_view(), name="export-unknown"),
]
