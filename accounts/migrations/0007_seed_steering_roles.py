"""The regional managers' roles (FK verksamhetsområdeschef, AF marknadschef) and the national
samverkansgrupp's (issue 20). Created only where missing; an administrator may change them."""

from django.db import migrations

from accounts.reference_data import STEERING_ROLES, ensure_steering_roles


def create(apps, schema_editor):
    ensure_steering_roles(apps.get_model)


def remove(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(
        code__in=[code for code, *_rest in STEERING_ROLES], staffprofile__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_regions_and_steering_roles")]

    operations = [migrations.RunPython(create, remove)]
