"""Login, lock-out, session lifetime and logout (SPEC §7)."""

import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD
from audit.models import AccessLog

LOGIN = "/konto/logga-in/"


def _post_login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _full_login(client, user):
    """Password and then the authenticator app's code (ADR 0015)."""
    _post_login(client, user.get_username(), PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
    code = f"{totp(device.bin_key):06d}"
    assert client.post("/konto/tvastegsinloggning/", {"code": code}).status_code == 302


def test_login_page_is_swedish(client, db):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in body
    assert "Logga in" in body and "Användarnamn" in body


def test_successful_login_is_logged_and_lands_on_home(fk_officer):
    client = Client()
    response = _post_login(client, "fk.sdt", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN)
    assert entry.user == fk_officer and entry.ip_address == "10.0.0.1"


def test_wrong_password_shows_swedish_error_and_is_logged(fk_officer):
    response = _post_login(Client(), "fk.sdt", "fel-lösenord")
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord." in response.content.decode()
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED)
    assert entry.username == "fk.sdt" and entry.user is None


def test_five_failures_lock_out_the_user_from_any_address(fk_officer):
    # given five failed attempts on one user name, each from a different address
    for i in range(5):
        _post_login(Client(), "fk.sdt", "fel-lösenord", ip=f"10.0.1.{i}")
    # when the right password is tried from yet another address
    response = _post_login(Client(), "fk.sdt", PASSWORD, ip="10.0.2.1")
    # then the account is locked and the lock-out is logged
    assert response.status_code == 429
    assert "tillfälligt låst" in response.content.decode()
    assert AccessLog.objects.filter(action=AccessLog.Action.LOCKOUT).exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN).exists()


def test_an_office_behind_one_address_is_not_locked_out_by_a_few_mistakes(fk_officer, af_officer):
    # given ten colleagues who each mistype their password once, all from the office's address
    for i in range(10):
        _post_login(Client(), f"kollega{i}", "fel-lösenord", ip="10.0.3.3")
    # then the next colleague from that address still gets in
    assert _post_login(Client(), "af.sdt", PASSWORD, ip="10.0.3.3").status_code == 302
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOCKOUT).exists()


def test_an_address_is_locked_only_at_its_own_higher_threshold(fk_officer, af_officer):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 50  # the default, ten times the account's
    with override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=12):
        # given one address that has failed on many user names, one short of its threshold
        for i in range(11):
            _post_login(Client(), f"okand{i}", "fel-lösenord", ip="10.0.3.3")
        assert _post_login(Client(), "fk.sdt", PASSWORD, ip="10.0.3.3").status_code == 302
        # when it reaches the threshold
        _post_login(Client(), "okand11", "fel-lösenord", ip="10.0.3.3")
        # then every account is refused from that address, and only from that address
        assert _post_login(Client(), "af.sdt", PASSWORD, ip="10.0.3.3").status_code == 429
        assert _post_login(Client(), "af.sdt", PASSWORD, ip="10.0.3.4").status_code == 302
    assert AccessLog.objects.filter(action=AccessLog.Action.LOCKOUT).exists()


def test_lockout_lifts_after_cooloff(fk_officer):
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False) as traveller:
        for i in range(5):
            _post_login(Client(), "fk.sdt", "fel", ip=f"10.0.4.{i}")
        assert _post_login(Client(), "fk.sdt", PASSWORD, ip="10.0.5.1").status_code == 429
        traveller.shift(16 * 60)
        assert _post_login(Client(), "fk.sdt", PASSWORD, ip="10.0.5.1").status_code == 302


def test_session_expires_after_30_idle_minutes(fk_officer):
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False) as traveller:
        client = Client()
        _full_login(client, fk_officer)
        traveller.shift(29 * 60)
        assert client.get("/").status_code == 200  # activity renews the idle timer
        traveller.shift(29 * 60)
        assert client.get("/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def _session_writes(client, path="/"):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')]


def test_activity_renews_the_session_at_most_once_a_minute(fk_officer):
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False) as traveller:
        client = Client()
        _full_login(client, fk_officer)
        traveller.shift(30)
        assert _session_writes(client) == []  # within a minute of the login: no write
        traveller.shift(settings.SESSION_RENEW_SECONDS)
        assert len(_session_writes(client)) == 1
        # Renewed 30 s before the last request: the idle limit counts from the renewal, so the
        # session ends at most one renewal interval early, never late.
        traveller.shift(30)
        assert _session_writes(client) == []
        traveller.shift(settings.SESSION_COOKIE_AGE - 31)
        assert client.get("/").status_code == 200
        traveller.shift(settings.SESSION_COOKIE_AGE + 1)
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_session_ends_12_hours_after_login_even_when_active(fk_officer):
    with time_machine.travel("2026-03-02 07:00 +01:00", tick=False) as traveller:
        client = Client()
        _full_login(client, fk_officer)
        # active every 25 minutes (always within the idle limit) for 28 steps = 11 h 40 min
        for _ in range(28):
            traveller.shift(25 * 60)
            assert client.get("/").status_code == 200
        traveller.shift(25 * 60)  # 12 h 05 min after login
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session


def test_logout_invalidates_the_session_on_the_server(fk_officer):
    client = Client()
    _post_login(client, "fk.sdt", PASSWORD)
    cookie = client.cookies["sessionid"].value
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AccessLog.objects.filter(action=AccessLog.Action.LOGOUT, user=fk_officer).exists()
    # replaying the old cookie does not log anyone in
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get("/").status_code == 302


def test_logout_by_get_is_refused(login, fk_officer):
    client = login(fk_officer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get("/").status_code == 200


def test_axes_never_stores_a_personnummer_typed_as_user_name(db):
    from axes.models import AccessAttempt, AccessFailureLog

    _post_login(Client(), "19800101-1234", "fel-lösenord")
    stored = list(AccessAttempt.objects.values_list("username", flat=True))
    stored += list(AccessFailureLog.objects.values_list("username", flat=True))
    assert stored and all("1234" not in name for name in stored)
    assert "[personnummer]" in stored
