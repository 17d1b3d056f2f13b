from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Åtkomstlogg")

    def ready(self):
        # Registers the deployment check of the database role (ADR 0020).
        from audit import checks  # noqa: F401
