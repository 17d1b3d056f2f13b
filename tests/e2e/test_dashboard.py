"""The follow-up dashboard in a real browser (SPEC §5 "Dashboards"): the coordinator opens
/statistik/ after the monthly job has run on the demo data; the charts (data-URI SVG images)
load under the site's strict Content Security Policy with nothing refused in the console, and
a table's CSV link downloads the table. Every page the test loads is checked with axe-core and
photographed by the `tour` fixture."""

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from samverkan.dates import add_months

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def run_monthly_job_for_the_last_three_months():
    from reporting.snapshots import previous_month

    newest = previous_month(dt.date.today())
    for back in (2, 1, 0):
        month = add_months(newest, -back)
        call_command("run_monthly_report", "--month", f"{month:%Y-%m}", stdout=io.StringIO())
    return newest


def test_coordinator_sees_the_charts_load_and_downloads_a_csv(page, live_server, login_as, tour):
    newest = run_monthly_job_for_the_last_three_months()
    problems = []

    def console(message):
        # The site has no favicon yet; the browser's own request for it is not the page's.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    login_as(page, live_server, "samordnare.sdt")
    tour.check("start samordnare.sdt")

    page.goto(f"{live_server.url}/statistik/")
    tour.check("statistik")

    expect(page.get_by_role("heading", level=1)).to_have_text("Områdesöversikt")
    expect(page.get_by_test_id("snapshot-status")).to_contain_text(
        f"Senaste ögonblicksbild: {newest:%Y-%m} version 1"
    )
    charts = page.locator("figure.chart img")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), f"diagram {i}"
        assert chart.get_attribute("alt")
    expect(page.get_by_test_id("table-inflode").locator("tbody tr")).to_have_count(3)
    # Every table fits the page: none has columns out of sight behind a scroll bar.
    clipped = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth).map(w => w.getAttribute('aria-label'))"
    )
    assert clipped == []

    with page.expect_download() as download:
        page.get_by_test_id("csv-inflode").click()
    path = download.value.path()
    with open(path, encoding="utf-8-sig") as csv_file:
        lines = csv_file.read().splitlines()
    assert lines[0].startswith("Månad;Nya deltagare;Planerat inflöde")
    assert len(lines) == 4
    assert download.value.suggested_filename == f"statistik-sdt-inflode-{newest:%Y-%m}.csv"

    if os.environ.get("E2E_DASHBOARD_SCREENSHOT"):  # for a person to look at the page
        height = page.evaluate("document.documentElement.scrollHeight")
        for part, top in enumerate(range(0, height, 1600)):
            page.screenshot(
                path=f"{os.environ['E2E_DASHBOARD_SCREENSHOT']}-{part}.png",
                full_page=True,
                clip={"x": 0, "y": top, "width": 1280, "height": min(1600, height - top)},
            )
    assert problems == []
