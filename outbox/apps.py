from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = _("Uppgifter att skicka")

    def ready(self):
        # A worker that starts sends what waited while Redis or the workers were away.
        from . import signals  # noqa: F401
