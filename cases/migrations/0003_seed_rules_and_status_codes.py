from django.db import migrations

from cases.reference_data import ensure_reference_data


def seed(apps, schema_editor):
    ensure_reference_data(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_lifecycle_rules_status_history")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
