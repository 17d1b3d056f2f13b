"""Included from samverkan/api_urls.py under `exports/`, in the `api` namespace."""

urlpatterns: list = []
