"""The product's one CSV writer (samverkan.csvfiles, SPEC §6): UTF-8 with BOM, `;` or `,`, CRLF,
and the formula guard every CSV file gets (the exports, the dashboard's tables, the report API)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from samverkan import csvfiles


def rows_of(data: bytes, delimiter=";"):
    text = data.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_cell_a_spreadsheet_would_run_is_written_as_text(start):
    # given a cell starting like a formula, when written, then it gets a leading apostrophe
    (_header, row) = rows_of(csvfiles.csv_bytes(["a"], [[f"{start}cmd|' /C calc'!A0"]]))
    assert row == [f"'{start}cmd|' /C calc'!A0"]


def test_numbers_dates_booleans_and_none_are_written_as_values():
    # a negative number is a number, not a formula; None is an empty cell
    data = csvfiles.csv_bytes(
        ["n", "d", "b", "x", "amount"], [[-3, dt.date(2026, 4, 30), True, None, Decimal("1.5")]]
    )
    assert rows_of(data)[1] == ["-3", "2026-04-30", "1", "", "1,5"]


def test_with_commas_decimals_keep_their_point():
    data = csvfiles.csv_bytes(["amount"], [[Decimal("1.5")]], delimiter=",")
    assert rows_of(data, delimiter=",")[1] == ["1.5"]


def test_a_large_file_comes_in_chunks():
    chunks = list(csvfiles.csv_chunks(["a"], ([str(i)] for i in range(50_000)), chunk_bytes=1024))
    assert len(chunks) > 10
    assert rows_of(b"".join(chunks))[-1] == ["49999"]
