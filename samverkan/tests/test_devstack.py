"""`make run`/`make test` against an external server never run the application as a role that
could change the access log (samverkan/devstack.py, ADR 0020)."""

import time

import pytest

from samverkan import devstack


def test_a_database_url_alone_whose_role_may_not_create_roles_is_refused(_test_database_roles, db):
    # given DATABASE_URL alone, naming a role without CREATEROLE (here the owner's)
    with pytest.raises(devstack.Abort) as refused:
        devstack.external_roles(_test_database_roles.url(owner=True), "")

    assert "DATABASE_OWNER_URL" in str(refused.value)


def test_both_urls_are_used_as_they_are(_test_database_roles, db):
    owner, app = _test_database_roles.url(owner=True), _test_database_roles.url()

    assert devstack.external_roles(app, owner) == (owner, app)


def test_the_embedded_redis_writes_every_change_to_its_append_only_file(tmp_path):
    """`make run`'s Redis keeps the queued tasks it took when it is killed (ADR 0027): AOF,
    written every second (its RDB snapshots alone would lose the last minute)."""
    import redis

    from samverkan.devredis import EmbeddedRedis

    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    try:
        client = redis.Redis(unix_socket_path=str(server.socket))
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert client.config_get("appendfsync") == {"appendfsync": "everysec"}
        client.lpush("celery", "a task")
        time.sleep(1.5)  # appendfsync everysec: on disk within a second
        server.process.kill()  # no shutdown save: only the append-only file keeps it
        server.process.wait(10)
    finally:
        server.stop()
    again = EmbeddedRedis(tmp_path / "redis")
    again.start()
    try:
        client = redis.Redis(unix_socket_path=str(again.socket))
        assert client.lrange("celery", 0, -1) == [b"a task"]
    finally:
        again.stop()


def test_the_embedded_redis_is_stopped_by_the_last_process_using_it_not_the_first(tmp_path):
    """`make test` beside `make run`: the process that started the server leaves it running
    while another uses it, and the last to leave stops it, whoever started it."""
    import subprocess
    import sys

    from samverkan.devredis import EmbeddedRedis

    directory = tmp_path / "redis"
    first = EmbeddedRedis(directory)
    first.start()
    # another process joins (its own pid file, as its own EmbeddedRedis.start writes)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (directory / "users" / str(other.pid)).touch()

        first.stop()

        assert first._alive(), "stopped while another process used it"
        process = first.process
        assert process is not None
    finally:
        other.kill()
        other.wait(10)
    # the other one's file is left behind by a dead process: the next to leave ignores it
    last = EmbeddedRedis(directory)
    last.start()
    last.stop()

    assert not last._alive()
    assert process.wait(10) == 0  # the server the first one started has saved and exited
