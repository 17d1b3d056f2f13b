"""The reporting calendar's Celery task (thin: an id in, national.packages.package_run)."""

from celery import shared_task

from reporting.tasks import SAFE_TO_REPEAT


@shared_task(**SAFE_TO_REPEAT)
def report_package_build(package_id: int) -> str:
    """Make one ordered package's PDF and XLSX. Safe to run twice: a finished package is left
    as it is, and only the latest run may finish it."""
    from .packages import package_run

    return package_run(package_id=package_id).state
