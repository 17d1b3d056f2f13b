from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Import")

    def ready(self):
        # An uploaded import runs in its Celery task, sent through the outbox: queued in the
        # upload's transaction, handed to Redis once it commits or when Redis is back (ADR
        # 0027). The task module calls the services, so it registers itself with them here (ADR
        # 0014 "Registration, not imports").
        from outbox.jobs import job_kind_runner

        from . import jobs, tasks

        jobs.import_jobs_run_by(job_kind_runner(tasks.IMPORT_JOBS))
