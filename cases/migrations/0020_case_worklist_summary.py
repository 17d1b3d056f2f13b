"""The worklist's summary of each case, stored for the day (cases.worklist_state): the table,
today's summaries of the cases the worklist can show, and the nightly pass as a beat entry
(administrators see and can change it in the admin, as the other schedules)."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

TASK = "cases.tasks.worklist_summaries_refresh"
NAME = "Arbetslistan: dagens sammanfattning av varje ärende"


def backfill(apps, schema_editor):
    """Today's summaries, written by the product's own code from the declarations as they are
    (cases.worklist_state.refresh_all). Should the tables it reads have another shape later on
    (a database migrated from far back), nothing is written: the list evaluates until the
    nightly pass or `manage.py worklist_summaries` writes them."""
    from django.db import DatabaseError, transaction

    from cases.worklist_state import refresh_all

    Case = apps.get_model("cases", "Case")
    if not Case.objects.exists():
        return
    try:
        with transaction.atomic():
            refresh_all()
    except DatabaseError:
        pass


def add_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="5",
        hour="0",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Europe/Stockholm",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": schedule, "enabled": True}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_office_units"),
        # the flags read the plans, meetings, interventions and joint mappings (backfill)
        ("mapping", "0006_office_units"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseWorklistState",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                ("day", models.DateField()),
                ("rules_key", models.CharField(max_length=16)),
                ("nearest_shown", models.DateField(null=True)),
                ("overdue_shown", models.BooleanField()),
                (
                    "flags_shown",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=40), size=None
                    ),
                ),
                ("nearest_hidden", models.DateField(null=True)),
                ("overdue_hidden", models.BooleanField()),
                (
                    "flags_hidden",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=40), size=None
                    ),
                ),
            ],
            options={
                "default_permissions": (),
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(add_schedule, remove_schedule),
    ]
