"""The default retention rule (three years; ADR 0016) and the nightly run as a django-celery-beat
entry, which administrators see and can change in the admin (as the monthly follow-up and the
export clean-up)."""

import datetime as dt

from django.db import migrations

TASK = "retention.tasks.retention_nightly"
NAME = "Gallring av personuppgifter"


def install(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    RetentionRule.objects.get_or_create(
        valid_from=dt.date(2010, 1, 1),
        defaults={
            "years_after_close": 3,
            "years_without_activity": 3,
            "note": "Standardregel vid installationen; ändras efter myndigheternas gallringsbeslut.",
        },
    )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Europe/Stockholm",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "crontab": schedule, "enabled": True},
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
