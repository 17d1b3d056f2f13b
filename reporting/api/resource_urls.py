"""The follow-up resources (work plans, snapshots, deviation reports), included from
samverkan/api_urls.py in the `api` namespace. The computed reports are in reporting/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .deviation_reports import DeviationReportViewSet
from .snapshots import SnapshotViewSet
from .work_plans import WorkPlanViewSet

router = SimpleRouter()
router.register("work-plans", WorkPlanViewSet, basename="work-plan")
router.register("snapshots", SnapshotViewSet, basename="snapshot")
router.register("deviation-reports", DeviationReportViewSet, basename="deviation-report")

urlpatterns = router.urls
