"""The database refuses UPDATE and DELETE on monthly snapshots (SPEC §5: immutable, versioned;
a recomputed month is a new version), for every client, not only for the application."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION reporting_snapshot_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reporting_monthlysnapshot is immutable: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER reporting_snapshot_immutable
    BEFORE UPDATE OR DELETE ON reporting_monthlysnapshot
    FOR EACH ROW EXECUTE FUNCTION reporting_snapshot_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS reporting_snapshot_immutable ON reporting_monthlysnapshot;
DROP FUNCTION IF EXISTS reporting_snapshot_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_work_plans_and_snapshots")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
