"""The backups' settings: a Django setting of the same name if the settings module has one, else
the environment variable, else the default.

- `BACKUP_DIR`: where dumps and their manifests go (default `.data/backups`; in production a
  directory of its own, on another disk or volume than the database's).
- `BACKUP_KEEP_DAILY`: how many days keep their newest dump (default 7); older dumps go.
- `BACKUP_PG_BIN_DIR`: the directory of `pg_dump` and `pg_restore` for an external server,
  when they are not the system's of the server's version (backups.pgtools)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _value(name: str, default: str) -> str:
    configured = getattr(settings, name, None)
    if configured is not None and configured != "":
        return str(configured)
    return os.environ.get(name, "") or default


def backup_dir() -> Path:
    return Path(_value("BACKUP_DIR", str(settings.BASE_DIR / ".data" / "backups")))


def keep_daily_text() -> str:
    return _value("BACKUP_KEEP_DAILY", "7")


def keep_daily() -> int:
    """Raises ValueError when the setting is not a whole number."""
    return int(keep_daily_text())


def pg_bin_dir() -> str:
    return _value("BACKUP_PG_BIN_DIR", "")
