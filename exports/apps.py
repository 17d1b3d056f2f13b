from django.apps import AppConfig


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exports"
    verbose_name = "Export"

    def ready(self):
        # An ordered browser export runs in its Celery task, sent through the outbox: queued in
        # the order's transaction, handed to Redis once it commits or when Redis is back (ADR
        # 0027). The task module calls the services, so it registers itself with them here
        # rather than the services importing it (no cycle; ADR 0014 "Registration, not imports").
        from outbox.jobs import job_kind_runner

        from . import services, tasks

        services.export_jobs_run_by(job_kind_runner(tasks.EXPORT_JOBS))
