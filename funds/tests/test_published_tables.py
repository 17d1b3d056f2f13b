"""Issue 21, item 5: Tabell 7 and Tabell 8 of the 2012 report (seed 004, §10) loaded as each
agency would load them (the consumption import, as the area's coordinator of that agency) and
read back, row for row and in total, from the page and from the API.

The published rows and totals below are copied from the report; funds/tests/data/README.md says
how the files hold them (kronor, the tertial booked on 2012-04) and why Tabell 8's printed
totals are one tkr off the sum of its printed rows."""

import re
from decimal import Decimal

import pytest

from funds.selectors import tkr
from reporting.tests.html_tables import read_table

from .conftest import load

# (verksamhet, tkr januari–april 2012) as printed, then the printed "Totalt".
TABELL_7 = [
    ("Utveckling av samarbete FK/Af", 2507),
    ("VO-gemensam samverkanssamordning", 2426),
    ("Kvarvarande HPL-samverkan från 2011", 29763),
    ("Insatser i samarbete med Af", 9320),
    ("Gemensam kartläggning - samarbetet FK/Af", 12083),
]
TABELL_7_TOTAL = 56099
TABELL_8 = [
    ("Förvaltningskostnader", 97036),
    ("Köp av utbildning", 2018),
    ("Aktiva rehabiliteringsinsatser", 13013),
    ("Stöd till arbetsgivare", 1104),
    ("Aktivitetsstöd", 879),
]
# Totalt, varav förvaltning, varav program, as printed.
TABELL_8_PRINTED = (114049, 97036, 17013)
PERIOD = {"fran": "2012-01", "till": "2012-04"}


@pytest.fixture
def loaded(coordinator, af_coordinator):
    fk = load(coordinator, "tabell7_fk_2012.csv")
    af = load(af_coordinator, "tabell8_af_2012.csv")
    assert (fk.created, af.created) == (len(TABELL_7), len(TABELL_8))


def number(text: str) -> int:
    return int(re.sub(r"\s", "", text).replace("−", "-"))


def test_the_files_are_the_published_rows_in_kronor():
    from .conftest import DATA

    for name, table in (("tabell7_fk_2012.csv", TABELL_7), ("tabell8_af_2012.csv", TABELL_8)):
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()[1:]
        assert [Decimal(line.split(";")[4]) / 1000 for line in lines] == [t for _n, t in table]


def test_tabell_8s_printed_totals_are_its_rows_rounded():
    # Each printed row is its kronor rounded to whole tkr: the sum of n rows may differ from
    # the rounded total by up to n/2 tkr. The report's 17 013 against 17 014 is that.
    total, administration, programme = TABELL_8_PRINTED
    rows = [t for _n, t in TABELL_8]
    assert abs(sum(rows[1:]) - programme) <= len(rows[1:]) / 2
    assert abs(sum(rows) - total) <= len(rows) / 2
    assert rows[0] == administration
    assert sum(t for _n, t in TABELL_7) == TABELL_7_TOTAL


def test_the_page_shows_tabell_7_and_8_row_for_row_and_in_total(loaded, management, login):
    # given both agencies' consumption loaded, when the area's management group opens the
    # follow-up for January–April 2012
    client = login(management)
    response = client.get("/statistik/medel/", {**PERIOD, "omrade": "sdt"})
    assert response.status_code == 200
    html = response.content.decode()

    # then FK's table is Tabell 7, row for row, with its total
    fk = {header: cells for _s, header, cells in read_table(html, "table-forbrukning-fk")}
    for name, amount in TABELL_7:
        assert number(fk[name][0]) == amount
    assert number(fk["Totalt"][0]) == TABELL_7_TOTAL
    assert number(fk["Varav program"][0]) == 0

    # and AF's is Tabell 8, its totals the sums of its rows
    af = {header: cells for _s, header, cells in read_table(html, "table-forbrukning-af")}
    for name, amount in TABELL_8:
        assert number(af[name][0]) == amount
    rows = [amount for _n, amount in TABELL_8]
    assert number(af["Totalt"][0]) == sum(rows)
    assert number(af["Varav förvaltning"][0]) == TABELL_8_PRINTED[1]
    assert number(af["Varav program"][0]) == sum(rows[1:])
    # the order is the published one
    assert [h for _s, h, _c in read_table(html, "table-forbrukning-af")][: len(TABELL_8)] == [
        name for name, _a in TABELL_8
    ]


def test_the_api_gives_tabell_7_and_8_row_for_row_and_in_total(loaded, af_coordinator, login):
    # the AF coordinator reads FK's figures too (each agency sees the other's)
    client = login(af_coordinator)
    response = client.get("/api/v1/funds/follow-up/", {"from": "2012-01", "to": "2012-04"})
    assert response.status_code == 200, response.content
    blocks = {block["agency"]: block for block in response.json()["data"]["agencies"]}

    fk = blocks["FK"]
    assert [(r["name"], tkr(Decimal(r["consumed"]))) for r in fk["rows"]] == TABELL_7
    assert tkr(Decimal(fk["total"]["consumed"])) == TABELL_7_TOTAL

    af = blocks["AF"]
    assert [(r["name"], tkr(Decimal(r["consumed"]))) for r in af["rows"]] == TABELL_8
    rows = [amount for _n, amount in TABELL_8]
    assert Decimal(af["total"]["consumed"]) == sum(rows) * 1000
    assert Decimal(af["administration"]["consumed"]) == TABELL_8_PRINTED[1] * 1000
    assert Decimal(af["programme"]["consumed"]) == sum(rows[1:]) * 1000
    assert [r["kind"] for r in af["rows"]] == ["administration"] + ["programme"] * 4


def test_loading_the_tables_again_changes_nothing(loaded, coordinator, af_coordinator):
    assert load(coordinator, "tabell7_fk_2012.csv").existing == len(TABELL_7)
    assert load(af_coordinator, "tabell8_af_2012.csv").created == 0
