"""The report pages in a real browser (Statistik → Rapporter): the management group chooses a
period in the form, reads the day-365 tables under their chart, and downloads the report as an
Excel file. Every page is checked with axe-core by the `tour` fixture."""

import datetime as dt
import zipfile

import pytest
from playwright.sync_api import expect

from reporting.snapshots import previous_month
from samverkan.dates import add_months

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_management_group_reads_a_report_and_downloads_it(page, live_server, login_as, tour):
    login_as(page, live_server, "ledning.sdt")
    tour.check("start ledning.sdt")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rapporter").click()
    tour.check("rapporter")
    page.get_by_test_id("report-list").get_by_role("link", name="Status dag 365").click()
    tour.check("status dag 365, senaste tolv månaderna")
    last = previous_month(dt.date.today())
    expect(page.get_by_test_id("report-place")).to_have_text(
        f"Södertörn, {add_months(last, -11):%Y-%m}–{last:%Y-%m}"
    )

    first = add_months(last, -2)
    page.get_by_label("Från och med månad").fill(f"{first:%Y-%m}")
    page.get_by_role("button", name="Visa rapporten").click()
    page.wait_for_url("**fran=*")
    tour.check("status dag 365, tre månader")
    expect(page.get_by_test_id("report-place")).to_have_text(
        f"Södertörn, {first:%Y-%m}–{last:%Y-%m}"
    )
    # The demo without its history has nobody measured on day 365 yet: the page says so.
    expect(page.get_by_test_id("no-chart")).to_be_visible()
    for testid in ("table-bakgrund", "table-bakgrund-arbete", "table-malgrupp"):
        expect(page.get_by_test_id(testid).locator("tbody th").first).to_have_text("Totalt")

    with page.expect_download() as download:
        page.get_by_test_id("xlsx-link").click()
    assert download.value.suggested_filename == (
        f"samverkan-status-dag-365-{first:%Y-%m}_{last:%Y-%m}-sdt.xlsx"
    )
    with zipfile.ZipFile(download.value.path()) as book:
        assert "xl/workbook.xml" in book.namelist()
