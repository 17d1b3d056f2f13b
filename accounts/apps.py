from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation och personal")

    def ready(self):
        from . import signals  # noqa: F401  (login/logout/lock-out go to the access log)
