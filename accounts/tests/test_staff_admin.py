"""Offboarding and support in the admin (accounts.staff, docs/ORGANISATION.md): deactivating a
staff member ends their sessions and API tokens at once, a password reset gives a one-time link
under the password rules, a lock-out is cleared; each is logged with who did it and when."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tests.factories import PASSWORD, staff
from accounts.tests.login import force_login_two_factor
from accounts.tokens import api_token_create
from audit.models import AccessLog

USERS = "/admin/auth/user/"
LOGIN = reverse("accounts:login")
NEW = "Ett-nytt-och-långt-lösenord-26"


@pytest.fixture
def administrator(db):
    return staff("sysadmin", username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_page(administrator):
    return force_login_two_factor(Client(), administrator)


def action(client, name, *users, follow=True):
    return client.post(
        USERS, {"action": name, "_selected_action": [u.pk for u in users]}, follow=follow
    )


def log_entries(user):
    return AccessLog.objects.filter(
        action=AccessLog.Action.UPDATE, object_type="user", object_id=str(user.pk)
    )


def test_deactivating_ends_sessions_and_tokens_at_once_and_is_logged(
    admin_page, administrator, fk_officer, login
):
    # given an officer logged in, and a machine client with the officer's token
    session = login(fk_officer)
    token, secret = api_token_create(user=fk_officer, name="Export")
    by_token = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    assert session.get("/").status_code == 200
    assert by_token.get("/api/v1/me/").status_code == 200

    # when the administrator deactivates the officer
    response = action(admin_page, "deactivate", fk_officer)

    # then the account is inactive, the session and the token stop working now
    assert "1 konto avaktiverat." in response.content.decode()
    fk_officer.refresh_from_db()
    assert fk_officer.is_active is False
    response = session.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert session.get("/api/v1/me/").status_code in (401, 403)
    assert by_token.get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_by == administrator
    revoked = AccessLog.objects.get(object_type="apitoken", purpose__endswith="återkallad")
    assert revoked.user == administrator and revoked.area_id is not None
    # and it is in the access log: who, when, whose account
    entry = log_entries(fk_officer).get(purpose__startswith="konto avaktiverat")
    assert entry.user == administrator and entry.occurred_at is not None
    assert entry.purpose == (
        "konto avaktiverat för fk.sdt: inloggningar upphör, 1 API-nycklar återkallade"
    )
    assert entry.area_id is not None


def test_an_administrator_cannot_deactivate_themselves(admin_page, administrator):
    response = action(admin_page, "deactivate", administrator)

    assert "Du kan inte avaktivera ditt eget konto." in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active


def test_unticking_active_in_the_form_is_offboarding_too(admin_page, administrator, fk_officer):
    token, _secret = api_token_create(user=fk_officer, name="Export")
    form = admin_page.get(f"{USERS}{fk_officer.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "is_active": "",
            "date_joined_0": fk_officer.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": fk_officer.date_joined.strftime("%H:%M:%S"),
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "1",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-id": fk_officer.staff_profile.pk,
            "staff_profile-0-user": fk_officer.pk,
            "staff_profile-0-agency": fk_officer.staff_profile.agency_id,
            "staff_profile-0-role": fk_officer.staff_profile.role_id,
            "staff_profile-0-areas": [a.pk for a in fk_officer.staff_profile.areas.all()],
            "staff_profile-0-working_time_share": "1.00",
        }
    )
    for name in ("groups", "user_permissions", "last_login", "date_joined", "password"):
        data.pop(name, None)
    data["is_staff"] = data["is_superuser"] = ""

    response = admin_page.post(f"{USERS}{fk_officer.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    fk_officer.refresh_from_db()
    assert fk_officer.is_active is False
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert log_entries(fk_officer).filter(purpose__startswith="konto avaktiverat").exists()


def test_a_password_reset_gives_a_one_time_link_under_the_password_rules(
    admin_page, administrator, fk_officer, login
):
    session = login(fk_officer)

    # when the administrator resets the officer's password
    response = admin_page.post(
        USERS, {"action": "password_reset", "_selected_action": [fk_officer.pk]}
    )

    # then the page shows the link once; the old password and the sessions stop working
    assert response.status_code == 200
    ((user, link),) = response.context["links"]
    assert user == fk_officer and link.startswith("http://testserver/konto/losenord/ny/")
    fk_officer.refresh_from_db()
    assert not fk_officer.has_usable_password()
    assert session.get("/").status_code == 302
    entry = log_entries(fk_officer).get(purpose__startswith="lösenord återställt")
    assert entry.user == administrator
    assert link.split("/")[-2] not in entry.purpose  # the token is never logged

    # when the officer opens the link (not logged in) and tries a password against the rules
    visitor = Client()
    form_page = visitor.get(link, follow=True)
    assert form_page.status_code == 200 and "Välj nytt lösenord" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    refused = visitor.post(set_url, {"new_password1": "kort-1", "new_password2": "kort-1"})
    assert "lösenordet är för kort" in refused.content.decode()

    # then a password under the rules is saved and works; the link is spent
    done = visitor.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == reverse(
        "accounts:password_reset_complete"
    )
    fk_officer.refresh_from_db()
    assert fk_officer.check_password(NEW)
    assert log_entries(fk_officer).filter(purpose="lösenord bytt av användaren").exists()
    spent = Client().get(link, follow=True).content.decode()
    assert "Länken gäller inte längre" in spent


def test_an_inactive_account_gets_no_reset_link(admin_page, fk_officer):
    User.objects.filter(pk=fk_officer.pk).update(is_active=False)

    response = action(admin_page, "password_reset", fk_officer)

    assert "Inaktiva konton får ingen länk" in response.content.decode()
    fk_officer.refresh_from_db()
    assert fk_officer.has_usable_password()


def test_clearing_a_lock_out_lets_the_user_log_in_again_and_is_logged(
    admin_page, administrator, fk_officer
):
    # given an officer locked out after five wrong passwords
    for i in range(5):
        Client().post(LOGIN, {"username": "fk.sdt", "password": "fel"}, REMOTE_ADDR=f"10.0.3.{i}")
    locked = Client().post(LOGIN, {"username": "fk.sdt", "password": PASSWORD})
    assert locked.status_code == 429

    # when the administrator clears the lock-out
    response = action(admin_page, "clear_lockout", fk_officer)

    # then the officer logs in, and the clearing is logged
    assert "Utelåsningen hävd för 1 användare" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="fk.sdt").exists()
    assert Client().post(LOGIN, {"username": "fk.sdt", "password": PASSWORD}).status_code == 302
    entry = log_entries(fk_officer).get(purpose__startswith="utelåsning hävd")
    assert entry.user == administrator


def test_officers_have_no_admin_actions(fk_officer, colleague, login):
    response = action(login(fk_officer), "deactivate", colleague, follow=False)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    colleague.refresh_from_db()
    assert colleague.is_active
