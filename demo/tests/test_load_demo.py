from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import Area, StaffProfile
from cases.models import Case, Person
from cases.validators import parse_identity_number


def _load(monkeypatch, password="Demo-lösenord-för-test-2026"):
    monkeypatch.setenv("DEMO_PASSWORD", password)
    out = StringIO()
    # The follow-up history has its own tests (test_demo_history); these are about the rest.
    call_command("load_demo", "--without-history", stdout=out)
    return out.getvalue()


def _counts():
    return (
        Area.objects.count(),
        get_user_model().objects.count(),
        StaffProfile.objects.count(),
        Person.objects.count(),
        Case.objects.count(),
    )


def test_demo_data_is_idempotent_and_prints_the_password_once(db, monkeypatch):
    first = _load(monkeypatch)
    counts = _counts()
    second = _load(monkeypatch, password="Ett-annat-lösenord-2026")
    assert "Demo-lösenord-för-test-2026" in first
    assert "Ett-annat-lösenord-2026" not in second and "fanns redan" in second
    assert _counts() == counts
    # the password was not changed by the second run
    assert (
        get_user_model()
        .objects.get(username="fk.sdt")
        .check_password("Demo-lösenord-för-test-2026")
    )


def test_demo_has_every_role_and_valid_synthetic_people(db, monkeypatch):
    _load(monkeypatch)
    roles = set(StaffProfile.objects.values_list("role__code", flat=True))
    assert {"fk_officer", "af_officer", "coordinator", "management", "analyst", "sysadmin"} <= roles
    assert Area.objects.count() >= 3
    people = list(Person.objects.all())
    assert len(people) >= 30
    for person in people:
        assert parse_identity_number(person.personnummer).number == person.personnummer
    # some people have no case, so an officer must break the glass to open them
    assert Person.objects.filter(cases__isnull=True).exists()


def test_reset_passwords_prints_a_new_one(db, monkeypatch):
    _load(monkeypatch)
    monkeypatch.setenv("DEMO_PASSWORD", "Nytt-demolösenord-2026")
    out = StringIO()
    call_command("load_demo", "--reset-passwords", "--without-history", stdout=out)
    assert "Nytt-demolösenord-2026" in out.getvalue()
    assert get_user_model().objects.get(username="admin").check_password("Nytt-demolösenord-2026")
