"""The stale jobs' check every minute instead of every five (ADR 0027): a job whose worker died
is sent again a minute after its start, not after the redelivery time."""

from django.db import migrations

NAME = "Jobb som blivit stående: skicka igen eller avbryt"


def every(seconds):
    def change(apps, schema_editor):
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        schedule, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
        PeriodicTask.objects.filter(name=NAME).update(interval=schedule)

    return change


class Migration(migrations.Migration):
    dependencies = [("outbox", "0003_send_resend")]

    operations = [migrations.RunPython(every(60), every(300))]
