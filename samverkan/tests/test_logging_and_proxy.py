"""Logging config and client addresses (SPEC §7)."""

import logging

from django.conf import settings
from django.test import Client, override_settings

from accounts.tests.factories import PASSWORD
from audit.logfilters import MaskPersonnummerFilter
from audit.models import AccessLog

LOGIN = "/konto/logga-in/"
PROXY = {"BEHIND_TLS_PROXY": True, "PROXY_COUNT": 0}  # one TLS proxy, production's default


def test_django_and_runserver_loggers_mask_personnummer():
    for name in ("django", "django.server", ""):
        # pytest's own capture handlers and the suite's log scan (samverkan.testing_logscan)
        # are not part of the product's configuration
        handlers = [
            h
            for h in logging.getLogger(name).handlers
            if not type(h).__module__.startswith(("_pytest", "samverkan.testing_logscan"))
        ]
        assert handlers, name
        assert all(
            any(isinstance(f, MaskPersonnummerFilter) for f in h.filters) for h in handlers
        ), name


def test_celery_keeps_djangos_logging():
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False


def test_forwarded_address_is_not_trusted_without_a_proxy(login, case, person, fk_officer):
    login(fk_officer).get(f"/personer/{person.pk}/", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert (
        AccessLog.objects.get(action=AccessLog.Action.VIEW, object_type="person").ip_address
        == "127.0.0.1"
    )


@override_settings(**PROXY)
def test_behind_a_proxy_failures_from_different_clients_do_not_lock_out_others(
    fk_officer, af_officer
):
    for i in range(5):
        Client().post(
            LOGIN,
            {"username": f"okand{i}", "password": "fel"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
    response = Client().post(
        LOGIN,
        {"username": "af.sdt", "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert response.status_code == 302
    assert AccessLog.objects.get(action=AccessLog.Action.LOGIN).ip_address == "192.0.2.77"


@override_settings(**PROXY, LOGIN_ADDRESS_FAILURE_LIMIT=5)
def test_behind_a_proxy_one_client_is_locked_out_by_its_forwarded_address(fk_officer, af_officer):
    for i in range(5):
        Client().post(
            LOGIN,
            {"username": f"okand{i}", "password": "fel"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR="192.0.2.5",
        )
    response = Client().post(
        LOGIN,
        {"username": "af.sdt", "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="192.0.2.5",
    )
    assert response.status_code == 429


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=5)
def test_a_successful_login_does_not_clear_the_addresss_failures(fk_officer, af_officer):
    ip = "10.0.7.7"
    for i in range(4):
        Client().post(LOGIN, {"username": f"gissa{i}", "password": "fel"}, REMOTE_ADDR=ip)
    ok = Client().post(LOGIN, {"username": "fk.sdt", "password": PASSWORD}, REMOTE_ADDR=ip)
    assert ok.status_code == 302
    Client().post(LOGIN, {"username": "gissa9", "password": "fel"}, REMOTE_ADDR=ip)
    locked = Client().post(LOGIN, {"username": "af.sdt", "password": PASSWORD}, REMOTE_ADDR=ip)
    assert locked.status_code == 429


def test_a_successful_login_clears_that_users_own_failures(fk_officer):
    for i in range(4):
        Client().post(LOGIN, {"username": "fk.sdt", "password": "fel"}, REMOTE_ADDR=f"10.0.8.{i}")
    assert (
        Client()
        .post(LOGIN, {"username": "fk.sdt", "password": PASSWORD}, REMOTE_ADDR="10.0.8.9")
        .status_code
        == 302
    )
    for i in range(4):
        Client().post(
            LOGIN, {"username": "fk.sdt", "password": "fel"}, REMOTE_ADDR=f"10.0.8.{i + 20}"
        )
    assert (
        Client()
        .post(LOGIN, {"username": "fk.sdt", "password": PASSWORD}, REMOTE_ADDR="10.0.8.30")
        .status_code
        == 302
    )


@override_settings(**PROXY)
def test_behind_a_proxy_a_spoofed_forwarded_header_does_not_hide_the_client(fk_officer):
    # the client writes 8.8.8.8; the proxy appends the address it really saw
    Client().post(
        LOGIN,
        {"username": "fk.sdt", "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="8.8.8.8, 192.0.2.44",
    )
    assert AccessLog.objects.get(action=AccessLog.Action.LOGIN).ip_address == "192.0.2.44"
