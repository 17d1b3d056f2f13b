"""The mapping app's API resources, included from samverkan/api_urls.py in the `api` namespace."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
