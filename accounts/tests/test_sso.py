"""Single sign-on through OpenID Connect (SPEC §7; accounts.oidc), against a local stub provider
(accounts.tests.oidc_stub) that each test starts on 127.0.0.1: no network.

The browser's part is played by hand: the test client asks the product for the provider's
address, `requests` plays the browser at the provider, and the test client brings the answer
back to the product's callback."""

import runpy
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.mfa import SESSION_SECOND_FACTOR, has_second_factor
from accounts.oidc import UNTRUSTED_NAME, StaffOIDCBackend
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.oidc_stub import CLIENT_ID, CLIENT_SECRET, StubProvider
from audit.models import AccessLog

START = "/oidc/authenticate/"
CALLBACK = "/oidc/callback/"
LOGIN = "/konto/logga-in/"
BACKEND = "accounts.oidc.StaffOIDCBackend"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
BASE_SETTINGS = Path(__file__).resolve().parents[2] / "samverkan" / "settings" / "base.py"

User = get_user_model()


@pytest.fixture
def provider(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    stub = StubProvider().start()
    yield stub
    stub.stop()


@pytest.fixture
def sso(settings, provider):
    """Single sign-on switched on against the stub, as settings.base does for an issuer."""
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_PROVIDER_NAME = "Testleverantören"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ALLOW_HTTP = True  # the stub speaks plain http
    settings.OIDC_ACCEPTED_ACR = [LOA3]
    settings.OIDC_ACCEPTED_AMR = ["mfa", "otp", "hwk"]
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    return provider


def _login_through(provider, client, next_url=""):
    """The whole round: product → provider → product. Returns the callback's response."""
    start = client.get(START + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    assert start.status_code == 302, start
    assert start["Location"].startswith(provider.issuer + "/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


def _page_after(client, response):
    assert response.status_code == 302 and response["Location"] == "/konto/logga-in/"
    return client.get(response["Location"]).content.decode()


class _SessionOf:
    """What accounts.mfa reads of a request: its session."""

    def __init__(self, client):
        self.session = client.session


# --- switched off


def test_sso_off_shows_no_button_and_its_addresses_answer_404(db, settings):
    assert settings.OIDC_ENABLED is False
    assert BACKEND not in settings.AUTHENTICATION_BACKENDS
    client = Client()
    assert "Logga in med" not in client.get(LOGIN).content.decode()
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK + "?code=x&state=y").status_code == 404


def test_backend_refuses_while_sso_is_off_even_if_installed(rf, fk_officer, settings):
    settings.OIDC_ENABLED = False
    request = rf.get(CALLBACK, {"code": "x", "state": "y"})
    assert StaffOIDCBackend().authenticate(request, nonce="n", code_verifier=None) is None


# --- switched on


def test_login_page_offers_the_provider_beside_the_password_form(sso, db):
    body = Client().get(LOGIN + "?next=/personer/").content.decode()
    assert 'name="password"' in body
    assert "Logga in med Testleverantören" in body
    assert f'href="{START}?next=%2Fpersoner%2F"' in body


def test_known_staff_member_logs_in_through_the_provider(sso, fk_officer):
    # given the staff member fk.sdt logs in at the provider
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt"}
    users_before = User.objects.count()
    client = Client()
    # when the round through the provider is made
    response = _login_through(sso, client, next_url="/personer/")
    # then the session is fk.sdt's, the page asked for comes next, and the login is logged
    assert response.status_code == 302 and response["Location"] == "/personer/"
    assert _logged_in_as(client) == str(fk_officer.pk)
    assert client.session["_auth_user_backend"] == BACKEND
    assert "login_at" in client.session  # the twelve-hour limit runs from here
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN)
    assert entry.user == fk_officer
    assert User.objects.count() == users_before
    # the provider was asked with state, nonce and a PKCE challenge, and the code redeemed
    asked = sso.authorisation_requests[0]
    assert asked["client_id"] == CLIENT_ID and asked["response_type"] == "code"
    assert asked["redirect_uri"] == "http://testserver/oidc/callback/"
    assert asked["state"] and asked["nonce"] and asked["code_challenge_method"] == "S256"
    assert "POST /token" in sso.paths and "GET /jwks" in sso.paths


def test_login_matches_by_email_when_configured(sso, settings, fk_officer):
    settings.OIDC_USERNAME_CLAIM = "email"
    settings.OIDC_USERNAME_FIELD = "email"
    fk_officer.email = "Anna.Andersson@fk.example"
    fk_officer.save()
    sso.person = {"sub": "s-1", "email": "anna.andersson@fk.example"}
    client = Client()
    _login_through(sso, client)
    assert _logged_in_as(client) == str(fk_officer.pk)


def test_two_accounts_with_the_claimed_email_are_refused(sso, settings, fk_officer, af_officer):
    settings.OIDC_USERNAME_CLAIM = "email"
    settings.OIDC_USERNAME_FIELD = "email"
    User.objects.filter(pk__in=[fk_officer.pk, af_officer.pk]).update(email="delad@example.se")
    sso.person = {"sub": "s-1", "email": "delad@example.se"}
    client = Client()
    body = _page_after(client, _login_through(sso, client))
    assert _logged_in_as(client) is None
    assert "inget aktivt personalkonto" in body


def test_claims_never_change_the_account_its_role_or_areas(sso, fk_officer, area):
    role_before = fk_officer.staff_profile.role_id
    sso.person = {
        "sub": "s-1",
        "preferred_username": "fk.sdt",
        "email": "ny@example.se",
        "given_name": "Ny",
        "family_name": "Person",
        "groups": ["administratörer"],
        "roles": ["coordinator"],
    }
    client = Client()
    _login_through(sso, client)
    assert _logged_in_as(client) == str(fk_officer.pk)
    fk_officer.refresh_from_db()
    assert fk_officer.email != "ny@example.se" and fk_officer.first_name != "Ny"
    assert not fk_officer.is_staff and not fk_officer.is_superuser
    assert fk_officer.staff_profile.role_id == role_before
    assert list(fk_officer.staff_profile.areas.all()) == [area]


def test_unknown_user_is_refused_logged_and_never_created(sso, db):
    sso.person = {"sub": "s-9", "preferred_username": "okand.person"}
    users_before = User.objects.count()
    client = Client()
    body = _page_after(client, _login_through(sso, client))
    assert _logged_in_as(client) is None
    assert User.objects.count() == users_before
    assert "inget aktivt personalkonto i Samverkan" in body
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED)
    assert entry.username == "okand.person" and entry.user is None
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN).exists()


def test_a_personnummer_as_claimed_name_is_masked_in_every_log(sso, db):
    sso.person = {"sub": "s-9", "preferred_username": "198501011234"}
    client = Client()
    _login_through(sso, client)
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED)
    assert "1234" not in entry.username and entry.username
    assert AccessAttempt.objects.exists()
    assert not AccessAttempt.objects.filter(username__contains="1234").exists()


def test_inactive_user_is_refused(sso, fk_officer):
    fk_officer.is_active = False
    fk_officer.save()
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt"}
    client = Client()
    body = _page_after(client, _login_through(sso, client))
    assert _logged_in_as(client) is None
    assert "inget aktivt personalkonto" in body
    assert AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED).username == "fk.sdt"


def test_account_without_staff_profile_is_refused(sso, db):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    sso.person = {"sub": "s-1", "preferred_username": "admin"}
    client = Client()
    _login_through(sso, client)
    assert _logged_in_as(client) is None


def test_session_ends_when_the_account_is_made_inactive(sso, fk_officer):
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt", "amr": ["mfa"]}
    client = Client()
    _login_through(sso, client)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=fk_officer.pk).update(is_active=False)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_password_login_works_beside_sso_without_asking_the_provider(sso, fk_officer):
    response = Client().post(LOGIN, {"username": "fk.sdt", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert sso.paths == []


# --- tokens that must not be believed


def _other_key(provider):
    provider.sign_with_other_key = True


def _altered(provider):
    provider.alter_after_signing = True


def _unsigned(provider):
    provider.unsigned = True


def _changes(**claims):
    return lambda provider: provider.id_token_changes.update(claims)


def _userinfo_about(subject):
    return lambda provider: provider.userinfo_changes.update(sub=subject)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(_other_key, id="signed-with-another-key"),
        pytest.param(_altered, id="altered-after-signing"),
        pytest.param(_unsigned, id="alg-none"),
        pytest.param(_changes(iss="http://127.0.0.1:9/"), id="wrong-issuer"),
        pytest.param(_changes(aud="another-client"), id="wrong-audience"),
        pytest.param(_changes(aud=[CLIENT_ID, "another-client"]), id="shared-audience-no-azp"),
        pytest.param(_changes(nonce="not-the-nonce"), id="wrong-nonce"),
        pytest.param(_changes(exp=1_000_000_000), id="expired"),
        pytest.param(_userinfo_about("someone-else"), id="userinfo-about-another-subject"),
    ],
)
def test_a_token_that_fails_a_check_is_refused(sso, fk_officer, tamper):
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt", "acr": LOA3}
    tamper(sso)
    client = Client()
    body = _page_after(client, _login_through(sso, client))
    assert _logged_in_as(client) is None
    assert "kunde inte bekräftas" in body
    failed = AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED)
    assert failed.username == UNTRUSTED_NAME  # no name from an answer that failed a check
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN).exists()


def test_a_callback_cannot_be_replayed(sso, fk_officer):
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt"}
    client = Client()
    start = client.get(START)
    back = urlsplit(
        requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    )
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    assert _logged_in_as(client) == str(fk_officer.pk)
    # the same answer brought again, to a fresh browser that started its own login
    other = Client()
    other.get(START)
    response = other.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and _logged_in_as(other) is None


def test_a_forged_callback_is_turned_back_without_error_or_failed_login(sso, db):
    client = Client()
    client.get(START)
    response = client.get(CALLBACK + "?code=made-up&state=made-up")
    assert "kunde inte bekräftas" in _page_after(client, response)
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED).exists()
    assert "POST /token" not in sso.paths


def test_a_login_cancelled_at_the_provider_returns_to_the_login_page(sso, db):
    sso.person = None
    client = Client()
    body = _page_after(client, _login_through(sso, client))
    assert "avbröts" in body and _logged_in_as(client) is None


def test_an_error_answer_does_not_log_out_whoever_is_logged_in(sso, login, fk_officer):
    client = login(fk_officer)
    response = client.get(CALLBACK + "?error=access_denied&state=x")
    assert response.status_code == 302
    assert _logged_in_as(client) == str(fk_officer.pk)


# --- the provider's authentication strength as the second factor


@pytest.mark.parametrize(
    ("strength", "two_factor"),
    [
        ({"acr": LOA3}, True),
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["hwk"]}, True),
        ({"acr": "http://id.elegnamnden.se/loa/1.0/loa2"}, False),
        ({"amr": ["pwd"]}, False),
        ({}, False),
    ],
)
def test_strong_authentication_at_the_provider_counts_as_the_second_factor(
    sso, fk_officer, strength, two_factor
):
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt", **strength}
    client = Client()
    _login_through(sso, client)
    assert _logged_in_as(client) == str(fk_officer.pk)
    assert has_second_factor(_SessionOf(client)) is two_factor
    if two_factor:
        assert client.session[SESSION_SECOND_FACTOR] == "sso"


def test_after_a_weak_provider_login_the_pages_wait_for_the_products_own_code(sso, fk_officer):
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt", "amr": ["pwd"]}
    weak = Client()
    _login_through(sso, weak)
    response = weak.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt", "amr": ["pwd", "otp"]}
    strong = Client()
    _login_through(sso, strong)
    assert strong.get("/").status_code == 200


def test_strength_counts_only_where_configured(sso, settings, fk_officer):
    settings.OIDC_ACCEPTED_ACR = []
    settings.OIDC_ACCEPTED_AMR = []
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt", "acr": LOA3, "amr": ["mfa"]}
    client = Client()
    _login_through(sso, client)
    assert _logged_in_as(client) == str(fk_officer.pk)
    assert not has_second_factor(_SessionOf(client))


def test_strength_is_read_from_the_signed_id_token_not_userinfo(sso, fk_officer):
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt", "amr": ["pwd"]}
    sso.userinfo_changes = {"acr": LOA3, "amr": ["mfa"]}
    client = Client()
    _login_through(sso, client)
    assert _logged_in_as(client) == str(fk_officer.pk)
    assert not has_second_factor(_SessionOf(client))


def test_a_later_weak_login_as_someone_else_does_not_inherit_the_second_factor(
    sso, fk_officer, af_officer
):
    client = Client()
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt", "acr": LOA3}
    _login_through(sso, client)
    assert has_second_factor(_SessionOf(client))
    sso.person = {"sub": "s-2", "preferred_username": "af.sdt"}
    _login_through(sso, client)
    assert _logged_in_as(client) == str(af_officer.pk)
    assert not has_second_factor(_SessionOf(client))


# --- throttling


def test_refusals_without_a_trusted_name_never_lock_out_single_sign_on(sso, fk_officer):
    # given more refused tokens than an account may fail, from several addresses
    sso.sign_with_other_key = True
    for i in range(6):
        sso.person = {"sub": "s-1", "preferred_username": "fk.sdt"}
        _login_through(sso, Client(REMOTE_ADDR=f"10.0.7.{i}"))
    assert not AccessAttempt.objects.filter(username="").exists()
    # then single sign-on goes on working for the staff member
    sso.sign_with_other_key = False
    client = Client(REMOTE_ADDR="10.0.7.9")
    _login_through(sso, client)
    assert _logged_in_as(client) == str(fk_officer.pk)


def test_a_callback_without_a_code_is_refused_under_the_untrusted_name(sso, db):
    client = Client()
    start = client.get(START)
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(f"{CALLBACK}?{urlencode({'code': '', 'state': state})}")
    assert "kunde inte bekräftas" in _page_after(client, response)
    failed = AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED)
    assert failed.username == UNTRUSTED_NAME
    assert not AccessAttempt.objects.filter(username="").exists()


def test_a_locked_address_gets_the_lockout_page_and_others_keep_single_sign_on(
    sso, settings, fk_officer
):
    # given an address that has reached its own lock-out threshold on the password form
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for i in range(3):
        Client(REMOTE_ADDR="10.0.8.1").post(LOGIN, {"username": f"okand{i}", "password": "fel"})
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt"}
    # when single sign-on is tried from it, more times than an account may fail
    for _ in range(6):
        client = Client(REMOTE_ADDR="10.0.8.1")
        response = _login_through(sso, client)
        # then it gets the lock-out page, and nobody is logged in
        assert response.status_code == 429
        assert _logged_in_as(client) is None
    assert AccessLog.objects.filter(action=AccessLog.Action.LOCKOUT).exists()
    # and since nothing was counted without a user name, another address is not affected
    assert not AccessAttempt.objects.filter(username="").exists()
    other = Client(REMOTE_ADDR="10.0.8.2")
    _login_through(sso, other)
    assert _logged_in_as(other) == str(fk_officer.pk)


# --- where the provider is found


def test_explicit_endpoints_are_used_without_discovery(sso, settings, fk_officer):
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{sso.issuer}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{sso.issuer}/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{sso.issuer}/jwks"
    settings.OIDC_OP_USER_ENDPOINT = ""  # none: the ID token's claims are used
    sso.person = {"sub": "s-1", "preferred_username": "fk.sdt"}
    client = Client()
    _login_through(sso, client)
    assert _logged_in_as(client) == str(fk_officer.pk)
    assert "GET /.well-known/openid-configuration" not in sso.paths
    assert "GET /userinfo" not in sso.paths


def test_a_discovery_document_of_another_issuer_is_not_used(sso, settings, db):
    settings.OIDC_ISSUER = sso.issuer + "/"  # the stub names itself without the slash
    client = Client()
    response = client.get(START)
    assert "går inte just nu" in _page_after(client, response)


def test_plain_http_to_the_provider_is_refused_outside_the_tests(sso, settings, db):
    settings.OIDC_ALLOW_HTTP = False
    client = Client()
    body = _page_after(client, client.get(START))
    assert "går inte just nu" in body
    assert sso.paths == []


def test_a_provider_that_does_not_answer_gives_a_message_not_an_error(sso, fk_officer):
    client = Client()
    start = client.get(START)
    back = urlsplit(
        requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    )
    sso.stop()
    response = client.get(f"{back.path}?{back.query}")
    assert "går inte just nu" in _page_after(client, response)
    assert _logged_in_as(client) is None
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED).exists()


def test_the_authorisation_request_asks_for_the_configured_acr(sso, settings, db):
    settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": LOA3}
    start = Client().get(START)
    assert parse_qs(urlsplit(start["Location"]).query)["acr_values"] == [LOA3]


# --- settings from the environment


def _base_settings(monkeypatch, **env):
    for name in list(env):
        monkeypatch.setenv(name, env[name])
    return runpy.run_path(str(BASE_SETTINGS))


def test_an_issuer_in_the_environment_switches_sso_on_with_the_secret_from_a_file(
    monkeypatch, tmp_path
):
    secret = tmp_path / "oidc-secret"
    secret.write_text("hemligt-från-fil\n")
    loaded = _base_settings(
        monkeypatch,
        OIDC_ISSUER="https://login.myndighet.example",
        OIDC_CLIENT_ID="samverkan",
        OIDC_CLIENT_SECRET_FILE=str(secret),
        OIDC_ACCEPTED_AMR="mfa,hwk",
        OIDC_ACR_VALUES=LOA3,
    )
    assert loaded["OIDC_ENABLED"] is True
    assert loaded["OIDC_RP_CLIENT_SECRET"] == "hemligt-från-fil"
    assert loaded["AUTHENTICATION_BACKENDS"][-1] == BACKEND
    assert loaded["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert loaded["OIDC_ACCEPTED_AMR"] == ["mfa", "hwk"]
    assert loaded["OIDC_AUTH_REQUEST_EXTRA_PARAMS"] == {"acr_values": LOA3}
    assert loaded["OIDC_CREATE_USER"] is False


def test_sso_without_a_client_secret_refuses_to_start(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("OIDC_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("OIDC_CLIENT_SECRET_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured):
        _base_settings(
            monkeypatch, OIDC_ISSUER="https://login.myndighet.example", OIDC_CLIENT_ID="x"
        )


def test_without_an_issuer_sso_stays_off(monkeypatch):
    monkeypatch.delenv("OIDC_ISSUER", raising=False)
    monkeypatch.delenv("OIDC_ENABLED", raising=False)
    loaded = _base_settings(monkeypatch)
    assert loaded["OIDC_ENABLED"] is False
    assert BACKEND not in loaded["AUTHENTICATION_BACKENDS"]
