from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Medel")

    def ready(self):
        # The funds in the management group's monthly report: reporting sits below this app and
        # reaches it only through this registration (ADR 0014).
        from reporting.monthly_report.content import monthly_report_part_add

        from .tables import monthly_report_sections

        monthly_report_part_add("funds", monthly_report_sections)
