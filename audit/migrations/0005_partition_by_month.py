"""The access log becomes a table partitioned by month of `occurred_at` (SPEC §7, ADR 0003).

At national scale the log grows by about a million entries a month and is kept at least five
years. Its reviews read one month of one area; a month that is its own partition is found
without reading the others, and the five-year retention removes whole months (a partition
dropped) instead of deleting rows, which the log refuses anyway.

- Months start at local midnight of the 1st in Europe/Stockholm (the project's time zone, as
  `audit.periods` counts the review's days), so one month of the review is one partition.
- The existing table is converted in place: its entries (ids kept), indexes, foreign keys,
  privileges (the application role's SELECT and INSERT only, ADR 0020) and both append-only
  triggers. The row trigger on the partitioned table is cloned by PostgreSQL onto every
  partition; the TRUNCATE trigger, a statement trigger, is not, so each partition is given one.
- PostgreSQL requires the partition key in the primary key: in the database it is
  (id, occurred_at). `id` still comes from one sequence, so it stays unique, and Django keeps it
  as the model's primary key.
- A DEFAULT partition takes an entry whose month has no partition yet, so writing to the log
  never fails. Partitions are created ahead (`audit_accesslog_add_partitions`, from the daily
  task of migration 0006); one created for a month that already has entries in the DEFAULT
  partition moves them into it (written again with the same ids: nothing is lost).
- `audit_accesslog_drop_expired(years)` drops the months that ended more than `years` years
  ago, and refuses fewer than five. Both run as the owner (SECURITY DEFINER): the application
  role owns nothing and may not alter the log, so it is given these two narrow doors and no
  other (`audit.dbroles.grant_app_role`).

The conversion copies every entry once, holding the table locked meanwhile: plan it as
downtime on a large log."""

from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION audit_accesslog_copy_privileges(source regclass, target regclass)
RETURNS void LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.oid = target AND a.grantee <> c.relowner LOOP
        EXECUTE format('REVOKE %s ON %s FROM %s', r.privilege_type, target,
                       CASE r.grantee WHEN 0 THEN 'PUBLIC' ELSE r.grantee::regrole::text END);
    END LOOP;
    FOR r IN SELECT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.oid = source AND a.grantee <> c.relowner LOOP
        EXECUTE format('GRANT %s ON %s TO %s', r.privilege_type, target,
                       CASE r.grantee WHEN 0 THEN 'PUBLIC' ELSE r.grantee::regrole::text END);
    END LOOP;
END;
$$;

CREATE FUNCTION audit_accesslog_new_partition(table_name text, bounds text)
RETURNS void LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    EXECUTE format('CREATE TABLE %I PARTITION OF audit_accesslog %s', table_name, bounds);
    EXECUTE format('CREATE TRIGGER audit_accesslog_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_refuse_truncate()',
                   table_name);
    PERFORM audit_accesslog_copy_privileges('audit_accesslog'::regclass, table_name::regclass);
END;
$$;

CREATE FUNCTION audit_accesslog_add_month(month date)
RETURNS boolean LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    first_day date := date_trunc('month', month)::date;
    table_name text := 'audit_accesslog_p' || to_char(first_day, 'YYYY_MM');
    low timestamptz := first_day::timestamp AT TIME ZONE 'Europe/Stockholm';
    high timestamptz := (first_day + interval '1 month')::timestamp AT TIME ZONE 'Europe/Stockholm';
    bounds text := format('FOR VALUES FROM (%L) TO (%L)', low, high);
BEGIN
    IF to_regclass(table_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT 1 FROM audit_accesslog_default
               WHERE occurred_at >= low AND occurred_at < high) THEN
        -- PostgreSQL will not add the month beside its entries in the DEFAULT partition, and the
        -- log refuses DELETE: the DEFAULT partition is set aside, a new one made and the entries
        -- written again through the table (same ids), each into its month.
        ALTER TABLE audit_accesslog DETACH PARTITION audit_accesslog_default;
        ALTER TABLE audit_accesslog_default RENAME TO audit_accesslog_default_moved;
        PERFORM audit_accesslog_new_partition('audit_accesslog_default', 'DEFAULT');
        PERFORM audit_accesslog_new_partition(table_name, bounds);
        INSERT INTO audit_accesslog SELECT * FROM audit_accesslog_default_moved;
        DROP TABLE audit_accesslog_default_moved;
    ELSE
        PERFORM audit_accesslog_new_partition(table_name, bounds);
    END IF;
    RETURN true;
END;
$$;

CREATE FUNCTION audit_accesslog_add_partitions(months_ahead integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    this_month date := date_trunc('month', now() AT TIME ZONE 'Europe/Stockholm')::date;
    made integer := 0;
BEGIN
    IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 24 THEN
        RAISE EXCEPTION 'months ahead must be 0 to 24 (asked: %)', months_ahead
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 0 .. months_ahead LOOP
        IF audit_accesslog_add_month((this_month + make_interval(months => i))::date) THEN
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END;
$$;

CREATE FUNCTION audit_accesslog_expired_partitions(years integer)
RETURNS TABLE (partition_name text, first_day date, entries bigint)
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    keep_from timestamptz;
    first_month date;
    r record;
BEGIN
    IF years IS NULL OR years < 5 THEN
        RAISE EXCEPTION 'the access log is kept at least five years (asked: % years)', years
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Local midnight `years` calendar years before today: a month goes only when all of it
    -- lies before that, so every entry dropped is older than `years` years.
    keep_from := ((now() AT TIME ZONE 'Europe/Stockholm')::date
                  - make_interval(years => years))::date::timestamp AT TIME ZONE 'Europe/Stockholm';
    FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'audit_accesslog'::regclass
               AND c.relname ~ '^audit_accesslog_p[0-9]{4}_[0-9]{2}$'
             ORDER BY c.relname LOOP
        first_month := to_date(right(r.relname, 7), 'YYYY_MM');
        IF (first_month + interval '1 month')::timestamp AT TIME ZONE 'Europe/Stockholm'
           <= keep_from THEN
            RETURN QUERY EXECUTE format('SELECT %L::text, %L::date, count(*) FROM %I',
                                        r.relname, first_month, r.relname);
        END IF;
    END LOOP;
END;
$$;

CREATE FUNCTION audit_accesslog_drop_expired(years integer)
RETURNS TABLE (partition_name text, first_day date, entries bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM audit_accesslog_expired_partitions(years) LOOP
        EXECUTE format('DROP TABLE %I', r.partition_name);
        partition_name := r.partition_name;
        first_day := r.first_day;
        entries := r.entries;
        RETURN NEXT;
    END LOOP;
END;
$$;

REVOKE EXECUTE ON FUNCTION audit_accesslog_copy_privileges(regclass, regclass),
    audit_accesslog_new_partition(text, text), audit_accesslog_add_month(date),
    audit_accesslog_add_partitions(integer), audit_accesslog_expired_partitions(integer),
    audit_accesslog_drop_expired(integer) FROM PUBLIC;
"""

CONVERT = """
LOCK TABLE audit_accesslog IN ACCESS EXCLUSIVE MODE;

-- What the table has besides its columns, to be made again on the partitioned one.
CREATE TEMP TABLE audit_accesslog_ddl ON COMMIT DROP AS
    SELECT pg_get_indexdef(indexrelid) AS statement FROM pg_index
    WHERE indrelid = 'audit_accesslog'::regclass AND NOT indisprimary
    UNION ALL
    SELECT format('ALTER TABLE audit_accesslog ADD CONSTRAINT %I %s', conname,
                  pg_get_constraintdef(oid))
    FROM pg_constraint WHERE conrelid = 'audit_accesslog'::regclass AND contype IN ('f', 'c');

ALTER TABLE audit_accesslog RENAME TO audit_accesslog_unpartitioned;
CREATE TABLE audit_accesslog (LIKE audit_accesslog_unpartitioned)
    PARTITION BY RANGE (occurred_at);
SELECT audit_accesslog_copy_privileges('audit_accesslog_unpartitioned', 'audit_accesslog');
SELECT audit_accesslog_new_partition('audit_accesslog_default', 'DEFAULT');
SELECT audit_accesslog_add_month(month::date) FROM generate_series(
    date_trunc('month', coalesce((SELECT min(occurred_at) FROM audit_accesslog_unpartitioned),
                                 now()) AT TIME ZONE 'Europe/Stockholm'),
    date_trunc('month', now() AT TIME ZONE 'Europe/Stockholm') + interval '3 months',
    interval '1 month') AS month;
INSERT INTO audit_accesslog SELECT * FROM audit_accesslog_unpartitioned;

-- One sequence for the ids, continuing where the old one stopped.
DO $$
DECLARE
    old_sequence text := pg_get_serial_sequence('audit_accesslog_unpartitioned', 'id');
    last_id bigint;
BEGIN
    EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM %s', old_sequence)
        INTO last_id;
    last_id := greatest(last_id, (SELECT max(id) FROM audit_accesslog_unpartitioned), 0);
    CREATE SEQUENCE audit_accesslog_id_seq_new;
    PERFORM audit_accesslog_copy_privileges(old_sequence::regclass,
                                            'audit_accesslog_id_seq_new'::regclass);
    DROP TABLE audit_accesslog_unpartitioned;
    ALTER SEQUENCE audit_accesslog_id_seq_new RENAME TO audit_accesslog_id_seq;
    ALTER SEQUENCE audit_accesslog_id_seq OWNED BY audit_accesslog.id;
    PERFORM setval('audit_accesslog_id_seq', greatest(last_id, 1), last_id > 0);
END;
$$;
ALTER TABLE audit_accesslog ALTER COLUMN id SET DEFAULT nextval('audit_accesslog_id_seq');

ALTER TABLE audit_accesslog ADD CONSTRAINT audit_accesslog_pkey PRIMARY KEY (id, occurred_at);
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT statement FROM audit_accesslog_ddl LOOP
        EXECUTE r.statement;
    END LOOP;
END;
$$;
CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_refuse_change();
CREATE TRIGGER audit_accesslog_no_truncate
    BEFORE TRUNCATE ON audit_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_refuse_truncate();
-- Statistics for the new tables at once, not at autovacuum's next visit.
ANALYZE audit_accesslog;
"""

# Back to one table: the same steps the other way (the partitions' entries, ids kept).
UNCONVERT = """
LOCK TABLE audit_accesslog IN ACCESS EXCLUSIVE MODE;
CREATE TEMP TABLE audit_accesslog_ddl ON COMMIT DROP AS
    SELECT pg_get_indexdef(indexrelid) AS statement FROM pg_index
    WHERE indrelid = 'audit_accesslog'::regclass AND NOT indisprimary
    UNION ALL
    SELECT format('ALTER TABLE audit_accesslog ADD CONSTRAINT %I %s', conname,
                  pg_get_constraintdef(oid))
    FROM pg_constraint WHERE conrelid = 'audit_accesslog'::regclass AND contype IN ('f', 'c')
      AND conparentid = 0;

ALTER TABLE audit_accesslog RENAME TO audit_accesslog_partitioned;
ALTER SEQUENCE audit_accesslog_id_seq RENAME TO audit_accesslog_id_seq_partitioned;
CREATE TABLE audit_accesslog (LIKE audit_accesslog_partitioned);
SELECT audit_accesslog_copy_privileges('audit_accesslog_partitioned', 'audit_accesslog');
INSERT INTO audit_accesslog SELECT * FROM audit_accesslog_partitioned;
DO $$
DECLARE
    last_id bigint;
BEGIN
    SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO last_id
    FROM audit_accesslog_id_seq_partitioned;
    last_id := greatest(last_id, (SELECT max(id) FROM audit_accesslog), 0) + 1;
    EXECUTE format('ALTER TABLE audit_accesslog ALTER COLUMN id ADD GENERATED BY DEFAULT '
                   'AS IDENTITY (START WITH %s)', last_id);
    PERFORM audit_accesslog_copy_privileges(
        'audit_accesslog_id_seq_partitioned'::regclass,
        pg_get_serial_sequence('audit_accesslog', 'id')::regclass);
END;
$$;
DROP TABLE audit_accesslog_partitioned;
ALTER TABLE audit_accesslog ADD CONSTRAINT audit_accesslog_pkey PRIMARY KEY (id);
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT statement FROM audit_accesslog_ddl LOOP
        EXECUTE r.statement;
    END LOOP;
END;
$$;
CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_refuse_change();
CREATE TRIGGER audit_accesslog_no_truncate
    BEFORE TRUNCATE ON audit_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_refuse_truncate();
ANALYZE audit_accesslog;
DROP FUNCTION audit_accesslog_drop_expired(integer), audit_accesslog_expired_partitions(integer),
    audit_accesslog_add_partitions(integer), audit_accesslog_add_month(date),
    audit_accesslog_new_partition(text, text), audit_accesslog_copy_privileges(regclass, regclass);
"""

# The roles that could append to the log may keep its partitions ahead and its retention
# (`grant_app_role` gives the same to the application role after every migrate).
GRANT_DOORS = """
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.oid = 'audit_accesslog'::regclass AND a.privilege_type = 'INSERT'
               AND a.grantee NOT IN (0, c.relowner) LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION audit_accesslog_add_partitions(integer), '
                       'audit_accesslog_expired_partitions(integer), '
                       'audit_accesslog_drop_expired(integer) TO %s', r.grantee::regrole);
    END LOOP;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_second_factor_actions")]

    operations = [
        migrations.RunSQL(FUNCTIONS + CONVERT + GRANT_DOORS, UNCONVERT),
    ]
