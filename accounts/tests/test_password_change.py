"""Changing a password (SPEC §7): users change their own on "Byt lösenord", an administrator
sets one in the admin; the password rules apply to both, and both are in the access log."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, staff
from accounts.tests.login import force_login_two_factor
from audit.models import AccessLog

CHANGE = reverse("accounts:password_change")
NEW = "Nytt-och-långt-lösenord-för-våren"


def _change(client, old=PASSWORD, new=NEW, again=None):
    return client.post(
        CHANGE,
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_the_page_is_swedish_with_labelled_fields(fk_officer, login):
    response = login(fk_officer).get(CHANGE)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Byt lösenord</h1>" in body
    for field in ("old_password", "new_password1", "new_password2"):
        assert f'<label for="id_{field}">' in body


def test_the_user_menu_links_to_the_page(fk_officer, login):
    body = login(fk_officer).get(reverse("home")).content.decode()

    assert f'href="{CHANGE}"' in body


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(db):
    response = Client().get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_changing_keeps_this_session_ends_the_others_and_is_logged(fk_officer, login):
    here = login(fk_officer)
    elsewhere = login(fk_officer)

    response = _change(here)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    fk_officer.refresh_from_db()
    assert fk_officer.check_password(NEW)
    # the session that changed it stays logged in; another session of the account does not
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302
    entry = AccessLog.objects.get(action=AccessLog.Action.UPDATE, object_type="user")
    assert entry.user == fk_officer and entry.object_id == str(fk_officer.pk)
    assert entry.purpose == "lösenord bytt av användaren"
    assert entry.area_id is not None
    assert NEW not in entry.purpose


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("kort-1", "lösenordet är för kort"),
        ("12345678901234567", "enbart numeriskt"),
        ("password12345", "för vanligt"),
    ],
)
def test_a_new_password_against_the_rules_is_refused_in_swedish(fk_officer, login, new, message):
    response = _change(login(fk_officer), new=new)

    assert response.status_code == 200
    assert message in response.content.decode()
    fk_officer.refresh_from_db()
    assert fk_officer.check_password(PASSWORD)
    assert not AccessLog.objects.filter(object_type="user").exists()


def test_a_wrong_current_password_changes_nothing(fk_officer, login):
    response = _change(login(fk_officer), old="inte-mitt-lösenord")

    assert response.status_code == 200
    assert "Ditt gamla lösenord" in response.content.decode()
    fk_officer.refresh_from_db()
    assert fk_officer.check_password(PASSWORD)


def test_two_different_new_passwords_change_nothing(fk_officer, login):
    response = _change(login(fk_officer), again=NEW + "x")

    assert response.status_code == 200
    fk_officer.refresh_from_db()
    assert fk_officer.check_password(PASSWORD)


# --- an administrator sets a password -------------------------------------------------------


@pytest.fixture
def administrator(db):
    return staff("sysadmin", username="admin", is_staff=True, is_superuser=True)


def _admin_set(client, user, password, again=None):
    return client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": password, "password2": again or password},
    )


def test_an_administrator_sets_a_users_password_and_it_is_logged(administrator, fk_officer):
    client = force_login_two_factor(Client(), administrator)

    response = _admin_set(client, fk_officer, NEW)

    assert response.status_code == 302
    fk_officer.refresh_from_db()
    assert fk_officer.check_password(NEW)
    entry = AccessLog.objects.get(action=AccessLog.Action.UPDATE, object_type="user")
    assert entry.user == administrator and entry.object_id == str(fk_officer.pk)
    assert entry.purpose == "lösenord satt av administratör för fk.sdt"
    # against the officer's area, so that area's coordinator sees it
    assert entry.area_id == fk_officer.staff_profile.areas.get().pk


def test_the_administrator_is_held_to_the_password_rules(administrator, fk_officer):
    client = force_login_two_factor(Client(), administrator)

    response = _admin_set(client, fk_officer, "kort-1")

    assert response.status_code == 200
    fk_officer.refresh_from_db()
    assert fk_officer.check_password(PASSWORD)
    assert not AccessLog.objects.filter(object_type="user").exists()


def test_the_admin_password_page_of_an_unknown_user_is_not_an_error(administrator):
    client = force_login_two_factor(Client(), administrator)
    missing = (User.objects.order_by("-pk").first().pk or 0) + 100

    response = client.get(reverse("admin:auth_user_password_change", args=[missing]))

    assert response.status_code in (302, 404)
