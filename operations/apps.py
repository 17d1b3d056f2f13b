from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Drift"

    def ready(self):
        from samverkan.health import readiness_check_add

        from . import celery_counts, heartbeat

        celery_counts.connect()
        heartbeat.connect()
        # /readyz: a Celery worker wrote its heartbeat within the last minute.
        readiness_check_add("worker", heartbeat.worker_answering, needs_database=False)
        # /readyz: every live worker writes where this process reads the exports.
        readiness_check_add(
            "export_directory", heartbeat.export_directory_shared, needs_database=False
        )
