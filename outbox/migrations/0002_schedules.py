"""Beat's entries for the outbox (ADR 0027): the sweep every minute, the stale jobs every five
minutes. Administrators see and can change them in the admin, as the other schedules."""

from django.db import migrations

SCHEDULES = [
    ("outbox.tasks.task_sends_sweep", "Skicka uppgifter som väntat på Redis", 60),
    ("outbox.tasks.jobs_stale_settle", "Jobb som blivit stående: skicka igen eller avbryt", 300),
]


def add_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task, name, seconds in SCHEDULES:
        schedule, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": schedule, "enabled": True}
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for _task, name, _s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
