"""One definition of what looks like a personnummer (audit.personnummer), used alike by the
address refusal and the log mask (SPEC §7): every form a person may write is refused in an
address and masked in a log line, and identifiers that only contain digit runs are left whole."""

import datetime as dt
import io
import logging
import uuid
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.http import HttpResponse
from django.test import Client, RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from audit.logfilters import MaskPersonnummerFilter
from audit.middleware import PersonnummerInUrlMiddleware
from audit.models import AccessLog
from audit.personnummer import MASK, contains_personnummer, mask_personnummer

SEPARATORS = ["", "-", "+", " ", "_", ".", "/"]


@st.composite
def personnummer_forms(draw):
    """A personnummer or samordningsnummer as someone might write it: 10 or 12 digits, any of
    the separators before the last four, sometimes separators inside the date too."""
    born = draw(st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2099, 12, 31)))
    day = born.day + (60 if draw(st.booleans()) else 0)  # samordningsnummer
    tail = draw(st.from_regex(r"\A[0-9]{4}\Z"))
    century = draw(st.booleans())
    year = f"{born.year:04d}" if century else f"{born.year % 100:02d}"
    inner = draw(st.sampled_from(["", "", "", " ", "-", "."]))  # "1980 01 01", "80-01-01"
    sep = draw(st.sampled_from(SEPARATORS))
    return f"{year}{inner}{born.month:02d}{inner}{day:02d}{sep}{tail}"


def _refused(address: str) -> bool:
    path, _, query = address.partition("?")
    request = RequestFactory().get(path, QUERY_STRING=query)
    response = PersonnummerInUrlMiddleware(lambda r: HttpResponse("ok"))(request)
    return response.status_code == 400


# --- the stated gap: `880315_2381` passed both ---------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["880315_2381", "880315.2381", "880315/2381", "19880315_2381", "880375_2381", "800101 - 1234"],
)
def test_forms_that_passed_before_are_now_refused_and_masked(number):
    assert _refused(f"/personer/sok/?q={number}")
    assert _refused(f"/personer/{number}/")
    assert mask_personnummer(f"sökte {number} i listan") == f"sökte {MASK} i listan"


# --- every form, property-based -------------------------------------------------------------


@given(number=personnummer_forms(), before=st.sampled_from(["", " ", "=", "(", ":", "[", "_"]))
def test_every_form_is_masked_in_a_log_line(number, before):
    masked = mask_personnummer(f"sökning på{before}{number}, 1 träff")

    assert masked == f"sökning på{before}{MASK}, 1 träff"


@given(number=personnummer_forms())
def test_every_form_is_masked_by_the_log_filter_when_passed_as_an_argument(number):
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "person %s öppnad", (number,), None)

    MaskPersonnummerFilter().filter(record)

    assert record.getMessage() == f"person {MASK} öppnad"


@given(
    number=personnummer_forms(),
    where=st.sampled_from(["query", "path", "second parameter"]),
    encoded=st.sampled_from(["plain", "separators", "everything"]),
)
def test_every_form_is_refused_in_an_address(number, where, encoded):
    if encoded == "separators":
        written = quote(number, safe="0123456789")
    elif encoded == "everything":
        written = "".join(f"%{ord(ch):02X}" for ch in number)
    else:
        written = quote(number, safe="+/")
    address = {
        "query": f"/personer/sok/?q={written}",
        "path": f"/personer/{written}/",
        "second parameter": f"/rapporter/?page=2&pnr={written}",
    }[where]

    assert _refused(address)
    # and the request line a server would log carries no number
    assert contains_personnummer(mask_personnummer(f'"GET {address} HTTP/1.1" 400 70')) is False


# --- identifiers are not numbers ------------------------------------------------------------


@given(task_id=st.uuids(), upper=st.booleans())
def test_a_uuid_is_never_touched(task_id, upper):
    text = str(task_id).upper() if upper else str(task_id)
    line = f"Task reporting.tasks.area_snapshot[{text}] succeeded"

    assert mask_personnummer(line) == line
    assert not contains_personnummer(line)
    assert not _refused(f"/export/{text}/")


def test_a_uuid_whose_groups_are_digits_keeps_its_shape():
    # the shape that used to come out as area_snapshot[[personnummer]-4c90-…]
    task_id = "19800101-1234-4c90-a1b2-198001011234"
    assert uuid.UUID(task_id)

    line = f"area_snapshot[{task_id}]"

    assert mask_personnummer(line) == line


def test_a_hexadecimal_token_is_left_whole_but_a_number_beside_it_is_masked():
    assert mask_personnummer("fil a1880315238f.css") == "fil a1880315238f.css"
    assert mask_personnummer("4c90a1b2 198001011234") == f"4c90a1b2 {MASK}"


def test_ordinary_numbers_dates_and_addresses_are_left_alone():
    for text in [
        "ärende 4711, 3 poster",
        "2026-12-06 15:40:36",
        "10.0.0.1",
        "order 12345678901234",
    ]:
        assert mask_personnummer(text) == text
        assert not contains_personnummer(text)


# --- refused addresses reach the server log masked ----------------------------------------------


@pytest.fixture
def console_output():
    handler = next(
        h
        for h in logging.getLogger("django").handlers
        if any(isinstance(f, MaskPersonnummerFilter) for f in h.filters)
    )
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(old)


@pytest.mark.parametrize("number", ["880315.2381", "880315/2381", "880315_2381"])
def test_a_refused_address_is_logged_masked(number, db, console_output):
    # given an address the refusal catches; Django logs every 400 as "Bad Request: <path>"
    response = Client().get(f"/personer/{number}/")

    assert response.status_code == 400
    output = console_output.getvalue()
    assert "Bad Request" in output
    assert number not in output
    assert MASK in output


@pytest.mark.parametrize("number", ["880315_2381", "19880315.2381", "880315/2381"])
def test_a_personnummer_typed_as_user_name_in_any_form_is_stored_masked(number, db):
    Client().post("/konto/logga-in/", {"username": number, "password": "fel-lösenord"})

    logged = list(AccessLog.objects.values_list("username", flat=True))
    logged += list(AccessAttempt.objects.values_list("username", flat=True))
    logged += list(AccessFailureLog.objects.values_list("username", flat=True))
    assert logged and set(logged) == {MASK}
