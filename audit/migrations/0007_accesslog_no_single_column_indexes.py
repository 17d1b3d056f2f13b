"""The access log's single-column indexes on the user and the area go: the two-column indexes
(user, time) and (area, time) serve every lookup by either, the foreign keys' checks included,
and each index costs every entry written.

Only the indexes are dropped. Django's own AlterField would drop and re-add both foreign keys,
and re-adding one checks every entry of the log: minutes on a national log, under a lock. On the
partitioned log, DROP INDEX on the parent's index drops each month's too."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    "audit_accesslog_area_id_7ba911c6": "area_id",
    "audit_accesslog_user_id_7f87e501": "user_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_exports_pseudonymised_roles"),
        ("audit", "0006_partition_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in INDEXES],
                    [
                        f'CREATE INDEX IF NOT EXISTS "{name}" ON "audit_accesslog" ("{column}")'
                        for name, column in INDEXES.items()
                    ],
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="accesslog",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.area",
                        verbose_name="område",
                    ),
                ),
                migrations.AlterField(
                    model_name="accesslog",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="användare",
                    ),
                ),
            ],
        )
    ]
