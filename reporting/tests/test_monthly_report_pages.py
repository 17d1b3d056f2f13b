"""The monthly report's pages (/statistik/manadsrapport/, SPEC §5 "Reports", §7): choosing the
area and month, ordering, the progress page and its JSON, the download; the outsider's 404
logged as a refusal on every one of them, a reader never reaching another suppression level's
report, the access log, and bad input answered in Swedish with nothing ordered.

The PDF's drawing is stood in for here (test_monthly_report.py draws real ones)."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AccessLog
from reporting.models import MonthlyReportDocument
from reporting.monthly_report import jobs

from .test_monthly_report import FEB, february  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

URL = reverse("reporting:monthly_reports")
STAND_IN = b"%PDF-1.7 stand-in"


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    monkeypatch.setattr(jobs, "report_pdf", lambda content: STAND_IN)


def post_order(client, capture, **data):
    with capture(execute=True):
        return client.post(URL, {"omrade": "sdt", "manad": "2025-02", **data})


@pytest.fixture
def made(area, management, february, login, django_capture_on_commit_callbacks):  # noqa: F811
    """February's report, ordered by the management group on the page and made."""
    post_order(login(management), django_capture_on_commit_callbacks)
    return MonthlyReportDocument.objects.get()


def logged(action, **fields):
    return AccessLog.objects.filter(action=action, **fields)


def test_the_page_offers_the_months_that_have_a_snapshot(area, management, february, login):  # noqa: F811
    response = login(management).get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="2025-02">2025-02</option>' in body
    assert '<label for="id_manad">Månad' in body
    assert 'data-testid="monthly-report-list"' in body
    assert logged(AccessLog.Action.VIEW, object_type="manadsrapport", area_id=area.pk).exists()


def test_the_management_group_s_menu_leads_to_the_page(area, management, coordinator, login):
    # the coordinator's menu is full: they reach it from Rapporter
    reports = login(coordinator).get(reverse("reporting:reports"))

    assert (URL, "Månadsrapport") in login(management).get(URL).context["nav_items"]
    assert 'data-testid="monthly-report-link"' in reports.content.decode()


def test_ordering_leads_to_the_progress_page_and_the_download(
    area,
    management,
    february,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
):
    client = login(management)

    response = post_order(client, django_capture_on_commit_callbacks)

    document = MonthlyReportDocument.objects.get()
    page = reverse("reporting:monthly_report", args=[document.pk])
    assert response.status_code == 302 and response["Location"] == page
    progress = client.get(page).content.decode()
    assert 'aria-live="polite"' in progress and "Rapporten är klar." in progress
    status = client.get(reverse("reporting:monthly_report_status", args=[document.pk])).json()
    assert status["finished"] and status["percent"] == 100
    assert status["download_url"] == reverse("reporting:monthly_report_pdf", args=[document.pk])
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.content == STAND_IN
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="manadsrapport-sdt-2025-02-v1.pdf"' in download["Content-Disposition"]
    # the order and the download are in the access log, the download as an export
    assert logged(AccessLog.Action.CREATE, object_type="manadsrapport", user=management).exists()
    export = logged(AccessLog.Action.EXPORT, object_type="manadsrapport", user=management).get()
    assert export.area_id == area.pk and "PDF" in export.purpose


def test_the_progress_page_polls_while_the_report_is_made(area, management, february, login):  # noqa: F811
    document = MonthlyReportDocument.objects.create(
        area=area, month=FEB, snapshot=february, hides_small_cells=True, requested_by=management
    )

    body = login(management).get(reverse("reporting:monthly_report", args=[document.pk]))

    text = body.content.decode()
    assert "job-progress.js" in text and "<noscript>" in text
    assert "Rapporten väntar på att starta." in text


def test_ordering_the_same_version_again_says_the_report_exists(
    area, management, made, login, django_capture_on_commit_callbacks
):
    response = post_order(login(management), django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("reporting:monthly_report", args=[made.pk])
    assert MonthlyReportDocument.objects.count() == 1


@pytest.mark.parametrize("name", ["monthly_report", "monthly_report_status", "monthly_report_pdf"])
def test_an_outsider_gets_404_for_a_report_and_is_logged(name, made, outsider, login):
    response = login(outsider).get(reverse(f"reporting:{name}", args=[made.pk]))

    assert response.status_code == 404
    denied = logged(AccessLog.Action.DENIED, user=outsider, object_type="manadsrapport").get()
    assert denied.area_id == made.area_id


def test_a_reader_of_exact_figures_does_not_get_the_suppressed_report_listed_nor_the_reverse(
    area, made, coordinator, login
):
    client = login(coordinator)

    listed = client.get(URL).context["documents"]
    download = client.get(reverse("reporting:monthly_report_pdf", args=[made.pk]))

    assert listed == [] and download.status_code == 404


def test_an_outsider_asking_for_the_area_gets_404_and_is_logged(area, outsider, login):
    response = login(outsider).get(URL, {"omrade": area.code})

    assert response.status_code == 404
    assert logged(AccessLog.Action.DENIED, user=outsider, area_id=area.pk).exists()


def test_an_outsider_cannot_order_the_area_s_report(
    area,
    outsider,
    february,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
):
    response = post_order(login(outsider), django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert MonthlyReportDocument.objects.count() == 0
    assert logged(AccessLog.Action.DENIED, user=outsider, area_id=area.pk).exists()


@pytest.mark.parametrize("code", ["finns-inte", "sdt\x00", "x" * 300])
def test_an_unknown_area_is_404_in_swedish_and_orders_nothing(
    code,
    management,
    february,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
):
    response = post_order(login(management), django_capture_on_commit_callbacks, omrade=code)

    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
    assert MonthlyReportDocument.objects.count() == 0


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2025-03", "Det finns ingen ögonblicksbild för Södertörn 2025-03."),
        ("mars", "Ange månaden som ÅÅÅÅ-MM, till exempel 2026-04."),
        ("1899-01", "Ange en månad mellan år 2000 och 2100."),
        ("", "Välj en månad."),
    ],
)
def test_a_bad_month_is_answered_in_swedish_and_orders_nothing(
    month,
    message,
    management,
    february,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
):
    response = post_order(login(management), django_capture_on_commit_callbacks, manad=month)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert MonthlyReportDocument.objects.count() == 0


def test_an_area_without_snapshots_says_so(area, management, login):
    response = login(management).get(URL)

    assert 'data-testid="no-months"' in response.content.decode()


def test_a_user_without_any_area_sees_no_figures(db, login):
    from accounts.tests.factories import staff

    nobody = staff("management", username="ledning.utan")

    response = login(nobody).get(URL)

    assert (
        response.status_code == 200 and "Du ser inga områdens siffror." in response.content.decode()
    )


def test_the_national_analyst_orders_any_area(
    area,
    analyst,
    february,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
):
    response = post_order(login(analyst), django_capture_on_commit_callbacks)

    document = MonthlyReportDocument.objects.get()
    assert response.status_code == 302 and document.hides_small_cells
    assert document.month == dt.date(2025, 2, 1)
