"""The reconciliation of snapshots each night (reporting.tasks.snapshots_reconcile): 04:00
Swedish time, after the monthly job of the first of the month (02:00) has had its time, as a
django-celery-beat entry that administrators see and can change in the admin."""

from django.db import migrations

TASK = "reporting.tasks.snapshots_reconcile"
NAME = "Månadsuppföljning: saknade månader sammanställs"


def add_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="4",
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
        ("reporting", "0010_forecast_rates_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
