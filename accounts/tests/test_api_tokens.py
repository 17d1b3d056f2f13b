"""API tokens for machine clients (SPEC §6, issue 6 point 2, ADR 0012): a token acts with exactly
its user's scope, refusals are 401 (never 500), only the digest is stored, the secret is shown
once, and creation and revocation by an administrator are in the access log."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tests.factories import UserFactory
from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory


def token_client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {secret}")


@pytest.fixture
def officer_token(fk_officer):
    _token, secret = api_token_create(user=fk_officer, name="Uppföljningsexport")
    return secret


def test_a_token_reads_the_officers_cases_and_not_another_areas(
    fk_officer, officer_token, case, other_area
):
    # given a case of the officer's and one in another area
    elsewhere = CaseFactory(person=PersonFactory(area=other_area))
    client = token_client(officer_token)

    # when the machine client lists and opens cases
    listed = client.get("/api/v1/cases/")

    # then it sees exactly the officer's cases, and the other area's case is 404
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["results"]] == [case.pk]
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert client.get(f"/api/v1/cases/{elsewhere.pk}/").status_code == 404
    assert AccessLog.objects.filter(user=fk_officer, action=AccessLog.Action.VIEW).exists()


def test_a_token_reads_a_report_with_the_officers_scope(
    login, fk_officer, officer_token, case, other_area
):
    params = {"from": "2025-01", "to": "2025-02"}
    by_token = token_client(officer_token).get("/api/v1/reports/inflow/", params)
    by_session = login(fk_officer).get("/api/v1/reports/inflow/", params)

    assert by_token.status_code == 200
    assert by_token.json()["areas"] == ["sdt"]
    assert by_token.json() == by_session.json()
    other = token_client(officer_token).get(
        "/api/v1/reports/inflow/", {**params, "area": other_area.code}
    )
    assert other.status_code == 404


def test_an_unauthenticated_api_call_is_401_with_a_token_challenge(db):
    response = Client().get("/api/v1/cases/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token kort",
        "Token " + "x" * 43,
        "Token " + "x" * 500,
        "Token abcdefgh\x00" + "y" * 40,
        "Token åäöåäöåä" + "y" * 40,
        "Token %00%00%00%00" + "y" * 40,
    ],
)
def test_a_wrong_or_malformed_token_is_401_never_500(officer_token, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/cases/")

    assert response.status_code == 401


def test_a_right_prefix_with_a_wrong_secret_is_401_and_logged(officer_token):
    forged = officer_token[:8] + "A" * (len(officer_token) - 8)

    assert token_client(forged).get("/api/v1/cases/").status_code == 401
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED)
    assert entry.object_id == officer_token[:8]
    assert officer_token not in entry.purpose and forged not in entry.purpose


def test_a_revoked_token_is_401(fk_officer, officer_token):
    call_command("api_token", "revoke", officer_token[:8], stdout=StringIO())

    assert token_client(officer_token).get("/api/v1/cases/").status_code == 401


def test_an_expired_token_is_401(fk_officer):
    _token, secret = api_token_create(
        user=fk_officer, name="Gammal", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    assert token_client(secret).get("/api/v1/cases/").status_code == 401


def test_a_token_of_a_deactivated_user_is_401(fk_officer, officer_token):
    fk_officer.is_active = False
    fk_officer.save(update_fields=["is_active"])

    assert token_client(officer_token).get("/api/v1/cases/").status_code == 401


def test_a_token_of_a_user_whose_staff_profile_is_gone_is_401(fk_officer, officer_token):
    fk_officer.staff_profile.delete()

    assert token_client(officer_token).get("/api/v1/cases/").status_code == 401


def test_a_token_needs_a_user_with_a_staff_profile(db):
    with pytest.raises(ValidationError):
        api_token_create(user=UserFactory(), name="Utan profil")


def test_only_the_digest_of_the_secret_is_stored(fk_officer):
    token, secret = api_token_create(user=fk_officer, name="Export")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert stored["prefix"] == secret[:8]
    assert not any(secret in str(value) for value in stored.values())


def test_use_is_recorded_as_last_used(fk_officer, officer_token):
    token_client(officer_token).get("/api/v1/me/")

    assert ApiToken.objects.get(prefix=officer_token[:8]).last_used_at is not None


def test_a_token_client_may_post_without_csrf(coordinator):
    _token, secret = api_token_create(user=coordinator, name="Import")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {secret}")

    response = client.post("/api/v1/imports/status/", {})

    assert response.status_code not in (401, 403)


def test_the_admin_creates_a_token_and_shows_the_secret_once(admin_client, fk_officer):
    # when an administrator adds a token for the officer
    response = admin_client.post(
        reverse("admin:accounts_apitoken_add"),
        {"user": fk_officer.pk, "name": "Statistikklient", "expires_at_0": "", "expires_at_1": ""},
    )

    # then the answer shows the secret, which matches the stored digest and is never shown again
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith(token.prefix) and secret in response.content.decode()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.created_by.username == "admin"
    for url in (
        reverse("admin:accounts_apitoken_change", args=[token.pk]),
        reverse("admin:accounts_apitoken_changelist"),
    ):
        page = admin_client.get(url).content.decode()
        assert token.prefix in page and secret not in page
    created = AccessLog.objects.get(action=AccessLog.Action.CREATE, object_type="apitoken")
    assert created.username == "admin" and secret not in created.purpose
    assert token_client(secret).get("/api/v1/cases/").status_code == 200


def test_the_admin_action_revokes_and_logs(admin_client, fk_officer, officer_token):
    token = ApiToken.objects.get()

    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by.username == "admin"
    assert AccessLog.objects.filter(
        action=AccessLog.Action.UPDATE, object_type="apitoken", username="admin"
    ).exists()
    assert token_client(officer_token).get("/api/v1/cases/").status_code == 401


def test_a_token_cannot_be_deleted_in_the_admin(admin_client, officer_token):
    token = ApiToken.objects.get()

    url = reverse("admin:accounts_apitoken_delete", args=[token.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_command_creates_prints_once_and_revokes(fk_officer):
    out = StringIO()
    call_command("api_token", "create", "fk.sdt", "--name", "Nattlig export", stdout=out)
    secret = out.getvalue().strip()

    token = ApiToken.objects.get()
    assert token.prefix == secret[:8] and token.user == fk_officer
    assert token_client(secret).get("/api/v1/cases/").status_code == 200

    call_command("api_token", "revoke", token.prefix, stdout=StringIO())

    assert token_client(secret).get("/api/v1/cases/").status_code == 401
    logged = AccessLog.objects.filter(object_type="apitoken", username__startswith="manage.py")
    assert sorted(logged.values_list("action", flat=True)) == ["create", "update"]


def test_the_schema_lists_the_token_scheme(login, fk_officer):
    schema = yaml.safe_load(login(fk_officer).get(reverse("api:schema")).content)

    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/cases/"]["get"]["security"]


def test_no_secret_begins_with_a_dash_that_the_revoke_command_would_read_as_an_option(
    fk_officer, monkeypatch
):
    # given the random source's first answer begins with "-" (1 in 64 of all secrets)
    answers = iter(["-" + "a" * 42, "b" * 43])
    monkeypatch.setattr("accounts.tokens.secrets.token_urlsafe", lambda _n: next(answers))
    out = StringIO()
    call_command("api_token", "create", "fk.sdt", "--name", "Test", stdout=out)
    # then the token issued is the next one, and its prefix can be revoked by the command
    token = ApiToken.objects.get()
    assert token.prefix == "b" * 8
    call_command("api_token", "revoke", token.prefix, stdout=StringIO())
