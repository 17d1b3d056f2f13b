from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation och personal")

    def ready(self):
        from audit.services import resolve_user_area_with

        from . import signals  # noqa: F401  (login/logout/lock-out go to the access log)
        from .scoping import first_area_id

        resolve_user_area_with(first_area_id)
