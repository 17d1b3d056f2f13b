"""Uploads waiting for their import are removed after two hours at the latest (imports.jobs.
import_files_purge): a django-celery-beat entry running every hour, which administrators see
and can change in the admin (as the exports' clean-up)."""

from django.db import migrations

TASK = "imports.tasks.import_files_purge"
NAME = "Importer: ta bort kvarlämnade uppladdade filer"


def add_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="45",
        hour="*",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Europe/Stockholm",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "crontab": schedule, "enabled": True},
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
