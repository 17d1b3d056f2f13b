from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Import")

    def ready(self):
        # An uploaded import runs in its Celery task once the upload is committed. The task
        # module calls the services, so it registers itself with them here (ADR 0014
        # "Registration, not imports").
        from . import jobs, tasks

        jobs.import_jobs_run_by(lambda job_id: tasks.import_job_run.delay(job_id))
