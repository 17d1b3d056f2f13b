"""The mapping app's API resources, included from samverkan/api_urls.py in the `api` namespace."""

from rest_framework.routers import SimpleRouter

from .interventions import InterventionViewSet
from .mappings import JointMappingViewSet
from .meetings import MeetingViewSet
from .plans import PlanVersionViewSet

router = SimpleRouter()
router.register("mappings", JointMappingViewSet, basename="mapping")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("plans", PlanVersionViewSet, basename="plan")
router.register("interventions", InterventionViewSet, basename="intervention")

urlpatterns = router.urls
