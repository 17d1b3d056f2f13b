"""Included from samverkan/api_urls.py under `imports/`, in the `api` namespace."""

from django.urls import re_path

from .api import ImportJobView, ImportView

urlpatterns = [
    # Any id reaches the view, which answers a malformed one with the API's JSON 404.
    re_path(r"^jobs/(?P<pk>[^/]+)/$", ImportJobView.as_view(), name="import-job"),
    # Any kind reaches the view, so an unknown one is a JSON 404 like the rest of the API.
    re_path(r"^(?P<kind>[^/]+)/$", ImportView.as_view(), name="import"),
]
