"""Rate limits on the API (SPEC §7, samverkan.throttling): a browser session is counted per
user, a machine client per API token; past the limit the answer is 429 in Swedish with
Retry-After, and the counts live in a cache every web process shares."""

import runpy

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from accounts.tokens import api_token_create
from samverkan.settings import base
from samverkan.throttling import parse_rate

ME = "/api/v1/me/"


def rates(**scopes):
    """The API settings with the given rates (the rest as configured)."""
    rest = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={
            **rest,
            "DEFAULT_THROTTLE_RATES": {**rest["DEFAULT_THROTTLE_RATES"], **scopes},
        }
    )


def token_client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {secret}")


def test_a_session_past_its_rate_gets_429_in_swedish_with_retry_after(login, fk_officer):
    client = login(fk_officer)
    with rates(user="3/m"):
        answers = [client.get(ME) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["detail"].startswith("För många anrop på kort tid. Försök igen om")
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_users_are_counted_apart(login, fk_officer, af_officer):
    with rates(user="2/m"):
        first = login(fk_officer)
        first.get(ME), first.get(ME)

        assert first.get(ME).status_code == 429
        assert login(af_officer).get(ME).status_code == 200


def test_each_token_has_its_own_count_apart_from_its_users_session(login, fk_officer):
    _one, secret_one = api_token_create(user=fk_officer, name="Export")
    _two, secret_two = api_token_create(user=fk_officer, name="Import")
    with rates(token="2/m", user="2/m"):
        one = token_client(secret_one)
        assert [one.get(ME).status_code for _ in range(3)] == [200, 200, 429]
        # the same user's other token and browser session are not slowed by this client
        assert token_client(secret_two).get(ME).status_code == 200
        assert login(fk_officer).get(ME).status_code == 200


def test_a_token_is_held_to_the_token_rate_not_the_session_rate(fk_officer):
    _token, secret = api_token_create(user=fk_officer, name="Export")
    with rates(token="5/m", user="1/m"):
        client = token_client(secret)
        assert [client.get(ME).status_code for _ in range(5)] == [200] * 5
        assert client.get(ME).status_code == 429


def test_rates_may_count_several_units():
    assert parse_rate("30/10m") == (30, 600)
    assert parse_rate("100/min") == (100, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("1000/2h") == (1000, 7200)
    with pytest.raises(ImproperlyConfigured):
        parse_rate("trettio per timme")


def _base_settings() -> dict:
    """settings.base evaluated afresh against the current environment."""
    return runpy.run_path(base.__file__)


def test_the_configured_rates_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("API_RATE_PER_USER", "7/m")
    monkeypatch.setenv("API_RATE_PER_TOKEN", "8/h")
    monkeypatch.setenv("PERSON_SEARCH_RATE", "9/5m")

    configured = _base_settings()["REST_FRAMEWORK"]

    assert configured["DEFAULT_THROTTLE_RATES"] == {
        "user": "7/m",
        "token": "8/h",
        "person_search": "9/5m",
    }


def test_production_counts_in_redis_shared_by_every_process(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://redis.example.se:6379/0")
    cache = _base_settings()["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://redis.example.se:6379/0"

    # the embedded development server's socket address, as redis-py spells it
    monkeypatch.setenv("REDIS_URL", "redis+socket:///srv/.data/redis/redis.sock")
    cache = _base_settings()["CACHES"]["default"]
    assert cache["LOCATION"] == "unix:///srv/.data/redis/redis.sock"

    # and a cache of its own when CACHE_URL says so
    monkeypatch.setenv("CACHE_URL", "redis://cache.example.se:6379/1")
    cache = _base_settings()["CACHES"]["default"]
    assert cache["LOCATION"] == "redis://cache.example.se:6379/1"


def test_the_schema_documents_the_429_with_retry_after_on_every_operation():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    operations = [
        operation
        for path in schema["paths"].values()
        for method, operation in path.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations
    assert all("Retry-After" in op["responses"]["429"]["headers"] for op in operations)


def test_an_unreachable_cache_lets_calls_through_and_is_logged(login, fk_officer, caplog):
    """Redis down must not take the API down with it: the counters are skipped and logged."""
    client = login(fk_officer)
    dead_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=dead_redis), rates(user="1/m"):
        answers = [client.get(ME) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "cache unreachable" in caplog.text
