"""The cases app's API resources, included from samverkan/api_urls.py in the `api` namespace."""

from rest_framework.routers import SimpleRouter

from .consents import ConsentViewSet
from .views import CaseViewSet, PersonViewSet, PhaseTransitionViewSet, StatusEntryViewSet

router = SimpleRouter()
router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
router.register("phase-transitions", PhaseTransitionViewSet, basename="phase-transition")
router.register("status-entries", StatusEntryViewSet, basename="status-entry")
router.register("consents", ConsentViewSet, basename="consent")

urlpatterns = router.urls
