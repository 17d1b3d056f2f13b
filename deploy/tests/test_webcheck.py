"""The code prodcheck types at the login is the one the product's TOTP device expects."""

from django_otp.oath import TOTP

from deploy.webcheck import totp

RFC6238_KEY = "3132333435363738393031323334353637383930"  # "12345678901234567890"


def test_the_code_is_rfc_6238s():
    assert totp(RFC6238_KEY, at=59, digits=8) == "94287082"
    assert totp(RFC6238_KEY, at=1111111109, digits=8) == "07081804"


def test_the_code_is_the_one_django_otp_accepts_now():
    expected = TOTP(bytes.fromhex(RFC6238_KEY), step=30, t0=0, digits=6)
    assert totp(RFC6238_KEY, at=expected.time) == f"{expected.token():06d}"
