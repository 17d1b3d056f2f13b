import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


@pytest.mark.parametrize("weak", ["kort", "12345678901234", "password1234"])
def test_weak_passwords_are_refused_in_swedish(fk_officer, weak):
    with translation.override("sv"), pytest.raises(ValidationError) as excinfo:
        validate_password(weak, user=fk_officer)
    assert any("lösenord" in m.lower() for m in excinfo.value.messages)


def test_a_long_unusual_password_passes(fk_officer):
    validate_password("Tre-ord-och-en-mening-2026", user=fk_officer)


def test_password_like_the_users_name_is_refused(fk_officer):
    fk_officer.last_name = "Bergström"
    with pytest.raises(ValidationError):
        validate_password("bergström1234", user=fk_officer)
