"""A personnummer never lands in an address, an application log line or the access log (SPEC §7).

(a) PersonnummerInUrlMiddleware refuses addresses that carry one; (b) MaskPersonnummerFilter
masks them in log records; (c) person search is POSTed; (d) a personnummer typed as user name at
login is masked in the access log."""

import io
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.logfilters import MaskPersonnummerFilter
from audit.models import AccessLog
from cases.tests.factories import PersonFactory

REFUSAL = "Personnummer får inte stå i adressen. Sök via sökrutan i stället."
MASK = "[personnummer]"


def _log_text(entry: AccessLog) -> str:
    """Every free-text column of an access-log entry, for 'the number is not in it' checks."""
    return " ".join([entry.username, entry.object_type, entry.object_id, entry.purpose, entry.path])


def _all_log_text() -> str:
    return " ".join(_log_text(e) for e in AccessLog.objects.all())


# --- (a) the address --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "/personer/sok/?q=198001011234",  # 12 digits
        "/personer/sok/?q=8001011234",  # 10 digits
        "/personer/sok/?q=19800101-1234",  # with a dash
        "/personer/sok/?q=800101-1234",
        "/personer/sok/?q=800101+1234",  # '+': 100 years or older
        "/personer/sok/?q=19800101%2D1234",  # url-encoded dash
        "/personer/sok/?q=%31%39%38%30%30%31%30%31%31%32%33%34",  # every digit url-encoded
        "/personer/sok/?page=2&q=x&pnr=198001011234",  # not the first parameter
        "/personer/198001011234/",  # in the path itself
    ],
)
def test_address_with_a_personnummer_gets_400_in_swedish_and_writes_nothing(
    address, fk_officer, login
):
    client = login(fk_officer)
    before = AccessLog.objects.count()

    response = client.get(address)

    assert response.status_code == 400
    assert response.content.decode() == REFUSAL
    assert response["Content-Type"].startswith("text/plain")
    assert AccessLog.objects.count() == before


def test_address_with_a_personnummer_is_refused_for_anonymous_visitors_too(db):
    response = Client().get("/personer/sok/?q=198001011234")

    assert response.status_code == 400
    assert not AccessLog.objects.exists()


def test_ordinary_addresses_with_short_ids_are_let_through(case, fk_officer, login):
    client = login(fk_officer)

    person_page = client.get(reverse("cases:person_detail", args=[case.person_id]))
    case_page = client.get(reverse("cases:case_detail", args=[case.pk]))
    search_page = client.get(reverse("cases:person_search") + "?q=Greta&n=19800101")

    assert person_page.status_code == 200
    assert case_page.status_code == 200
    assert search_page.status_code == 200


def test_static_files_are_not_checked(db):
    # a cache-busting query or hashed file name may look like a number; they are not people
    response = Client().get("/static/css/app.css?v=198001011234")

    assert response.status_code == 200
    # an unknown hashed name is simply not found (404), not refused as a personnummer (400)
    assert Client().get("/static/css/app.198001011234.css").status_code == 404


# --- (b) application logs ---------------------------------------------------------------------


def _record(msg, args=(), exc_info=None):
    return logging.LogRecord("samverkan.test", logging.INFO, __file__, 1, msg, args, exc_info)


@pytest.mark.parametrize(
    "number",
    ["198001011234", "8001011234", "19800101-1234", "800101-1234", "800101+1234"],
)
def test_mask_filter_masks_a_personnummer_in_the_message(number):
    record = _record(f"öppnade person {number} i listan")

    kept = MaskPersonnummerFilter().filter(record)

    assert kept is True  # masking never drops the record
    assert record.getMessage() == f"öppnade person {MASK} i listan"


def test_mask_filter_masks_10_and_12_digit_numbers_passed_as_args():
    record = _record("sökning på %s och %s gav %d träffar", ("198001011234", "8001011234", 2))

    MaskPersonnummerFilter().filter(record)

    assert record.getMessage() == f"sökning på {MASK} och {MASK} gav 2 träffar"
    assert "198001011234" not in record.getMessage()
    assert "8001011234" not in record.getMessage()


def test_mask_filter_leaves_other_records_and_their_args_alone():
    record = _record("ärende %s öppnat, %d poster", (4711, 3))

    MaskPersonnummerFilter().filter(record)

    assert record.msg == "ärende %s öppnat, %d poster"
    assert record.args == (4711, 3)
    assert record.getMessage() == "ärende 4711 öppnat, 3 poster"


def test_mask_filter_masks_digit_runs_inside_longer_text_but_not_longer_numbers():
    record = _record("order 12345678901234 kund 198001011234.")

    MaskPersonnummerFilter().filter(record)

    # 14 digits cannot be a personnummer; the 12 digits before the full stop are one
    assert record.getMessage() == f"order 12345678901234 kund {MASK}."


@pytest.fixture
def console_output():
    """The configured console handler (settings.LOGGING) writing into a buffer."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, MaskPersonnummerFilter) for f in h.filters)
    ]
    assert handlers, "the root logger's console handler must carry MaskPersonnummerFilter"
    handler = handlers[0]
    buffer = io.StringIO()
    old_stream = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(old_stream)


def test_configured_console_log_masks_a_personnummer_logged_as_an_argument(console_output):
    logging.getLogger("cases.views").warning("sökning på %s", "19800101-1234")

    output = console_output.getvalue()
    assert f"sökning på {MASK}" in output
    assert "19800101" not in output


def test_configured_console_log_masks_a_personnummer_in_an_exception_traceback(console_output):
    # given an error whose text carries a personnummer, as a unique-constraint violation does
    try:
        raise ValueError(
            'duplicate key value violates unique constraint "cases_person_personnummer_key"\n'
            "DETAIL:  Key (personnummer)=(198001011234) already exists."
        )
    except ValueError:
        # when it is logged the way Django logs a 500 (message plus exc_info)
        logging.getLogger("django.request").exception("Internal Server Error: %s", "/personer/")

    output = console_output.getvalue()
    assert "Internal Server Error: /personer/" in output
    assert "198001011234" not in output


# --- (c) searching ----------------------------------------------------------------------------


def _search_form_tags(html: str) -> list[str]:
    return re.findall(r"<form\b[^>]*\bclass=\"search-form\b[^\"]*\"[^>]*>", html)


def test_worklist_search_form_posts(fk_officer, login):
    html = login(fk_officer).get(reverse("home")).content.decode()

    forms = _search_form_tags(html)
    assert len(forms) == 1
    assert 'method="post"' in forms[0]
    assert f'action="{reverse("cases:person_search")}"' in forms[0]


def test_search_page_form_posts(fk_officer, login):
    html = login(fk_officer).get(reverse("cases:person_search")).content.decode()

    forms = _search_form_tags(html)
    assert len(forms) == 1
    assert 'method="post"' in forms[0]


def test_searching_by_get_finds_nothing_and_logs_no_search(person, fk_officer, login):
    response = login(fk_officer).get(reverse("cases:person_search") + "?q=Greta")

    assert response.status_code == 200
    assert response.context["results"] is None
    assert not AccessLog.objects.filter(action=AccessLog.Action.SEARCH).exists()


@pytest.mark.parametrize("shape", ["twelve", "dash", "ten"])
def test_search_by_full_personnummer_via_post_finds_the_person_and_logs_no_number(
    shape, person, fk_officer, login
):
    pnr = person.personnummer
    query = {"twelve": pnr, "dash": f"{pnr[:8]}-{pnr[8:]}", "ten": pnr[2:]}[shape]
    client = login(fk_officer)

    response = client.post(reverse("cases:person_search"), {"q": query})

    assert response.status_code == 200
    assert response.context["results"] == [person]
    entry = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert entry.user == fk_officer
    assert entry.object_type == "person"
    assert entry.person_id == person.pk and entry.area_id == person.area_id
    assert entry.purpose == "sökträff"
    assert entry.path == reverse("cases:person_search")
    assert pnr not in _log_text(entry) and pnr[2:] not in _log_text(entry)


def test_search_results_show_only_the_masked_number(person, fk_officer, login):
    response = login(fk_officer).post(reverse("cases:person_search"), {"q": "Greta"})

    table = response.content.decode().split('data-testid="search-results"')[1]
    assert person.masked_personnummer in table
    assert person.personnummer not in table


def test_search_finds_nobody_outside_the_users_areas(person, outsider, login):
    response = login(outsider).post(reverse("cases:person_search"), {"q": person.personnummer})

    assert response.context["results"] == []
    entry = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert entry.purpose == "sökning utan träff" and entry.person_id is None


# --- (d) login --------------------------------------------------------------------------------


def test_failed_login_with_a_personnummer_as_user_name_is_logged_masked(db):
    pnr = PersonFactory.build().personnummer

    response = Client().post(
        reverse("accounts:login"), {"username": pnr, "password": "fel-lösenord"}
    )

    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED)
    assert entry.username == MASK
    assert entry.user is None
    assert pnr not in _all_log_text() and pnr[2:] not in _all_log_text()


def test_lockout_after_personnummer_user_names_is_logged_masked(db):
    pnr = PersonFactory.build().personnummer
    dashed = f"{pnr[2:8]}-{pnr[8:]}"

    for i in range(5):
        Client().post(
            reverse("accounts:login"),
            {"username": dashed, "password": "fel-lösenord"},
            REMOTE_ADDR=f"10.9.0.{i}",
        )

    assert AccessLog.objects.filter(action=AccessLog.Action.LOCKOUT).exists()
    usernames = set(
        AccessLog.objects.filter(
            action__in=[AccessLog.Action.LOGIN_FAILED, AccessLog.Action.LOCKOUT]
        ).values_list("username", flat=True)
    )
    assert usernames == {MASK}
    assert dashed not in _all_log_text() and pnr[:8] not in _all_log_text()
