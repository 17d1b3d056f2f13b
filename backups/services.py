"""Taking a backup of the database, and keeping the last days' (SPEC §7: backups are taken
nightly and a restore is tested; docs/RELIABILITY.md, "Backup and restore").

A backup is two files in the backup directory (0700): `<database>-<UTC time>.dump`, PostgreSQL's
custom format, and `<same>.json`, its manifest (time, size, sha256, server version, the applied
migrations). Both are written 0600: a dump holds every person's data and is kept, moved and
deleted as personal data. A dump appears under its name only once complete (written to a hidden
`.part` file first), so rotation and restore never meet half a file.

No key travels with a dump: SECRET_KEY and EXPORT_PSEUDONYM_KEY are kept apart from it.

The dump is taken as the owner role when its URL is at hand (`DATABASE_OWNER_URL`, as under
`samverkan.devstack exec`), otherwise as the application role, which is what the nightly task
has: that role may read every table (the access log included) and sequence, and the dump holds
the same objects, owners and privileges whichever of the two takes it (backups.tests)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog
from samverkan.services import AccessContext, log_access

from . import conf
from .pgtools import BackupError, Database, find_tool, run

OWNER_URL = "DATABASE_OWNER_URL"
JOB = "säkerhetskopiering"
# <database>-20261207T013000Z.dump
_NAME = re.compile(r"^(?P<database>.+)-(?P<time>\d{8}T\d{6}Z)\.dump$")
_TIME = "%Y%m%dT%H%M%SZ"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict

    @property
    def manifest_path(self) -> Path:
        return manifest_path(self.path)


def manifest_path(dump: Path) -> Path:
    return dump.with_suffix(".json")


def application_database() -> Database:
    """The database Django is connected to, as the application role."""
    return Database.from_settings(connection.settings_dict)


def owner_database(name: str | None = None) -> Database | None:
    """The owner's connection to the database `name` (by default Django's), or None when the
    owner's URL is not in the environment."""
    url = os.environ.get(OWNER_URL, "")
    if not url:
        return None
    return Database.from_url(url).other(name or connection.settings_dict["NAME"])


def backup_directory(directory: Path | None = None) -> Path:
    """The backup directory, created 0700 (and made so if it was wider)."""
    directory = Path(directory or conf.backup_dir())
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if directory.stat().st_mode & 0o077:
            directory.chmod(0o700)
    except OSError as exc:
        raise BackupError(
            _("Katalogen för säkerhetskopior %(dir)s kan inte användas: %(error)s")
            % {"dir": directory, "error": exc.strerror or exc}
        ) from None
    return directory


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _private_file(path: Path):
    """A new file only its owner may read or write, whatever the process's umask."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def migration_state() -> dict[str, dict]:
    """Per app: the last applied migration and how many are applied (none: not migrated)."""
    if "django_migrations" not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT app, max(name), count(*) FROM django_migrations GROUP BY app ORDER BY app"
        )
        return {app: {"latest": name, "applied": count} for app, name, count in cur.fetchall()}


def backup_create(*, directory: Path | None = None, now: dt.datetime | None = None) -> Backup:
    """Dump the database into the backup directory, with its manifest; log it (a backup reads
    every person's data: SPEC §7's access log names the job). Then rotate."""
    keep_days = days_to_keep()  # a wrong setting stops the backup before it starts
    now = (now or timezone.now()).astimezone(dt.UTC)
    app_db = application_database()
    db = owner_database() or app_db
    pg_dump, major = find_tool("pg_dump", db)
    state = migration_state()
    if "audit" not in state:
        raise BackupError(
            _(
                "Databasen %(name)s är inte migrerad (ingen åtkomstlogg): där finns inget att "
                "säkerhetskopiera. Kör `migrate` först."
            )
            % {"name": db.name}
        )
    directory = backup_directory(directory)
    final = directory / f"{db.name}-{now.strftime(_TIME)}.dump"
    if final.exists():
        raise BackupError(_("Säkerhetskopian %(file)s finns redan.") % {"file": final.name})
    # In the log before the dump, so the dump holds its own entry.
    log_access(
        AccessContext.system(JOB),
        action=AccessLog.Action.EXPORT,
        object_type="backup",
        object_id=final.name[:64],
    )
    part = directory / f".{final.name}.part"
    part_manifest = directory / f".{manifest_path(final).name}.part"
    started = time.monotonic()
    try:
        with _private_file(part) as out:
            run(
                [str(pg_dump), "--format=custom", "--lock-wait-timeout=300000", "-d", db.url],
                db,
                stdout=out,
            )
        size = part.stat().st_size
        seconds = round(time.monotonic() - started, 2)
        manifest = {
            "file": final.name,
            "database": db.name,
            "dumped_as": db.role,
            "created_at": now.isoformat(),
            "size": size,
            "dump_seconds": seconds,
            "sha256": file_sha256(part),
            "server_major": major,
            "pg_dump": str(pg_dump),
            "migrations": state,
            "keys_included": False,
        }
        with _private_file(part_manifest) as out:
            out.write(json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
        os.replace(part_manifest, manifest_path(final))
        os.replace(part, final)
    except BaseException as exc:
        for leftover in (part, part_manifest):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BackupError(
                _("Säkerhetskopian kunde inte skrivas i %(dir)s: %(error)s")
                % {"dir": directory, "error": exc.strerror or exc}
            ) from None
        raise
    backups_rotate(directory=directory, database=db.name, keep_days=keep_days)
    return Backup(final, manifest)


def backups_list(directory: Path, database: str | None = None) -> list[tuple[dt.datetime, Path]]:
    """The complete dumps in `directory` (of `database`, if given), oldest first."""
    found = []
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if match and (database is None or match["database"] == database):
            when = dt.datetime.strptime(match["time"], _TIME).replace(tzinfo=dt.UTC)
            found.append((when, path))
    return sorted(found)


def days_to_keep(value: int | None = None) -> int:
    """`value`, or the setting BACKUP_KEEP_DAILY: a whole number of days, at least 1."""
    try:
        days = conf.keep_daily() if value is None else int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise BackupError(
            _("BACKUP_KEEP_DAILY måste vara ett heltal, minst 1 (fick: %(n)s).")
            % {"n": value if value is not None else conf.keep_daily_text()}
        )
    return days


def backups_rotate(
    *, directory: Path | None = None, database: str, keep_days: int | None = None
) -> list[Path]:
    """Keep the newest dump of each of the last `keep_days` days that have one (days in
    Stockholm time); delete the other dumps of `database` with their manifests, and hidden
    `.part` files a crashed run left over a day ago. Returns the dumps deleted."""
    directory = backup_directory(directory)
    keep_days = days_to_keep(keep_days)
    kept_days: set[dt.date] = set()
    deleted = []
    for when, path in reversed(backups_list(directory, database)):
        day = timezone.localtime(when).date()
        if day not in kept_days and len(kept_days) < keep_days:
            kept_days.add(day)
            continue
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
        deleted.append(path)
    stale = timezone.now().timestamp() - 24 * 60 * 60
    for path in directory.glob(".*.part"):
        if path.stat().st_mtime < stale:
            path.unlink(missing_ok=True)
    return deleted


def backup_verify(*, path: Path) -> dict:
    """The dump's manifest, once the dump's size and sha256 are found to match it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Filen %(file)s finns inte.") % {"file": path})
    try:
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
        expected = (manifest["sha256"], int(manifest["size"]))
    except FileNotFoundError:
        raise BackupError(
            _("Manifestet %(file)s saknas: utan det kan säkerhetskopian inte kontrolleras.")
            % {"file": manifest_path(path)}
        ) from None
    except (ValueError, KeyError, TypeError):
        raise BackupError(
            _("Manifestet %(file)s går inte att läsa.") % {"file": manifest_path(path)}
        ) from None
    if (file_sha256(path), path.stat().st_size) != expected:
        raise BackupError(
            _(
                "Säkerhetskopian %(file)s stämmer inte med sitt manifest (sha256 eller storlek): "
                "den är skadad eller ändrad och återställs inte."
            )
            % {"file": path.name}
        )
    return manifest
