"""`make prodcheck`: install the product on this Debian machine as docs/OPERATIONS.md says and
check it works through nginx over HTTPS. Runs as root; takes minutes; not part of `make test`.

Debian's PostgreSQL (a cluster of its own), Redis and nginx are installed with apt-get; the
database gets its two roles from `db_roles --apply` run as the postgres superuser, the owner
runs `migrate`, `db_roles` again, `collectstatic` and `check --deploy`; then the web, the
worker and beat are started with the commands, environment and user of deploy/*.service (read
from the files, the installed paths replaced by this check's), behind deploy/nginx/samverkan.conf
with a self-signed certificate. One line per check; exit status 1 when any failed.

Everything it makes is under WORK (default /var/tmp/samverkan-prodcheck) and on its own ports;
a run first stops what the previous run left and starts afresh, and stops everything at the end
(--keep leaves it running). The virtualenv with requirements-production.txt is kept between
runs (PRODCHECK_VENV names another)."""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from . import checks
from .units import NGINX_SITE, SYSTEM_PATH, read_unit, substitute, unit_process

ROOT = Path(__file__).resolve().parent.parent
APT_PACKAGES = ["postgresql", "redis-server", "nginx", "openssl", "ssl-cert", "python3-venv"]
# The monthly report's PDF (README "Deploying"; the Makefile's PDF_DEBS).
APT_PACKAGES += ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"]
PG_VERSION = "15"
CLUSTER = "samverkan_check"
SERVICE_USER = "samverkan"
# Debian's Python, which the service user may run (a Python under /root, as pyenv's, it may not).
VENV_PYTHON = "/usr/bin/python3"


def say(text: str) -> None:
    print(text, flush=True)


def run(command: list[str], *, user: str | None = None, env: dict | None = None, **kwargs):
    """A command that must succeed; as `user` through setpriv, keeping the environment."""
    if user:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *command]
    result = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise checks.Failed(
            f"{' '.join(command)} exited {result.returncode}: "
            + (result.stderr or result.stdout).strip()[-800:]
        )
    return result.stdout


class Machine:
    PG_VERSION, CLUSTER, SERVICE_USER = PG_VERSION, CLUSTER, SERVICE_USER

    def __init__(self, args):
        self.args = args
        self.work = Path(args.work)
        self.venv = Path(os.environ.get("PRODCHECK_VENV") or self.work / "venv")
        self.app = self.work / "app"
        self.processes: dict[str, subprocess.Popen] = {}
        self.replace = {
            "/srv/samverkan/app": str(self.app),
            "/srv/samverkan/venv": str(self.venv),
            "/etc/samverkan/": f"{self.work}/etc/",
            "/run/": f"{self.work}/run/",
            "/var/lib/samverkan": f"{self.work}/var/lib/samverkan",
            "/var/cache/samverkan": f"{self.work}/var/cache/samverkan",
            "127.0.0.1:8000": f"127.0.0.1:{args.web_port}",
        }

    # --- the machine
    def ports_free(self) -> None:
        a = self.args
        for port in (a.pg_port, a.redis_port, a.web_port, a.http_port, a.https_port):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise checks.Failed(f"port {port} is in use: choose another (--help)")

    def install_packages(self) -> str:
        missing = [p for p in APT_PACKAGES if not _installed(p)]
        if missing:
            quiet = {"DEBIAN_FRONTEND": "noninteractive", **os.environ}
            run(["apt-get", "update", "-qq"], env=quiet)
            run(["apt-get", "install", "-y", "-qq", *missing], env=quiet)
        return f"installed {' '.join(missing)}" if missing else "already installed"

    def stop_previous(self) -> None:
        """What a previous run left: our own processes (by their pid files) and cluster."""
        for pid_file in (self.work / "run").glob("*.pid"):
            _stop_pid(pid_file)
        clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True)
        if any(line.split()[:2] == [PG_VERSION, CLUSTER] for line in clusters.stdout.splitlines()):
            run(["pg_dropcluster", "--stop", PG_VERSION, CLUSTER])
        for name in ("app", "etc", "run", "var", "logs", "nginx", "redis"):
            shutil.rmtree(self.work / name, ignore_errors=True)

    def prepare(self) -> str:
        if subprocess.run(["id", SERVICE_USER], capture_output=True).returncode != 0:
            run(
                [
                    "useradd",
                    "--system",
                    "--home-dir",
                    "/nonexistent",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    SERVICE_USER,
                ]
            )
        for name in ("etc", "run", "logs", "redis"):
            (self.work / name).mkdir(parents=True, exist_ok=True)
        for name in ("exports", "imports", "backups"):
            target = self.work / "var/lib/samverkan" / name
            target.mkdir(parents=True, mode=0o700)
            shutil.chown(target, SERVICE_USER, SERVICE_USER)
        self.work.chmod(0o755)
        (self.work / "etc").chmod(0o750)
        shutil.chown(self.work / "etc", "root", SERVICE_USER)
        # The code as it is in this checkout: tracked files and new ones git does not ignore.
        files = run(
            ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        ).split("\0")
        for name in filter(None, files):
            source = ROOT / name
            if source.is_file():
                (self.app / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, self.app / name)
        if not (self.venv / "bin/python").exists():
            run([VENV_PYTHON, "-m", "venv", str(self.venv)])
        requirements = str(self.app / "requirements-production.txt")
        run([str(self.venv / "bin/pip"), "install", "--quiet", "-r", requirements])
        # Every installed package pinned: nothing came in unpinned as a dependency.
        installed = run([str(self.venv / "bin/pip"), "freeze", "--exclude-editable"])
        pins = _pins(Path(requirements).read_text())
        unpinned = sorted(
            line for line in installed.split() if _pins(line) and not _pins(line) <= pins
        )
        if unpinned:
            raise checks.Failed(f"installed but not pinned in {requirements}: {unpinned}")
        # The service user must be able to run it (a virtualenv of a Python under /root is not).
        run([str(self.venv / "bin/python"), "-c", "import django, celery, redis.asyncio"],
            user=SERVICE_USER, env={"PATH": SYSTEM_PATH})  # fmt: skip
        return f"code in {self.app}; {self.venv} has exactly requirements-production.txt"

    def write_secret(self, name: str, value: str, owner: str = "root") -> str:
        path = self.work / "etc" / name
        path.write_text(value + "\n")
        path.chmod(0o600 if owner != "root" else 0o640)
        shutil.chown(path, owner, SERVICE_USER)
        return str(path)

    # --- processes
    def start(
        self,
        name: str,
        command: list[str],
        *,
        env: dict,
        user: str | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen:
        log = open(self.work / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - the process keeps it
        if user:
            command = [
                "setpriv",
                f"--reuid={user}",
                f"--regid={user}",
                "--init-groups",
                "--no-new-privs",
                *command,
            ]
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        (self.work / "run" / f"{name}.pid").write_text(str(process.pid))
        self.processes[name] = process
        return process

    def start_unit(self, unit_name: str, env_file: dict[str, str], extra_env: dict | None = None):
        unit = read_unit(unit_name, self.replace)
        before, command, env = unit_process(unit, env_file)
        env = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", **env, **(extra_env or {})}
        user = unit.get("User")
        for directory, mode in (("RuntimeDirectory", 0o700), ("CacheDirectory", 0o700)):
            if unit.get(directory):
                base = "run" if directory == "RuntimeDirectory" else "var/cache"
                path = self.work / base / unit.get(directory)
                path.mkdir(parents=True, exist_ok=True, mode=mode)
                shutil.chown(path, user, user)
        cwd = Path(unit.get("WorkingDirectory"))
        for step in before:
            run(step, user=user, env=env, cwd=cwd)
        return self.start(unit_name, command, env=env, user=user, cwd=cwd), unit, env

    def stop_all(self) -> None:
        for pid_file in (self.work / "run").glob("*.pid"):
            _stop_pid(pid_file)
        subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, CLUSTER], capture_output=True)

    def nginx_site(self, cert: Path, key: Path) -> str:
        site = substitute(NGINX_SITE.read_text(encoding="utf-8"), self.replace)
        site = substitute(
            site,
            {
                "listen 80;": f"listen {self.args.http_port};",
                "listen 443 ssl": f"listen {self.args.https_port} ssl",
                "server_name samverkan.example.se;": "server_name localhost;",
                "/etc/ssl/samverkan/fullchain.pem": str(cert),
                "/etc/ssl/samverkan/privkey.pem": str(key),
                "/var/log/nginx/": f"{self.work}/logs/",
            },
        )
        if not Path("/proc/net/if_inet6").exists():  # no IPv6 on this machine
            site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
        return site


def _pins(text: str) -> set[str]:
    """`name==version` of each pin, the name normalised as pip freeze writes it."""
    found = set()
    for line in text.splitlines():
        line = line.split("#")[0].split(";")[0].strip()
        if "==" in line and not line.startswith("-"):
            name, _, version = line.partition("==")
            name = name.split("[")[0].strip().lower().replace("_", "-").replace(".", "-")
            found.add(f"{name}=={version.strip()}")
    return found


def _installed(package: str) -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package],
        capture_output=True,
        text=True,
    )
    return "install ok installed" in status.stdout


def _stop_pid(pid_file: Path) -> None:
    """Ends the process group a pid file names (a group this check started), SIGTERM first."""
    try:
        pid = int(pid_file.read_text())
        os.killpg(pid, 15)
    except (ValueError, ProcessLookupError, PermissionError, FileNotFoundError):
        pid_file.unlink(missing_ok=True)
        return
    for _ in range(100):
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(pid, 9)
    pid_file.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make prodcheck", description=__doc__.split("\n")[0])
    parser.add_argument("--work", default="/var/tmp/samverkan-prodcheck")
    parser.add_argument("--pg-port", type=int, default=5442)
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--web-port", type=int, default=8010)
    parser.add_argument("--http-port", type=int, default=8080)
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--keep", action="store_true", help="Leave the processes running.")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        say("FAIL prodcheck runs as root (apt-get, users, the cluster)")
        return 2
    machine = Machine(args)
    machine.work.mkdir(parents=True, exist_ok=True)
    lock = open(machine.work / ".lock", "w")  # noqa: SIM115 - held until the process ends
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        say(f"FAIL another prodcheck is running in {machine.work}")
        return 2
    machine.stop_previous()
    try:
        failures = checks.run_all(machine)
    finally:
        if not args.keep:
            machine.stop_all()
    say("prodcheck: " + (f"{failures} check(s) failed" if failures else "every check passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
