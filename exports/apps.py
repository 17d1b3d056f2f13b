from django.apps import AppConfig


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exports"
    verbose_name = "Export"

    def ready(self):
        # An ordered browser export runs in its Celery task, once the order is committed. The
        # task module calls the services, so it registers itself with them here rather than the
        # services importing it (no cycle; ADR 0014 "Registration, not imports").
        from . import services, tasks

        services.export_jobs_run_by(lambda job_id: tasks.export_job_run.delay(job_id))
