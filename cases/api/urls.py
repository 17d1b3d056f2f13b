"""The cases app's API resources, included from samverkan/api_urls.py in the `api` namespace."""

from rest_framework.routers import SimpleRouter

from .views import CaseViewSet, PersonViewSet

router = SimpleRouter()
router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls
