from importlib import import_module

from django.db import migrations

# The day a planned intervention began waiting is the day it was registered as the agencies count
# days (Europe/Stockholm, the product's TIME_ZONE, as the access log's partitions count theirs).
# 0001 took the UTC day of its creation: from midnight to one or two in the morning, yesterday.
FIRST = import_module("national.migrations.0001_registration_points").VIEW.replace(
    "CREATE VIEW", "CREATE OR REPLACE VIEW"
)
LOCAL_DAY = FIRST.replace("AT TIME ZONE 'UTC'", "AT TIME ZONE 'Europe/Stockholm'")
assert LOCAL_DAY.count("'Europe/Stockholm'") == 2


class Migration(migrations.Migration):
    dependencies = [
        ("national", "0002_report_packages"),
    ]

    operations = [
        migrations.RunSQL(LOCAL_DAY, FIRST),
    ]
