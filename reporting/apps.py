from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Uppföljning")

    def ready(self):
        # An ordered monthly report is made by its Celery task once the order is committed; the
        # task module registers itself with the service (ADR 0014 "Registration, not imports").
        from . import tasks
        from .monthly_report import jobs

        jobs.monthly_reports_run_by(
            lambda document_id: tasks.monthly_report_document_build.delay(document_id)
        )
