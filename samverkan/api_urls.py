from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import me
from cases.api.views import CaseViewSet, PersonViewSet

router = DefaultRouter()
router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", me, name="me"),
    path("reports/", include("reporting.api.urls")),
    path("imports/", include("imports.api_urls")),
    path("", include(router.urls)),
]
