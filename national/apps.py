from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "national"
    verbose_name = "Nationell uppföljning"

    def ready(self):
        # An ordered package is made by its Celery task, sent through the outbox (ADR 0027); the
        # task module registers itself with the service (ADR 0014 "Registration, not imports").
        from outbox.jobs import JobKind, job_kind_runner

        from . import packages, tasks
        from .models import ReportPackage

        states = ReportPackage.State
        kind = JobKind(
            task=tasks.report_package_build.name,
            model=ReportPackage,
            waiting=states.WAITING,
            running=states.RUNNING,
            failed=states.FAILED,
            locked=False,
            message=_(
                "Paketet blev aldrig klart, troligen på grund av ett driftavbrott. Inga filer "
                "sparades. Beställ det igen."
            ),
        )
        packages.packages_run_by(job_kind_runner(kind))
