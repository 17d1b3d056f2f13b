"""The admin's page for the organisation's files (imports.organisation.views)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Area, StaffProfile
from accounts.tests.factories import staff
from accounts.tests.login import force_login_two_factor

from .conftest import table_counts
from .test_organisation import STAFF, UNITS, staff_file

pytestmark = pytest.mark.django_db

PAGE = reverse("imports:organisation")


@pytest.fixture
def administrator(db):
    return staff("sysadmin", username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_page(administrator):
    return force_login_two_factor(Client(), administrator)


def upload(client, **files):
    return client.post(
        PAGE, {kind: SimpleUploadedFile(f"{kind}.csv", data) for kind, data in files.items()}
    )


def test_the_administrator_imports_both_files_and_sees_the_counts(admin_page, administrator):
    assert admin_page.get(PAGE).status_code == 200

    response = upload(admin_page, units=UNITS, staff=STAFF)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Filerna är importerade." in body
    assert [(r.kind, r.created) for r in response.context["results"]] == [
        ("units", 6),
        ("staff", 3),
    ]
    assert Area.objects.count() == 2 and StaffProfile.objects.count() == 4  # with the admin's


def test_a_bad_row_is_listed_with_line_and_column_and_nothing_is_saved(admin_page):
    before = table_counts()

    response = upload(admin_page, units=UNITS, staff=staff_file("anna.ek;Anna;Ek;;FK;chef;sdt;;;"))

    body = response.content.decode()
    assert "1 av 1 rader avvisades. Inget är sparat" in body
    assert "<td>2</td><td>role</td><td>role: Okänd roll &#x27;chef&#x27;." in body
    assert table_counts() == before


def test_no_file_is_a_clear_message(admin_page):
    response = admin_page.post(PAGE, {})

    assert "Välj en fil med enheter, en med personal eller båda." in response.content.decode()


def test_the_area_and_user_lists_link_to_the_page(admin_page):
    for changelist in ("/admin/accounts/area/", "/admin/auth/user/"):
        assert f'href="{PAGE}"' in admin_page.get(changelist).content.decode()


def test_staff_without_the_permissions_get_403_and_officers_the_admin_login(area, login):
    clerk = staff("sysadmin", username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="change_area"))
    assert login(clerk).get(PAGE).status_code == 403
    assert upload(login(clerk), units=UNITS).status_code == 403
    officer = staff("fk_officer", areas=[area], username="fk.y")
    response = login(officer).get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Area.objects.exclude(pk=area.pk).exists()


def test_a_file_that_is_not_text_is_refused_in_swedish_not_a_server_error(admin_page):
    response = upload(admin_page, staff=b"\xff\xfe\x00\x01 inte text")

    assert response.status_code == 200
    assert "Filen avvisades: Filen" in response.content.decode()
    assert not StaffProfile.objects.exclude(user__username="admin").exists()
