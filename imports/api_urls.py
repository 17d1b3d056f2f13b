"""Included from samverkan/api_urls.py under `imports/`, in the `api` namespace."""

from django.urls import re_path

from .api import ImportView

urlpatterns = [
    # Any kind reaches the view, so an unknown one is a JSON 404 like the rest of the API.
    re_path(r"^(?P<kind>[^/]+)/$", ImportView.as_view(), name="import"),
]
