from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from cases import views as case_views
from operations.metrics import metrics
from samverkan import health

admin.site.site_header = _("Samverkan – administration")
admin.site.site_title = _("Samverkan")

urlpatterns = [
    path("", case_views.home, name="home"),
    # Probes for a load balancer (samverkan.health); production answers them in its middleware.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Prometheus, with its bearer token only (operations.metrics).
    path("metrics", metrics, name="metrics"),
    path("konto/", include("accounts.urls")),
    path("oidc/", include("accounts.oidc_urls")),
    path("", include("cases.urls")),
    path("", include("mapping.urls")),
    path("", include("reporting.urls")),
    path("", include("funds.urls")),
    path("", include("national.urls")),
    path("", include("cases.log_review.urls")),
    path("", include("imports.urls")),
    path("", include("exports.urls")),
    path("", include("todo.urls")),
    path("beredningsgrupp/", include("preparation.urls")),
    path("sprak/", login_not_required(set_language), name="set_language"),
    path("api/v1/", include("samverkan.api_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "samverkan.errors.permission_denied"
handler404 = "samverkan.errors.page_not_found"
