"""The CSV file written by PostgreSQL (exports.services.csvfile) is the file the Python writer
writes of the same rows, byte for byte, and its access log holds the same entries (SPEC §6, §7):
for every kind, with codes and with words, with `;` and `,`, with full identity (also off the
caseload with a stated reason) and coarsened, on people whose names a spreadsheet would take
for formulas, hold quotes, delimiters and line breaks, anonymous participants and protected
identities."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.signals import request_finished
from django.db import connection, transaction

from audit.models import AccessLog
from cases.models import Case, Situation
from cases.tests.factories import CaseFactory, PersonFactory
from exports import formats
from exports.copystream import _LineEnds
from exports.pseudonyms import PersonKey, new_export_id
from exports.services import ExportRun, export_spec_parse
from mapping.tests.factories import InterventionFactory, JointMappingFactory
from samverkan.services import AccessContext

from .conftest import body, bulk_cases, csv_rows
from .test_rows import follow_up_consent

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
KINDS = ["participants", "interventions", "mappings"]
NAMES = [
    "=SUMMA(A1)",
    'Anna "Lo"; Berg, Eva',
    "Rad\nbrytning",
    "Retur\r\nrad",
    "-minus",
    "+plus",
    "@at",
    "\ttab",
    "Åsa-Märta",
    "",
]
LOGGED = [
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "area_id",
    "purpose",
    "outside_caseload",
    "ip_address",
    "path",
]


def person_with_everything(area, index, *, anonymous, fk_officer, af_officer):
    """A person with a case (and its situations), an intervention and a joint mapping."""
    person = PersonFactory(
        area=area,
        first_name=NAMES[index % len(NAMES)],
        last_name=f'Efternamn;{index}"',
        born_abroad=[None, True, False][index % 3],
        disability=[False, None, True][index % 3],
        education_level=["gymnasial", "", "eftergymnasial"][index % 3],
        protected_identity=anonymous and index % 2 == 0,
    )
    if not anonymous or index % 2 == 0:
        follow_up_consent(person, sharing=index % 2 == 0)
    closed = index % 3 == 0
    case = CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        phase=Case.Phase.CLOSED if closed else Case.Phase.NEEDS_ANALYSIS,
        start_date=TODAY - dt.timedelta(days=[400, 30, 200][index % 3]),
        target_group=["sick_unemployed", "", "young_activity_comp"][index % 3],
        benefit=["sjukpenning", "rehabiliteringspenning", ""][index % 3],
        benefit_end_date=TODAY + dt.timedelta(days=index),
        sick_leave_start=dt.date(999, 2, 3) if index == 4 else TODAY,
    )
    Situation.objects.create(
        case=case,
        moment="start",
        employed=index % 2 == 0,
        employer_orgnr="=5566778899" if index == 1 else "556677-8899",
        working=["no", "subsidised", ""][index % 3],
        work_share_percent=[0, 50, None][index % 3],
        public_support_months=index,
    )
    if closed:
        Situation.objects.create(case=case, moment="end", employed=True, working="unsubsidised")
    first = InterventionFactory(
        case=case, start_date=TODAY - dt.timedelta(days=10), hours_per_week=f"{index % 10 + 1}.5"
    )
    InterventionFactory(case=case, moved_from=first, hours_per_week="40")
    JointMappingFactory(
        person=person,
        case=case if index % 2 else None,
        participants=[["person", "FK", "AF"], [], ["okänd-kod", "employer"]][index % 3],
    )
    return person


@pytest.fixture
def varied(area, other_area, fk_officer, af_officer, colleague):
    """Ten people of the team's caseload, five anonymous ones, two of a colleague (off the
    caseload) and one of Umeå: enough alike for a coarsened export to show them all."""
    people = [
        person_with_everything(
            area, i, anonymous=False, fk_officer=fk_officer, af_officer=af_officer
        )
        for i in range(10)
    ] + [
        person_with_everything(area, i, anonymous=True, fk_officer=fk_officer, af_officer=None)
        for i in range(10, 15)
    ]
    for i in range(15, 17):
        person_with_everything(area, i, anonymous=False, fk_officer=None, af_officer=colleague)
    CaseFactory(person=PersonFactory(area=other_area))
    return people


def break_off(response) -> None:
    """Close the response as a server does when the client goes away; without the signal that
    ends the request, whose handler would close the test transaction's connection (the test
    client keeps it from doing so in the same way)."""
    with mock.patch.object(request_finished, "send", return_value=[]):
        response.close()


def log_entries(after: int) -> list[tuple]:
    """The row entries (not the export's own EXPORT entries per area) written after `after`."""
    entries = AccessLog.objects.filter(pk__gt=after).exclude(object_type="export")
    return list(entries.order_by("pk").values_list(*LOGGED))


def last_log_id() -> int:
    return AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def python_file(user, kind: str, params: dict, export_id: str, reason: str = "") -> bytes:
    """The same export written by the Python writer (ExportRun.rows through formats
    .csv_chunks), continuing the export `export_id` so its pseudonyms are the same."""
    context = AccessContext(
        user=user, client_ip="127.0.0.1", path=f"/api/v1/exports/{kind}/", reason=reason
    )
    spec = export_spec_parse(context=context, kind=kind, data={**params, "export_id": export_id})
    run = ExportRun(context=context, spec=spec)
    chunks = formats.csv_chunks(
        run.columns,
        run.rows(),
        delimiter=formats.DELIMITERS[spec.delimiter],
        headers=run.headers,
    )
    return b"".join(chunks)


def assert_same_files_and_logs(client, user, *, reason: str = "") -> None:
    headers = {"HTTP_X_ACCESS_REASON": reason} if reason else {}
    for kind in KINDS:
        for labels in ("codes", "labels"):
            for delimiter in ("semicolon", "comma"):
                params = {"headers": labels, "delimiter": delimiter}
                before = last_log_id()
                response = client.get(f"/api/v1/exports/{kind}/", params, **headers)
                assert response.status_code == 200
                database_file = body(response)
                database_log = log_entries(before)

                before = last_log_id()
                reference = python_file(user, kind, params, response["X-Export-Id"], reason)

                assert database_file == reference, (kind, labels, delimiter)
                assert database_log == log_entries(before), (kind, labels, delimiter)


def test_a_full_identity_file_and_its_log_are_those_of_the_python_writer(
    varied, coordinator, token_client
):
    client = token_client(coordinator)

    assert_same_files_and_logs(client, coordinator)

    # the population has what the comparison is about
    text = body(client.get("/api/v1/exports/participants/")).decode()
    assert '"\'=SUMMA(A1)"' not in text and ";'=SUMMA(A1);" in text
    assert '"Rad\nbrytning"' in text and '"Retur\r\nrad"' in text
    assert ";'\ttab;" in text and "0999-02-03" in text


def test_an_export_off_the_caseload_with_a_reason_logs_the_same(varied, fk_officer, token_client):
    client = token_client(fk_officer)
    reason = "Uppföljning av kollegans ärenden"

    assert_same_files_and_logs(client, fk_officer, reason=reason)

    outside = AccessLog.objects.filter(outside_caseload=True, purpose__contains=reason)
    assert outside.exclude(object_type="export").exists()


def test_a_coarsened_file_is_that_of_the_python_writer(varied, analyst, token_client):
    client = token_client(analyst)

    assert_same_files_and_logs(client, analyst)

    # anonymous participants are there, with their keys and everything but area, sex and age
    # band emptied
    text = body(client.get("/api/v1/exports/participants/")).decode()
    header, *lines = text[1:].split("\r\n")
    names = header.split(";")
    rows = [dict(zip(names, line.split(";"), strict=True)) for line in lines if line]
    anonymous = [row for row in rows if row["anonymous"] == "1"]
    assert len(anonymous) == 5 and len(rows) == 17
    assert all(row["person_key"] == "" and row["case_id"] == "" for row in anonymous)
    assert all(row["person_key"] and row["case_id"] for row in rows if row["anonymous"] == "0")


def test_every_row_is_logged_before_the_first_leaves_and_a_broken_off_download_stops(
    area, coordinator, token_client
):
    # given an export of many chunks
    bulk_cases(area, 3000, officer=coordinator)
    before = last_log_id()
    response = token_client(coordinator).get("/api/v1/exports/participants/")
    chunks = iter(response.streaming_content)

    # when the client takes the header and one chunk of rows, then breaks off
    header = next(chunks)
    logged_with_the_header = sum(entry[3] == "case" for entry in log_entries(before))
    next(chunks)
    break_off(response)

    # then every row was logged before any left, the COPY was stopped and its table dropped,
    # and the connection goes on working
    assert header.startswith("\ufeffcase_id;".encode())
    assert logged_with_the_header == 3000
    table = f"pg_temp.export_rows_{response['X-Export-Id']}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NULL", [table])
        assert cursor.fetchone()[0]
    assert Case.objects.count() == 3000


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_log_is_committed_and_a_break_off_is_clean(
    area, coordinator, token_client
):
    bulk_cases(area, 1500, officer=coordinator)
    response = token_client(coordinator).get("/api/v1/exports/participants/")
    chunks = iter(response.streaming_content)
    next(chunks)
    next(chunks)
    break_off(response)

    assert AccessLog.objects.filter(object_type="case").count() == 1500
    assert Case.objects.count() == 1500
    # and the next export reads everything
    assert (
        body(token_client(coordinator).get("/api/v1/exports/participants/")).count(b"\r\n") == 1501
    )


def test_the_database_computes_the_same_person_key():
    key = PersonKey(new_export_id())
    sql, params = key.sql("%s")
    # the key is not in the statement: it comes as the transaction's settings
    assert params == []
    setting, setting_params = key.settings_sql()
    numbers = ["195001010000", "200012319999", "case:12", "intervention:3"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(setting, setting_params)
        for number in numbers:
            cursor.execute(f"SELECT {sql}", [number])
            assert cursor.fetchone()[0] == key(number)


def test_the_export_statement_never_holds_the_key(varied, analyst, token_client, monkeypatch):
    """What a slow-statement log would record of a pseudonymised export: no pad of its key."""
    from exports.services import csvfile

    statements = []
    real = csvfile.copy_csv_chunks

    def spy(select_sql, params, **options):
        with connection.cursor() as cursor:
            statements.append(cursor.mogrify(select_sql, params).decode())
        return (yield from real(select_sql, params, **options))

    monkeypatch.setattr(csvfile, "copy_csv_chunks", spy)
    response = token_client(analyst).get("/api/v1/exports/participants/")
    text = body(response).decode()
    _setting, values = PersonKey(response["X-Export-Id"]).settings_sql()
    pads = [values[1], values[3]]
    assert len(statements) == 1 and "SHA256" in statements[0]
    for pad in pads:
        assert pad not in statements[0]
    # and the file still carries the keys computed with them
    assert text.count("\r\n") == 18


@pytest.mark.parametrize(
    "text",
    [
        b'1;"a\nb";c\n2;"x""\ny";z\n',
        b'"\n\n";"";"""\n"""\n3;;\n',
        b"plain\nrows\n",
    ],
)
def test_row_ends_become_crlf_outside_quotes_wherever_the_chunks_are_cut(text):
    expected = _LineEnds()(text)
    for cut in range(len(text) + 1):
        line_ends = _LineEnds()
        assert line_ends(text[:cut]) + line_ends(text[cut:]) == expected
    assert expected.count(b"\r\n") == text.count(b"\n") - sum(
        part.count(b"\n") for part in text.split(b'"')[1::2]
    )


def test_the_api_csv_is_written_without_python_per_row(varied, coordinator, token_client):
    # given the Python rows (their shaping and their log batches) out of reach
    def unused(*args, **kwargs):
        raise AssertionError("the API's CSV is written by the database")

    with (
        mock.patch("exports.services.run.ExportRun.rows", unused),
        mock.patch("exports.selectors.rows._shaped", unused),
    ):
        # when the coordinator exports the area's participants
        response = token_client(coordinator).get("/api/v1/exports/participants/")
        rows = csv_rows(response)

    # then the file holds every one of them
    assert {int(row["case_id"]) for row in rows} == set(
        Case.objects.filter(area__code="sdt").values_list("pk", flat=True)
    )
    assert len(rows) == 17
