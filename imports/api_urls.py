"""Included from samverkan/api_urls.py under `imports/`, in the `api` namespace."""

from django.urls import re_path

from .api import ImportView

urlpatterns = [
    re_path(r"^(?P<kind>persons|cases|status|mappings)/$", ImportView.as_view(), name="import"),
]
