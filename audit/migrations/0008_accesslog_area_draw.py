"""The index the log review's sample draws by (`audit.selectors.log_sample`): an area's entries
about a person, in the order of their fixed pseudo-random key (`audit.models.DRAW_KEY`,
`hashint8extended(id, 0)`). A sample then reads at most twice its size of index entries per
area instead of hashing every entry of the month with the reviewer's seed.

Built without blocking the log: a plain CREATE INDEX on the partitioned table would hold every
month's partition against INSERT until the last is built, and every page that shows personal
data writes to the log. So the index is made on the partitioned table alone (ON ONLY: invalid,
nothing built), then on each partition with CREATE INDEX CONCURRENTLY (writes go on meanwhile)
and attached to it; once every partition has its own, PostgreSQL marks the partitioned index
valid. Hence a migration outside a transaction. Partitions made afterwards (the daily task,
`audit_accesslog_add_partitions`) get the index from the partitioned table when they are
created, as they get its other indexes.

Runs as the owner role, like every migration. Interrupted, it can be run again: a partition
that already has its index is skipped, one left half-built (invalid) is built anew.

Measured on the bench machine (2 cores, busy with other work at the time): 26 s for a log of 6
million entries in 136 monthly partitions (generated as the bench's at 1 M participants, 165 MB
of index), 15 s for the bench's 600 000 entries (100 000 participants, 137 partitions); the
log takes writes throughout. Each partition's build waits for the transactions already
running in the database to end, so a long one (an export) holds it up, not the reverse."""

from django.db import migrations, models

INDEX = "accesslog_area_draw"
DEFINITION = "(area_id, hashint8extended(id, 0)) WHERE person_id IS NOT NULL"

# The log's partitions that have no index attached to the partitioned table's.
WITHOUT_INDEX = """
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'audit_accesslog'::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index x ON x.indexrelid = ii.inhrelid
                  WHERE ii.inhparent = %s::regclass AND x.indrelid = c.oid)
ORDER BY c.relname
"""


def build(apps, schema_editor):
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(INDEX)} ON ONLY audit_accesslog {DEFINITION}"
        )
        cursor.execute(WITHOUT_INDEX, [INDEX])
        for (partition,) in cursor.fetchall():
            name = f"{partition}_area_draw"
            cursor.execute(
                "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name]
            )
            row = cursor.fetchone()
            if row is not None and not row[0]:
                cursor.execute(f"DROP INDEX CONCURRENTLY {quote(name)}")
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(name)} "
                f"ON {quote(partition)} {DEFINITION}"
            )
            cursor.execute(f"ALTER INDEX {quote(INDEX)} ATTACH PARTITION {quote(name)}")
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass", [INDEX])
        if not cursor.fetchone()[0]:
            raise RuntimeError(f"{INDEX} is not valid: a partition lacks it; run migrate again")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("audit", "0007_accesslog_no_single_column_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(build, drop)],
            state_operations=[
                migrations.AddIndex(
                    model_name="accesslog",
                    index=models.Index(
                        models.F("area"),
                        models.Func(
                            models.F("id"),
                            models.Value(0),
                            function="hashint8extended",
                            output_field=models.BigIntegerField(),
                        ),
                        condition=models.Q(("person_id__isnull", False)),
                        name=INDEX,
                    ),
                )
            ],
        )
    ]
