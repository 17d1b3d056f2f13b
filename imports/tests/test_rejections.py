"""A broken file is rejected with one clear message per bad row and nothing is written
(SPEC §6, issue 6 "How it will be checked"); garbage never gives a server error."""

import pytest

from audit.models import AccessLog
from imports.kinds import KINDS
from imports.results import ImportRejected
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import ANNA, BO, CECILIA, csv_file, table_counts

pytestmark = pytest.mark.django_db


def test_a_broken_cases_file_gives_one_message_per_bad_row_and_writes_nothing(
    imported_persons, coordinator, other_area
):
    # given a file with a bad personnummer, an unknown area, a date in the wrong format and
    # a duplicate line among good rows
    data = csv_file(
        "cases",
        f"{ANNA};sdt;sick_unemployed;;;;;2021-03-01;;",  # good
        "19800115-1239;sdt;;;;;;2021-03-01;;",  # bad check digit
        f"{BO};xyz;;;;;;2021-03-01;;",  # unknown area
        f"{CECILIA};sdt;;;;;;01/03/2021;;",  # date in the wrong format
        f"{ANNA};sdt;sick_unemployed;;;;;2021-03-01;;",  # the first line again
    )
    before = table_counts()

    # when it is imported
    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=data, context=AccessContext.for_user(coordinator))

    # then each bad row has exactly one message naming its line, column and reason
    assert [row.as_dict() for row in rejected.value.rows] == [
        {
            "line": 3,
            "column": "personnummer",
            "message": "personnummer: Kontrollsiffran stämmer inte.",
            "problems": [{"column": "personnummer", "message": "Kontrollsiffran stämmer inte."}],
        },
        {
            "line": 4,
            "column": "area_code",
            "message": "area_code: Okänt samverkansområde 'xyz'.",
            "problems": [{"column": "area_code", "message": "Okänt samverkansområde 'xyz'."}],
        },
        {
            "line": 5,
            "column": "start_date",
            "message": "start_date: Ange datum som ÅÅÅÅ-MM-DD, inte '01/03/2021'.",
            "problems": [
                {"column": "start_date", "message": "Ange datum som ÅÅÅÅ-MM-DD, inte '01/03/2021'."}
            ],
        },
        {
            "line": 6,
            "column": "",
            "message": "Raden är en dubblett av rad 2.",
            "problems": [{"column": "", "message": "Raden är en dubblett av rad 2."}],
        },
    ]
    assert rejected.value.summary == (
        "4 av 5 rader avvisades. Inget är sparat: rätta raderna och importera hela filen igen."
    )
    # and not a row of any table changed (the good first line is not written either)
    assert table_counts() == before


def test_several_problems_of_one_row_are_one_message(imported_persons, coordinator):
    data = csv_file("cases", f"{ANNA};xyz;sjuk;;;;;2021-13-01;;")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=data, context=AccessContext.for_user(coordinator))

    (row,) = rejected.value.rows
    assert row.columns == ["area_code", "target_group", "start_date"]
    assert row.message == (
        "area_code: Okänt samverkansområde 'xyz'. "
        "target_group: Okänt värde 'sjuk'. Tillåtna värden: sick_unemployed, "
        "unemployed_sickness_comp, young_activity_comp, employed_cannot_return, "
        "exhausted_insurance. "
        "start_date: Datumet 2021-13-01 finns inte."
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_good_file_twice_leaves_the_database_as_after_the_first(
    kind, imported_persons, coordinator
):
    files = {
        "persons": csv_file("persons", f"{ANNA};Anna;Ek;0;gymnasial;1"),
        "cases": csv_file("cases", f"{ANNA};sdt;sick_unemployed;;;;2021-02-20;2021-03-01;;"),
        "status": csv_file("status", f"{ANNA};2021-03-01;other", f"{BO};2021-03-01;other"),
        "mappings": csv_file("mappings", f"{BO};sdt;AF;2021-01-20;;;no_action"),
        "consumption": csv_file("consumption", "2021-03;FK;sdt;hpl-fran-2011;1000"),
    }
    import_file(kind=kind, data=files[kind], context=AccessContext.for_user(coordinator))
    before, logged = table_counts(), AccessLog.objects.count()

    import_file(kind=kind, data=files[kind], context=AccessContext.for_user(coordinator))

    # the access log records the second import too; nothing else changes
    assert AccessLog.objects.count() > logged
    assert table_counts() == before


GARBAGE = {
    "binary": bytes(range(256)) * 40,
    "empty": b"",
    "only a byte-order mark": "\ufeff".encode(),
    "blank lines": b"\n\n  \n",
    "header only": csv_file("status"),
    "comma-separated": b"personnummer,date,status_code\n198001151222,2021-03-01,other\n",
    "tab-separated": b"personnummer\tdate\tstatus_code\n",
    "unknown column": b"personnummer;date;status_code;extra\n",
    "missing column": b"personnummer;date\n",
    "a column twice": b"personnummer;date;date;status_code\n",
    "huge field": b"personnummer;date;status_code\n" + b"1" * 300_000 + b";2021-01-01;other\n",
    "huge line": b"personnummer;date;status_code\n" + b"a;" * 100_000 + b"\n",
    "utf-16": "personnummer;date;status_code\n".encode("utf-16"),
    "latin-1": "personnummer;date;status_code\nåäö;2021-01-01;other\n".encode("latin-1"),
    "NUL bytes": b"personnummer;date;status_code\n\x00\x00;2021-01-01;other\n",
    "unclosed quote": b'personnummer;date;status_code\n"1980;2021-01-01;other\n',
    "a stray line": b"personnummer;date;status_code\nhello\n",
    "html": b"<html><body>personnummer;date;status_code</body></html>\n",
}


@pytest.mark.parametrize("name", GARBAGE, ids=list(GARBAGE))
def test_garbage_is_rejected_with_a_reason_and_writes_nothing(name, imported_persons, coordinator):
    before = table_counts()

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="status", data=GARBAGE[name], context=AccessContext.for_user(coordinator))

    assert rejected.value.file_error or rejected.value.rows
    assert rejected.value.summary
    assert table_counts() == before


def test_a_comma_separated_file_is_told_to_use_semicolons(coordinator):
    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="status",
            data=GARBAGE["comma-separated"],
            context=AccessContext.for_user(coordinator),
        )

    assert "semikolonseparerad" in rejected.value.file_error


def test_a_wrong_header_names_the_missing_and_unknown_columns(coordinator):
    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="status",
            data=b"personnummer;datum;status_code\n",
            context=AccessContext.for_user(coordinator),
        )

    assert rejected.value.file_error == (
        "Kolumner saknas: date. Okända kolumner: 'datum'. Filtypen status har exakt kolumnerna: "
        "personnummer, date, status_code."
    )


def test_a_byte_order_mark_crlf_and_quotes_are_accepted(imported_persons, coordinator):
    data = (
        "\ufeffpersonnummer;date;status_code\r\n"
        f'"{ANNA}";2021-03-01;"other"\r\n'
        "\r\n"
        f" {BO} ; 2021-03-01 ; other \r\n"
    ).encode()

    result = import_file(kind="status", data=data, context=AccessContext.for_user(coordinator))

    assert (result.rows, result.created) == (2, 2)


def test_line_numbers_count_the_lines_of_the_file(imported_persons, coordinator):
    data = csv_file("status", "", f"{ANNA};2021-03-01;other", "", f"{BO};2021-3-1;other")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="status", data=data, context=AccessContext.for_user(coordinator))

    assert [row.line for row in rejected.value.rows] == [5]


def test_a_row_with_too_few_fields_is_rejected(imported_persons, coordinator):
    data = csv_file("status", f"{ANNA};2021-03-01")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="status", data=data, context=AccessContext.for_user(coordinator))

    assert rejected.value.rows[0].message == (
        "Raden har 2 fält men rubrikraden har 3. Fälten ska skiljas med semikolon (;)."
    )
