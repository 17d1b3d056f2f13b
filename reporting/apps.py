from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Uppföljning")

    def ready(self):
        # An ordered monthly report is made by its Celery task, sent through the outbox: queued
        # in the order's transaction, handed to Redis once it commits or when Redis is back (ADR
        # 0027). The task module registers itself with the service (ADR 0014 "Registration,
        # not imports").
        from outbox.jobs import JobKind, job_kind_runner
        from samverkan.health import readiness_check_add

        from . import tasks
        from .completeness import snapshots_missing
        from .models import MonthlyReportDocument
        from .monthly_report import jobs

        states = MonthlyReportDocument.State
        kind = JobKind(
            task=tasks.monthly_report_document_build.name,
            model=MonthlyReportDocument,
            waiting=states.WAITING,
            running=states.RUNNING,
            failed=states.FAILED,
            # Its task (reporting.tasks) takes no job lock: a run is judged by its time alone.
            locked=False,
            message=_(
                "Rapporten blev aldrig klar, troligen på grund av ett driftavbrott. Ingen fil "
                "sparades. Beställ rapporten igen."
            ),
        )
        jobs.monthly_reports_run_by(job_kind_runner(kind))
        # /readyz fails while an area × month lacks its snapshot (reporting.completeness).
        readiness_check_add("months", lambda: not snapshots_missing())
