"""Two-factor login (SPEC §7, ADR 0015): nothing with personal data answers a password-only
session, neither pages nor session API calls (tokens are unaffected); enrolment draws its QR code
on the server and hands out one-time recovery codes; wrong codes are refused, logged and limited;
the admin needs the second factor too, and an administrator's reset is logged and forces a new
enrolment."""

import base64
import re
from urllib.parse import unquote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import SESSION_SECOND_FACTOR
from accounts.tests.factories import PASSWORD, staff
from accounts.tests.login import force_login_two_factor
from accounts.tokens import api_token_create
from audit.models import AccessLog

LOGIN = "/konto/logga-in/"
CODE_PAGE = "/konto/tvastegsinloggning/"
ENROL_PAGE = "/konto/tvastegsinloggning/aktivera/"
NOW = "2026-03-02 09:00 +01:00"


def code_for(device, *, steps_ahead=0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def password_login(username="fk.sdt", ip="10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password step itself must succeed"
    return client


def app_of(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)


def enrol(client, user) -> list[str]:
    """Go through enrolment with the code of the app that scanned the page; returns the codes."""
    assert client.get(ENROL_PAGE).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL_PAGE, {"code": code_for(device)})
    assert response.status_code == 200
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


# --- nothing answers before the second factor ----------------------------------------------


def test_a_password_only_session_gets_no_page_with_personal_data(fk_officer, case, person):
    # given an officer who has given the password but not the code
    app_of(fk_officer)
    client = password_login()
    pages = [
        "/",
        reverse("cases:person_detail", args=[person.pk]),
        reverse("cases:case_detail", args=[case.pk]),
        reverse("reporting:overview"),
        reverse("cases:person_search"),
    ]
    for url in pages:
        # when any page is asked for
        response = client.get(url)
        # then it redirects to the code page, keeping where the user was going
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{CODE_PAGE}?next="), url
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW).exists()


def test_the_right_code_completes_the_login_and_the_page_opens(fk_officer, case, person):
    device = app_of(fk_officer)
    client = password_login()
    target = reverse("cases:person_detail", args=[person.pk])

    page = client.get(f"{CODE_PAGE}?next={target}")
    assert page.status_code == 200 and "Tvåstegsinloggning" in page.content.decode()
    response = client.post(CODE_PAGE, {"code": code_for(device), "next": target})

    assert response.status_code == 302 and response["Location"] == target
    opened = client.get(target)
    assert opened.status_code == 200 and "Testsson" in opened.content.decode()
    assert client.session[SESSION_SECOND_FACTOR] == "totp"
    entry = AccessLog.objects.get(action=AccessLog.Action.SECOND_FACTOR)
    assert entry.user == fk_officer and entry.purpose == "kod från autentiseringsappen"


def test_the_code_page_shows_no_navigation_and_offers_logout(fk_officer):
    app_of(fk_officer)
    body = password_login().get(CODE_PAGE).content.decode()
    assert "Sök person" not in body and "Statistik" not in body
    assert reverse("accounts:logout") in body


def test_logout_works_before_the_second_factor(fk_officer):
    app_of(fk_officer)
    client = password_login()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_the_code_page_never_sends_the_user_to_another_site(fk_officer):
    device = app_of(fk_officer)
    client = password_login()
    response = client.post(CODE_PAGE, {"code": code_for(device), "next": "https://example.org/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_login_through_the_identity_provider_counts_as_the_second_factor(fk_officer):
    client = Client()
    client.force_login(fk_officer)
    assert client.get("/").status_code == 302
    # the single sign-on marks the session with mark_second_factor(request, "sso")
    session = client.session
    session[SESSION_SECOND_FACTOR] = "sso"
    session.save()
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


# --- the API --------------------------------------------------------------------------------


def test_a_session_api_call_without_the_second_factor_is_refused_but_the_token_works(
    fk_officer, case
):
    app_of(fk_officer)
    client = password_login()
    _token, secret = api_token_create(user=fk_officer, name="Uppföljning")

    refused = client.get("/api/v1/cases/")
    by_token = Client(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/v1/cases/")

    assert refused.status_code == 401
    assert "ange koden" in refused.json()["detail"]
    assert by_token.status_code == 200
    assert [c["id"] for c in by_token.json()["results"]] == [case.pk]


def test_another_authorization_scheme_does_not_slip_past_with_the_session(fk_officer, case):
    app_of(fk_officer)
    client = password_login()
    basic = base64.b64encode(f"fk.sdt:{PASSWORD}".encode()).decode()
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/v1/schema/", "/api/v1/docs/"])
def test_the_api_schema_and_docs_follow_the_same_rule(fk_officer, url):
    app_of(fk_officer)
    half = password_login()
    assert half.get(url).status_code == 401
    assert force_login_two_factor(Client(), fk_officer).get(url).status_code == 200


# --- enrolment ------------------------------------------------------------------------------


def test_a_user_without_an_app_is_sent_to_enrolment(fk_officer):
    client = password_login()
    response = client.get(f"{CODE_PAGE}?next=/arenden/")
    assert (
        response.status_code == 302 and response["Location"] == f"{ENROL_PAGE}?next=%2Farenden%2F"
    )


def test_enrolment_shows_a_qr_code_drawn_here_and_the_secret_in_text(fk_officer):
    client = password_login()
    body = client.get(ENROL_PAGE).content.decode()
    device = TOTPDevice.objects.get(user=fk_officer, confirmed=False)

    sources = re.findall(r'<img src="([^"]+)"', body)
    assert len(sources) == 1 and sources[0].startswith("data:image/svg+xml")
    assert not re.search(r'(src|href)="(https?:)?//', body)  # no outside QR service
    svg = unquote(sources[0].split(",", 1)[1])
    assert svg.startswith("<svg") and "<path" in svg
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
    # reloading keeps the secret an app may already hold
    assert client.get(ENROL_PAGE).status_code == 200
    assert TOTPDevice.objects.get(user=fk_officer, confirmed=False).pk == device.pk


def test_someone_else_with_the_password_never_learns_the_secret_the_user_enrols(fk_officer):
    # given someone who knows the password opens enrolment first and notes its secret
    intruder = password_login(ip="10.9.9.9")
    intruder.get(ENROL_PAGE)
    intruders_device = TOTPDevice.objects.get(user=fk_officer, confirmed=False)

    # when the user then enrols their own phone
    user = password_login()
    user.get(ENROL_PAGE)
    users_device = TOTPDevice.objects.exclude(pk=intruders_device.pk).get(
        user=fk_officer, confirmed=False
    )
    assert users_device.bin_key != intruders_device.bin_key  # a secret of the session's own
    response = user.post(ENROL_PAGE, {"code": code_for(users_device)})
    assert response.status_code == 200

    # then the intruder's secret is gone: a code from it opens nothing
    assert list(TOTPDevice.objects.filter(user=fk_officer)) == [users_device]
    later = password_login(ip="10.9.9.9")
    totp = TOTP(intruders_device.bin_key, intruders_device.step, intruders_device.t0)
    later.post(CODE_PAGE, {"code": f"{totp.token():06d}"})
    assert later.get("/").status_code == 302


def test_confirming_with_a_valid_code_enables_the_app_and_shows_ten_recovery_codes(
    fk_officer, person
):
    client = password_login()
    codes = enrol(client, fk_officer)

    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=fk_officer).confirmed
    assert StaticToken.objects.filter(device__user=fk_officer).count() == 10
    assert client.get("/").status_code == 200
    assert AccessLog.objects.filter(
        user=fk_officer, action=AccessLog.Action.SECOND_FACTOR, purpose__contains="aktiverad"
    ).exists()


def test_a_wrong_code_at_enrolment_enables_nothing(fk_officer):
    client = password_login()
    client.get(ENROL_PAGE)
    response = client.post(ENROL_PAGE, {"code": "000000"})
    assert response.status_code == 200
    assert "Fel kod" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=fk_officer, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=fk_officer).exists()
    assert client.get("/").status_code == 302


def test_knowing_the_password_is_not_enough_to_add_an_app_of_ones_own(fk_officer):
    # given a user who has an app: a password thief must not reach enrolment
    app_of(fk_officer)
    client = password_login()
    response = client.get(ENROL_PAGE)
    assert response.status_code == 302 and response["Location"] == CODE_PAGE
    assert client.post(ENROL_PAGE, {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=fk_officer).count() == 1


# --- codes ----------------------------------------------------------------------------------


def test_each_recovery_code_works_once(fk_officer):
    with time_machine.travel(NOW, tick=False):
        codes = enrol(password_login(), fk_officer)

        first = password_login()
        response = first.post(CODE_PAGE, {"code": codes[3].upper().replace("-", " ")})
        assert response.status_code == 302 and first.get("/").status_code == 200
        assert first.session[SESSION_SECOND_FACTOR] == "recovery"

        again = password_login()
        refused = again.post(CODE_PAGE, {"code": codes[3]})
        assert refused.status_code == 200 and "Fel kod" in refused.content.decode()
        assert again.get("/").status_code == 302
    assert StaticToken.objects.filter(device__user=fk_officer).count() == 9


def test_a_wrong_code_is_refused_in_swedish_and_logged(fk_officer):
    app_of(fk_officer)
    client = password_login()
    response = client.post(CODE_PAGE, {"code": "123456"})
    assert response.status_code == 200
    assert "Fel kod. Kontrollera koden och försök igen." in response.content.decode()
    assert client.get("/").status_code == 302
    entry = AccessLog.objects.get(action=AccessLog.Action.SECOND_FACTOR_FAILED)
    assert entry.user == fk_officer and entry.purpose == "fel kod"
    # a wrong code is not logged a second time as a wrong password
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED).exists()


def test_a_code_is_accepted_only_once(fk_officer):
    device = app_of(fk_officer)
    with time_machine.travel(NOW, tick=False):
        code = code_for(device)
        assert password_login().post(CODE_PAGE, {"code": code}).status_code == 302
        replay = password_login()
        assert replay.post(CODE_PAGE, {"code": code}).status_code == 200
        assert replay.get("/").status_code == 302


def test_right_after_a_wrong_code_the_app_must_wait(fk_officer):
    device = app_of(fk_officer)
    with time_machine.travel(NOW, tick=False) as traveller:
        client = password_login()
        client.post(CODE_PAGE, {"code": "000000"})
        hurried = client.post(CODE_PAGE, {"code": code_for(device)})
        assert "Vänta 1 sekund" in hurried.content.decode()
        traveller.shift(2)
        assert client.post(CODE_PAGE, {"code": code_for(device)}).status_code == 302


def test_five_wrong_codes_lock_the_user_out_and_end_the_half_login(fk_officer):
    device = app_of(fk_officer)
    with time_machine.travel(NOW, tick=False) as traveller:
        client = password_login()
        for attempt in range(4):
            assert client.post(CODE_PAGE, {"code": f"00000{attempt}"}).status_code == 200
            traveller.shift(60)
        locked = client.post(CODE_PAGE, {"code": "000009"})
        assert locked.status_code == 429
        assert "tillfälligt låst" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        assert AccessLog.objects.filter(action=AccessLog.Action.LOCKOUT).exists()
        # the right password from another address is locked too, and so the code is unreachable
        again = Client(REMOTE_ADDR="10.0.0.2")
        response = again.post(LOGIN, {"username": "fk.sdt", "password": PASSWORD})
        assert response.status_code == 429
        assert again.post(CODE_PAGE, {"code": code_for(device)}).status_code == 302
        assert again.get("/").status_code == 302


# --- the admin ------------------------------------------------------------------------------


@pytest.fixture
def administrator(db):
    return staff("sysadmin", username="admin", is_staff=True, is_superuser=True)


def test_the_admin_needs_the_second_factor(administrator):
    app_of(administrator)
    half = password_login("admin")
    response = half.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(CODE_PAGE)
    assert half.get("/admin/auth/user/").status_code == 302
    assert force_login_two_factor(Client(), administrator).get("/admin/").status_code == 200


def test_an_administrator_resets_a_lost_phone_and_the_user_enrols_again(administrator, fk_officer):
    # given an officer with an app and recovery codes, logged in on a (stolen) phone
    with time_machine.travel(NOW, tick=False):
        enrol(password_login(), fk_officer)
    stolen = force_login_two_factor(Client(), fk_officer)
    assert stolen.get("/").status_code == 200

    # when the administrator resets the officer's second factor in the admin
    admin_client = force_login_two_factor(Client(), administrator)
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [fk_officer.pk]},
        follow=True,
    )

    # then the devices are gone, the reset is logged, the stolen session is back at the code page
    assert "Tvåstegsinloggningen återställd för 1 användare" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=fk_officer).exists()
    assert not StaticDevice.objects.filter(user=fk_officer).exists()
    entry = AccessLog.objects.get(action=AccessLog.Action.SECOND_FACTOR_RESET)
    assert entry.user == administrator and entry.object_id == str(fk_officer.pk)
    assert "fk.sdt" in entry.purpose
    assert stolen.get("/").status_code == 302
    # and at the next login the officer enrols a new app
    client = password_login()
    assert client.get(CODE_PAGE)["Location"] == ENROL_PAGE


def test_the_admin_shows_who_has_an_app_and_no_device_pages(administrator, fk_officer):
    app_of(fk_officer)
    admin_client = force_login_two_factor(Client(), administrator)
    body = admin_client.get("/admin/auth/user/").content.decode()
    assert "Tvåstegsinloggning" in body
    # no page shows the secrets or the recovery codes in clear
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert admin_client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_the_test_login_helper_gives_a_real_device_verified_session(fk_officer):
    # the `login` fixture stands for a completed code page: same session keys, a real device
    client = force_login_two_factor(Client(), fk_officer)
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=fk_officer).delete()
    assert client.get("/").status_code == 302
