from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .api_me import me

app_name = "api"

# Each app lists its own resources (SimpleRouter in <app>/api/urls.py), all in this namespace.
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", me, name="me"),
    path("reports/", include("reporting.api.urls")),
    path("funds/", include("funds.api.urls")),
    path("imports/", include("imports.api_urls")),
    path("exports/", include("exports.api_urls")),
    path("", include("cases.api.urls")),
    path("", include("mapping.api.urls")),
    path("", include("reporting.api.resource_urls")),
]
