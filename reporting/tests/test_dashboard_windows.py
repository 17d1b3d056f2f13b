"""The dashboard's day-365 share over rolling windows (?fonster=3 or 12): the chart and table say
which window they show, the table and its CSV follow the choice, and the table fits the page's
width whatever the window (its columns grouped under women, men and all)."""

import datetime as dt

import pytest
from django.urls import reverse

from reporting.metrics import month_figures
from reporting.models import MonthlySnapshot

pytestmark = pytest.mark.django_db

URL = reverse("reporting:overview")
MONTHS = [dt.date(2025, m, 1) for m in range(1, 6)]


@pytest.fixture
def snapshots(area):
    figures = month_figures(month=MONTHS[0], area_ids=[area.pk])
    for month in MONTHS:
        MonthlySnapshot.objects.create(
            area=area, month=month, version=1, figures=figures, digest="x"
        )


def section_of(response):
    return next(s for s in response.context["sections"] if s.key == "dag365")


def test_the_months_one_by_one_by_default(login, management, snapshots):
    response = login(management).get(URL)

    section = section_of(response)
    table = section.tables[0]
    assert table.caption.startswith("Andel i arbete eller utbildning dag 365, kvinnor")
    assert [current for _url, _text, current in section.choices] == [True, False, False]
    assert [c.group for c in table.columns[2:11]] == ["Kvinnor"] * 3 + ["Män"] * 3 + ["Alla"] * 3
    assert table.rows[0].cells[0].text == "2024-01"  # the start cohort


@pytest.mark.parametrize("window", [3, 12])
def test_a_rolling_window_is_said_and_summed(login, management, snapshots, window):
    client = login(management)
    response = client.get(URL, {"fonster": window})

    section = section_of(response)
    table = section.tables[0]
    assert f"rullande {window} månader" in table.caption
    assert [current for _url, _text, current in section.choices] == [
        False,
        window == 3,
        window == 12,
    ]
    # The cohorts of the window, without a line break inside the months.
    newest = table.rows[-1].cells[0].text
    first = "2024-03" if window == 3 else "2024-01"
    assert newest == f"{first}\u20112024-05"
    assert f"fonster={window}" in table.csv_url
    lines = client.get(table.csv_url).content.decode("utf-8-sig").splitlines()
    assert f"rullande {window}" not in lines[0] and lines[0].startswith(
        "Rapportmånad;Startkohorter"
    )
    assert "Rullande" in section.charts[0].alt


def test_an_unknown_window_is_the_months_one_by_one(login, management, snapshots):
    section = section_of(login(management).get(URL, {"fonster": "7"}))
    assert section.tables[0].columns[1].label == "Startkohort"
