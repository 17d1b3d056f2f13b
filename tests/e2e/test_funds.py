"""The funds follow-up in a real browser (Rapporter → Ekonomisk uppföljning, issue 21): the
management group reads both agencies' tables of the demo's money at 1366×768 and compares the
area's staffing need with its plan. Every page is checked with axe-core by the `tour` fixture."""

import os

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_management_group_reads_the_funds_follow_up(page, live_server, login_as, tour):
    login_as(page, live_server, "ledning.sdt")
    tour.check("start ledning.sdt")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rapporter").click()
    tour.check("rapporter")
    page.get_by_test_id("funds-link").click()
    tour.check("ekonomisk uppföljning")
    for testid in ("table-sammanfattning", "table-forbrukning-fk", "table-forbrukning-af"):
        expect(page.get_by_test_id(testid)).to_be_visible()
    expect(page.get_by_test_id("table-forbrukning-af").locator("tbody th").last).to_have_text(
        "Varav program"
    )
    expect(page.get_by_test_id("table-bemanning")).to_be_visible()
    # No table is wider than the page at 1366×768.
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('.table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute('aria-label'))"
    )
    assert overflow == []
    shots = os.environ.get("FUNDS_SCREENSHOTS")
    if shots:  # a look at the page, kept out of the repository
        page.screenshot(path=f"{shots}/funds-top.png")
        page.screenshot(path=f"{shots}/funds-full.png", full_page=True)


def test_a_coordinator_corrects_a_months_amount(page, live_server, login_as, tour):
    login_as(page, live_server, "samordnare.sdt")
    tour.check("start samordnare.sdt")
    page.goto(f"{live_server.url}/statistik/medel/")
    tour.check("ekonomisk uppföljning, samordnare")
    page.get_by_test_id("consumption-link").click()
    tour.check("registrera förbrukning")
    page.get_by_test_id("recorded").get_by_role("link").first.click()
    page.wait_for_url("**andra=*")
    tour.check("ändra ett belopp")
    page.get_by_label("Förbrukat belopp (kr)").fill("123 456,50")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/forbrukning/")
    tour.check("sparat")
    expect(page.locator(".messages")).to_contain_text("Beloppet är sparat.")
    expect(page.get_by_test_id("recorded")).to_contain_text("123456,50")
    shots = os.environ.get("FUNDS_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/consumption.png")
