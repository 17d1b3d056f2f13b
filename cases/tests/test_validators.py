"""Personnummer and samordningsnummer (SPEC §3)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from cases.validators import mask, parse_identity_number


def _number(birth: dt.date, serial: int, *, coordination=False) -> str:
    day = birth.day + (60 if coordination else 0)
    ten = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth:%Y}{ten[2:]}{luhn.calc_check_digit(ten)}"


births = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2020, 12, 31))
serials = st.integers(min_value=0, max_value=999)


@given(births, serials, st.booleans())
def test_every_valid_number_passes_and_normalises_to_12_digits(birth, serial, coordination):
    number = _number(birth, serial, coordination=coordination)
    for written in (number, f"{number[:8]}-{number[8:]}"):
        identity = parse_identity_number(written, today=dt.date(2026, 11, 23))
        assert identity.number == number
        assert identity.birth_date == birth
        assert identity.is_coordination_number is coordination
        assert identity.sex == ("M" if serial % 10 % 2 else "K")


@given(births, serials, st.integers(min_value=0, max_value=11), st.integers(1, 9))
def test_every_single_digit_change_in_the_last_ten_fails(birth, serial, position, delta):
    number = _number(birth, serial)
    if position < 2:
        position += 2  # the century digits are not covered by the check digit
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_identity_number(changed, today=dt.date(2026, 11, 23))


def test_ten_digits_get_their_century_and_plus_means_a_hundred_years_older():
    number = _number(dt.date(1925, 6, 1), 123)
    # without "+", a 10-digit number born "25" is read as 2025 (age under 100)
    assert parse_identity_number(number[2:], today=dt.date(2026, 1, 1)).number == "20" + number[2:]
    short = f"{number[2:8]}+{number[8:]}"
    assert parse_identity_number(short, today=dt.date(2026, 1, 1)).number == number


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "format"),
        ("abc", "format"),
        ("19800101-12345", "format"),
        ("19800101-1233", "checksum"),
        ("19800230-0000", None),
    ],
)
def test_bad_numbers_get_a_swedish_message(value, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_identity_number(value)
    if code:
        assert excinfo.value.code == code
    assert excinfo.value.messages[0][0].isupper()


def test_leap_day_is_a_valid_birth_date():
    number = _number(dt.date(2000, 2, 29), 12)
    assert parse_identity_number(number).birth_date == dt.date(2000, 2, 29)


def test_masked_form_hides_the_last_four_digits():
    assert mask("198001011234") == "19800101-****"
