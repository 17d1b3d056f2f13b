"""The steps and checks of `make prodcheck` (deploy/prodcheck.py), in order, one line each.
A step that later ones need stops the run when it fails; the HTTP checks each stand alone."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time

from . import webcheck
from .units import MANAGE_SCRIPT, SYSTEM_PATH, env_file_with, read_env_file, substitute

OWNER, APP = "samverkan_owner", "samverkan_app"
STAFF = "cia.berg"  # a coordinator of docs/examples/organisation-staff.csv: may export
TOTP_KEY = secrets.token_hex(20)
METRIC_NAMES = (
    "samverkan_snapshots_missing",
    "samverkan_monthly_job_last_success_timestamp_seconds",
    "samverkan_jobs",
    "samverkan_outbox_waiting",
    "samverkan_celery_tasks_total",
    "django_http_requests_latency_seconds_by_view_method",
    "django_db_execute_total",
)


class Failed(Exception):
    pass


def _line(ok: bool, label: str, detail: str) -> None:
    print(f"{'ok  ' if ok else 'FAIL'}  {label}: {detail}", flush=True)


def until(what, timeout: float, pause: float = 1.0):
    """`what()` until it returns something true; its last answer otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        answer = what()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(pause)


def run_all(m) -> int:
    from .prodcheck import run

    failures = 0
    state: dict = {}

    def step(label, action, *, essential=True) -> bool:
        nonlocal failures
        try:
            detail = action()
        except (Failed, webcheck.CheckFailed, OSError, subprocess.SubprocessError) as error:
            failures += 1
            _line(False, label, str(error))
            if essential:
                raise _Stop from None
            return False
        _line(True, label, detail or "done")
        return True

    a = m.args
    manage = [str(m.venv / "bin/python"), "manage.py"]
    owner_pw, app_pw = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    secret_key, pseudonym_key = secrets.token_urlsafe(50), secrets.token_urlsafe(40)
    metrics_token = secrets.token_urlsafe(24)
    pg = {"PGHOST": "/var/run/postgresql", "PGPORT": str(a.pg_port)}

    def operator_env(database_url: str) -> dict:
        """An operator's shell: the production settings, the secrets given inline."""
        return {
            "PATH": SYSTEM_PATH,
            "LANG": "C.UTF-8",
            **pg,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "samverkan.settings.production",
            "DJANGO_SECRET_KEY": secret_key,
            "EXPORT_PSEUDONYM_KEY": pseudonym_key,
            "REDIS_URL": f"redis://127.0.0.1:{a.redis_port}/0",
            "DJANGO_ALLOWED_HOSTS": "localhost",
        }

    superuser = operator_env("postgres:///samverkan")
    owner = operator_env(f"postgres://{OWNER}:{owner_pw}@127.0.0.1:{a.pg_port}/samverkan")
    roles = [*manage, "db_roles", "--owner", OWNER, "--app", APP, "--apply"]

    def database():
        run(["pg_createcluster", "--start", "-p", str(a.pg_port), m.PG_VERSION, m.CLUSTER])
        run(["createdb", "samverkan"], user="postgres", env=superuser)
        out = run(roles, user="postgres", env=superuser, cwd=m.app)
        for role, password in ((OWNER, owner_pw), (APP, app_pw)):
            run(
                [
                    "psql",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-d",
                    "samverkan",
                    "-c",
                    f"ALTER ROLE {role} PASSWORD '{password}'",
                ],
                user="postgres",
                env=superuser,
            )
        return f"cluster {m.PG_VERSION}/{m.CLUSTER} on {a.pg_port}; " + out.strip()[:120]

    def migrate():
        run([*manage, "migrate", "--noinput"], env=owner, cwd=m.app)
        out = run(roles, user="postgres", env=superuser, cwd=m.app)
        run([*manage, "collectstatic", "--noinput"], env=owner, cwd=m.app)
        return "migrate as the owner, db_roles again: " + out.strip()[:100] + "; collectstatic"

    def environment():
        etc = m.work / "etc"
        pgpass = etc / "pgpass"
        pgpass.write_text(f"127.0.0.1:{a.pg_port}:samverkan:{APP}:{app_pw}\n")
        pgpass.chmod(0o600)
        shutil.chown(pgpass, m.SERVICE_USER, m.SERVICE_USER)
        text = env_file_with(
            {
                "DATABASE_URL": f"postgres://{APP}@127.0.0.1:{a.pg_port}/samverkan",
                "PGPASSFILE": str(pgpass),
                "REDIS_URL": f"redis://127.0.0.1:{a.redis_port}/0",
                "DJANGO_ALLOWED_HOSTS": "localhost",
                "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://localhost:{a.https_port}",
                "DJANGO_SECRET_KEY_FILE": m.write_secret("secret_key", secret_key),
                "EXPORT_PSEUDONYM_KEY_FILE": m.write_secret("export_pseudonym_key", pseudonym_key),
                "METRICS_TOKEN_FILE": m.write_secret("metrics_token", metrics_token),
                "WEB_CONCURRENCY": "2",
                **{
                    name: f"{m.work}/var/lib/samverkan/{name.split('_')[0].lower()}s"
                    for name in ("EXPORT_DIR", "IMPORT_DIR", "BACKUP_DIR")
                },
            }
        )
        path = etc / "samverkan.env"
        path.write_text(text)
        path.chmod(0o640)
        shutil.chown(path, "root", m.SERVICE_USER)
        state["env_file"] = read_env_file(text)
        return f"{path} from deploy/samverkan.env.example, secrets in files, password in PGPASSFILE"

    def service_env():
        from .units import read_unit, unit_process

        unit = read_unit("samverkan-worker", m.replace)
        return {
            "PATH": SYSTEM_PATH,
            "LANG": "C.UTF-8",
            **unit_process(unit, state["env_file"])[2],
        }

    def app_manage(*arguments: str, **extra_env: str) -> str:
        """manage.py through deploy/samverkan-manage, as operations run it."""
        script = m.work / "etc/samverkan-manage"
        if not script.exists():
            script.write_text(substitute(MANAGE_SCRIPT.read_text(encoding="utf-8"), m.replace))
            script.chmod(0o700)
        return run([str(script), *arguments], env={"PATH": SYSTEM_PATH, **extra_env})

    def deploy_check():
        out = app_manage("check", "--deploy", "--fail-level", "WARNING")
        plan = app_manage("migrate", "--plan").strip()
        if "No planned migration operations" not in plan:
            raise Failed(f"migrate --plan as the application role: {plan[-300:]}")
        return (
            "samverkan-manage, as the application role: "
            + out.strip().splitlines()[-1]
            + " migrate --plan: nothing to apply"
        )

    def organisation():
        password = secrets.token_urlsafe(16)
        app_manage("createsuperuser", "--noinput", "--username", "admin",
                   "--email", "admin@example.se", DJANGO_SUPERUSER_PASSWORD=password)  # fmt: skip
        out = app_manage("import_organisation", "--units", "docs/examples/organisation-units.csv",
                         "--staff", "docs/examples/organisation-staff.csv")  # fmt: skip
        state["password"] = secrets.token_urlsafe(16)
        app_manage("shell", "-c", _ENROL.format(STAFF, state["password"], TOTP_KEY))
        return "createsuperuser, import_organisation: " + " ".join(out.split())[:110]

    def redis():
        shutil.chown(m.work / "redis", "redis", "redis")
        m.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(a.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(m.work / "redis"),
                "--appendonly",
                "yes",
                "--maxmemory-policy",
                "noeviction",
            ],
            env={"PATH": SYSTEM_PATH},
            user="redis",
        )
        if not until(lambda: _redis_ping(a.redis_port), 20, 0.2):
            raise Failed("redis-server does not answer PING")
        return f"redis-server on {a.redis_port}, appendonly, noeviction"

    def web():
        metrics_dir = m.work / "run/samverkan-web/metrics"
        metrics_dir.mkdir(parents=True)
        (metrics_dir / "counter_999.db").write_text("from a process before the restart")
        for path in (metrics_dir.parent, metrics_dir, metrics_dir / "counter_999.db"):
            shutil.chown(path, m.SERVICE_USER, m.SERVICE_USER)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        path = m.work / "run/notify.sock"
        notify.bind(str(path))
        path.chmod(0o777)
        notify.settimeout(90)
        m.start_unit("samverkan-web", state["env_file"], {"NOTIFY_SOCKET": str(path)})
        try:
            message = notify.recv(4096).decode()
        except TimeoutError:
            raise Failed("gunicorn sent no READY=1 within 90 s") from None
        finally:
            notify.close()
        if "READY=1" not in message:
            raise Failed(f"gunicorn sent {message!r}")
        if (metrics_dir / "counter_999.db").exists():
            raise Failed("PROMETHEUS_MULTIPROC_DIR was not emptied at start")
        return (
            f"gunicorn as {m.SERVICE_USER} on 127.0.0.1:{a.web_port}, READY=1, metrics dir emptied"
        )

    def workers():
        m.start_unit("samverkan-worker", state["env_file"])
        m.start_unit("samverkan-beat", state["env_file"])
        time.sleep(5)
        dead = [
            n for n in ("samverkan-worker", "samverkan-beat") if m.processes[n].poll() is not None
        ]
        if dead:
            raise Failed(f"{', '.join(dead)} ended: see {m.work}/logs/")
        return f"worker and beat running as {m.SERVICE_USER}"

    def nginx():
        cert, key = m.work / "etc/cert.pem", m.work / "etc/key.pem"
        run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ]
        )
        folder = m.work / "nginx"
        folder.mkdir(exist_ok=True)
        (folder / "samverkan.conf").write_text(m.nginx_site(cert, key))
        temp = " ".join(
            f"{n}_temp_path {folder}/{n};"
            for n in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (folder / "nginx.conf").write_text(
            f"user www-data;\nworker_processes 1;\npid {m.work}/run/nginx-master.pid;\n"
            f"error_log {m.work}/logs/nginx.error.log;\nevents {{ worker_connections 256; }}\n"
            f"http {{ include /etc/nginx/mime.types; {temp}\n include {folder}/samverkan.conf; }}\n"
        )
        conf = str(folder / "nginx.conf")
        run(["nginx", "-t", "-q", "-c", conf])
        m.start("nginx", ["nginx", "-c", conf, "-g", "daemon off;"], env={"PATH": SYSTEM_PATH})
        if not until(lambda: _listening(a.https_port) and _listening(a.http_port), 30, 0.2):
            raise Failed(f"nginx does not listen on {a.http_port} and {a.https_port}")
        state["https"] = f"https://localhost:{a.https_port}"
        state["cert"] = str(cert)
        return f"deploy/nginx/samverkan.conf on {a.http_port} and {a.https_port}, self-signed"

    try:
        step("ports free", lambda: m.ports_free() or "postgres, redis, web, http, https")
        step("debian packages", m.install_packages)
        step("code", m.prepare)
        step("database and roles", database)
        step("migrate", migrate)
        step("environment file", environment)
        step("check --deploy", deploy_check)
        step("first administrator and organisation", organisation)
        step("redis", redis)
        step("web (samverkan-web.service)", web)
        step("worker and beat (samverkan-worker/-beat.service)", workers)
        step("nginx", nginx)
    except _Stop:
        return failures
    from .httpchecks import http_checks

    http_checks(m, state, step, service_env, metrics_token)
    return failures


class _Stop(Exception):
    pass


_ENROL = (
    "from django.contrib.auth import get_user_model; "
    "from django_otp.plugins.otp_totp.models import TOTPDevice; "
    "u = get_user_model().objects.get(username='{0}'); u.set_password('{1}'); u.save(); "
    "TOTPDevice.objects.create(user=u, name='prodcheck', key='{2}', confirmed=True)"
)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False
