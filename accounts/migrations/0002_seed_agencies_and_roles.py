"""The two agencies and the roles of SPEC §1, as data an administrator can assign and adjust."""

from django.db import migrations

from accounts.reference_data import AGENCIES, ROLES, ensure_reference_data


def seed(apps, schema_editor):
    ensure_reference_data(apps.get_model)


def unseed(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES]).delete()
    apps.get_model("accounts", "Agency").objects.filter(code__in=[a[0] for a in AGENCIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
