"""The default activity categories: Tabell 7's rows for FK and Tabell 8's for AF (funds.reference_data).
Reversible: going back removes nothing an administrator may have built on (the categories are
then dropped with the tables by 0001's reversal)."""

from django.db import migrations


def install(apps, schema_editor):
    from funds.reference_data import ensure_default_categories

    ensure_default_categories(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0001_activities_allocations_consumption"),
        ("accounts", "0002_seed_agencies_and_roles"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
