"""A browser export in a real browser (SPEC §6, issue 6 point 4): the coordinator orders an
export on /export/, and the job page follows a job that runs in the background with its static
script (no inline script under the Content Security Policy), shows the download link when the
file is ready, and the file downloads. Every page the tests load is checked with axe-core and
photographed by the `tour` fixture."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from exports import services
from exports.models import ExportJob
from exports.pseudonyms import new_export_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"


def _watch_console(page) -> list[str]:
    problems = []

    def console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_the_job_page_follows_a_running_export_and_offers_the_file(
    page, live_server, login_as, tour
):
    problems = _watch_console(page)
    login_as(page, live_server, "samordnare.sdt")
    tour.check("start samordnare.sdt")
    # given an ordered export that the worker has not run yet
    job = ExportJob.objects.create(
        user=get_user_model().objects.get(username="samordnare.sdt"),
        export_id=new_export_id(),
        kind="participants",
        file_format="csv_semicolon",
    )
    page.goto(f"{live_server.url}/export/{job.pk}/")
    tour.check("exportjobb väntar")
    expect(page.get_by_test_id("export-download")).to_be_hidden()

    # when the worker runs it, the page (polling the status) shows the link without a reload
    services.export_job_run(job_id=job.pk)
    expect(page.get_by_test_id("export-download")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("export-state")).to_contain_text("Exporten är klar")
    assert page.locator("#export-progress").evaluate("bar => bar.value") == 100
    tour.check("exportjobb klart")

    # then the file downloads, a CSV whose header row a person reads (the browser's default)
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        header = file.readline()
    assert header.startswith("Ärende;Personnyckel;Personnummer;Förnamn;Efternamn;")
    assert problems == []


def test_the_coordinator_orders_an_export_from_the_page(page, live_server, login_as, tour):
    problems = _watch_console(page)
    login_as(page, live_server, "samordnare.sdt")
    tour.check("start samordnare.sdt")
    with page.expect_navigation():
        page.get_by_role("link", name="Export").click()
    tour.check("export")

    with page.expect_navigation():
        page.get_by_test_id("export-form").get_by_role("button", name="Starta exporten").click()
    tour.check("exportjobb")

    # the task runs as soon as the order is saved (eagerly in the tests): the file is ready
    expect(page.get_by_test_id("export-download")).to_be_visible()
    assert problems == []
