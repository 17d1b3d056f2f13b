"""Data: who registered each person, read once from the change history (its first entry), so
that the caseload rule no longer depends on the history that retention will purge."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    HistoricalPerson = apps.get_model("cases", "HistoricalPerson")
    first = (
        HistoricalPerson.objects.filter(id=OuterRef("pk"), history_type="+")
        .order_by("history_date", "history_id")
        .values("history_user_id")[:1]
    )
    Person.objects.filter(registered_by__isnull=True).update(registered_by_id=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_person_registered_by")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
