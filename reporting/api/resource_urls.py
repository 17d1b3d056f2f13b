"""The follow-up resources (work plans, snapshots, deviation reports), included from
samverkan/api_urls.py in the `api` namespace. The computed reports are in reporting/api/urls.py."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
