"""The export job's and the national analyst's roles export participants pseudonymised (SPEC §6,
ADR 0013). Only the roles as seeded are changed; an administrator can change them afterwards."""

from django.db import migrations

from accounts.reference_data import EXPORTS_PSEUDONYMISED


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(code__in=EXPORTS_PSEUDONYMISED).update(exports_pseudonymised=True)


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(code__in=EXPORTS_PSEUDONYMISED).update(exports_pseudonymised=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_role_exports_pseudonymised")]

    operations = [migrations.RunPython(grant, revoke)]
