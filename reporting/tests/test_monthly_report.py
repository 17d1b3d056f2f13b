"""The printed monthly report (SPEC §5 "Reports"; ADR 0026): the Celery task makes a PDF of the
dashboard's sections from the month's snapshot and the area's open deviations with their
actions, suppressed for readers who see suppressed figures; its progress moves; it is kept with
the snapshot version it was made from; a failure leaves no file.

Small fixtures: two months of a handful of participants, one PDF per test at most."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from reporting.models import DeviationAction, DeviationReport, MonthlyReportDocument
from reporting.monthly_report import jobs
from reporting.snapshots import snapshot_compute
from samverkan.services import AccessContext

from .test_dashboard import started

pytestmark = pytest.mark.django_db

JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
ACTION = "Gå igenom beredningsgruppens anmälningar med varje lokalt försäkringscenter"
State = MonthlyReportDocument.State


@pytest.fixture
def february(area):
    """6 new participants in January, 3 in February (a small cell); both months snapshotted."""
    started(area, dt.date(2025, 1, 10), 6)
    started(area, dt.date(2025, 2, 3), 3)
    snapshot_compute(area=area, month=JAN)
    return snapshot_compute(area=area, month=FEB)[0]


@pytest.fixture
def deviation(area):
    report = DeviationReport.objects.create(
        area=area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=dt.date(2024, 12, 1),
        opened_for=FEB,
        figures={
            "months": [
                {"month": "2024-12", "actual": 7, "planned": 10, "tolerance_percent": 10},
                {"month": "2025-01", "actual": 6, "planned": 10, "tolerance_percent": 10},
                {"month": "2025-02", "actual": 3, "planned": 10, "tolerance_percent": 10},
            ]
        },
        analysis="Färre anmälningar från vården under vintern.",
    )
    DeviationAction.objects.create(
        report=report, description=ACTION, owner="Områdeschef AF", due_on=dt.date(2025, 4, 30)
    )
    return report


@pytest.fixture
def quick_pdf(monkeypatch):
    """For tests about the job, not the document: a stand-in for the drawing (seconds each)."""
    monkeypatch.setattr(jobs, "report_pdf", lambda content: b"%PDF-1.7 stand-in")


def order(user, area, month, capture):
    """Order as `user` and run the task the order starts (eagerly, as the test settings run
    Celery) once the order's transaction commits."""
    with capture(execute=True):
        document, _ordered = jobs.monthly_report_order(
            context=AccessContext.for_user(user), area=area, month=month
        )
    document.refresh_from_db()
    return document


def pdf_text(document) -> str:
    data = bytes(MonthlyReportDocument.objects.get(pk=document.pk).pdf)
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def inflow_row(text: str, month: str) -> list[str]:
    """The words of the first line that starts with `month` after the inflow section's title:
    that month's row of the inflow table."""
    after = text.split("Inflöde jämfört med plan", 1)[1]
    for line in after.splitlines():
        if line.startswith(month):
            return line.split()
    raise AssertionError(f"no row {month}")


def test_a_management_group_member_of_a_small_area_prints_the_month_suppressed(
    area, management, february, deviation, django_capture_on_commit_callbacks
):
    # given February's 3 new participants, a small cell, and an open deviation with an action
    # when the area's management group orders February's report
    document = order(management, area, FEB, django_capture_on_commit_callbacks)

    # then the task made a PDF from that snapshot version, at the management group's level
    assert document.state == State.DONE and document.progress == 100
    assert document.snapshot == february and document.hides_small_cells
    text = pdf_text(document)
    # with the title page's area, month and version
    assert "Södertörn" in text and "februari 2025" in text and "2025-02" in text
    assert f"version {february.version}" in text
    # the open deviation's action
    assert "Gå igenom beredningsgruppens anmälningar" in text
    assert "Färre anmälningar från vården" in text
    # and February's 3 shown as its mark, never as the count
    assert inflow_row(text, "2025-02")[1] == "<5"
    assert inflow_row(text, "2025-01")[1] == "6"


def test_a_coordinator_gets_the_exact_figures_in_a_report_of_their_own(
    area, management, coordinator, february, django_capture_on_commit_callbacks
):
    managers = order(management, area, FEB, django_capture_on_commit_callbacks)

    coordinators = order(coordinator, area, FEB, django_capture_on_commit_callbacks)

    # two documents of the same snapshot: one per suppression level
    assert coordinators.pk != managers.pk and not coordinators.hides_small_cells
    assert inflow_row(pdf_text(coordinators), "2025-02")[1] == "3"


def test_ordering_the_same_version_again_returns_the_report_made(
    area, management, analyst, february, django_capture_on_commit_callbacks, quick_pdf
):
    first = order(management, area, FEB, django_capture_on_commit_callbacks)

    # when another reader of suppressed figures orders the same month and version
    with django_capture_on_commit_callbacks(execute=True) as started_tasks:
        again, ordered = jobs.monthly_report_order(
            context=AccessContext.for_user(analyst), area=area, month=FEB
        )

    # then it is the same report, and nothing is made again
    assert again.pk == first.pk and not ordered and started_tasks == []
    assert MonthlyReportDocument.objects.count() == 1


def test_a_newer_snapshot_version_makes_a_new_report_and_keeps_the_old(
    area, management, february, django_capture_on_commit_callbacks
):
    first = order(management, area, FEB, django_capture_on_commit_callbacks)
    # a late registration changes February: the month is recomputed as version 2
    started(area, dt.date(2025, 2, 20), 5)
    newer, created = snapshot_compute(area=area, month=FEB)
    assert created and newer.version == february.version + 1

    second = order(management, area, FEB, django_capture_on_commit_callbacks)

    assert second.pk != first.pk and second.snapshot == newer
    assert MonthlyReportDocument.objects.get(pk=first.pk).snapshot == february
    # each PDF says which version it was made from, and the first was not made again
    assert f"version {newer.version}" in pdf_text(second)
    assert f"version {february.version}," in pdf_text(first)


def test_the_progress_moves_step_by_step(
    area, management, february, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []

    def spy(content):
        # what a polling page would read while the PDF is being drawn
        seen.append(
            MonthlyReportDocument.objects.values_list("state", "progress", "step").get(
                pk=content.document.pk
            )
        )
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr(jobs, "report_pdf", spy)

    document = order(management, area, FEB, django_capture_on_commit_callbacks)

    assert seen == [(State.RUNNING, 65, "Skapar PDF-filen")]
    assert (document.state, document.progress, document.step) == (State.DONE, 100, "Klar")
    assert document.started_at <= document.finished_at


def test_a_failure_leaves_no_half_report_and_a_swedish_message(
    area, management, february, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(content):
        raise OSError("Pango saknas")

    monkeypatch.setattr(jobs, "report_pdf", broken)

    document = order(management, area, FEB, django_capture_on_commit_callbacks)

    assert document.state == State.FAILED and document.finished_at is not None
    assert MonthlyReportDocument.objects.get(pk=document.pk).pdf is None
    assert document.error.startswith("Rapporten kunde inte skapas. Ingen fil sparades.")


def test_a_failed_report_is_made_again_when_ordered_again(
    area, management, february, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(jobs, "report_pdf", lambda content: 1 / 0)
    failed = order(management, area, FEB, django_capture_on_commit_callbacks)
    monkeypatch.setattr(jobs, "report_pdf", lambda content: b"%PDF-1.7 stand-in")

    again = order(management, area, FEB, django_capture_on_commit_callbacks)

    assert again.pk == failed.pk and again.state == State.DONE and again.error == ""


def test_a_reader_whose_level_changed_gets_no_exact_figures(
    area, management, february, django_capture_on_commit_callbacks, monkeypatch
):
    # given a report ordered at the management group's level, whose task finds the reader
    # seeing exact figures by the time it runs (a changed role)
    monkeypatch.setattr(jobs, "hides_small_cells", lambda user: user is None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = MonthlyReportDocument.objects.create(
            area=area, month=FEB, snapshot=february, hides_small_cells=True, requested_by=management
        )

    jobs.monthly_report_run(document_id=document.pk)

    document.refresh_from_db()
    assert callbacks == [] and document.state == State.FAILED
    assert MonthlyReportDocument.objects.get(pk=document.pk).pdf is None


def test_the_figures_loaded_must_be_of_the_reports_level(area, coordinator, february):
    from reporting.monthly_report.content import SuppressionMismatch, dashboard_part

    # a document at the suppressed level, loaded as a reader of exact figures
    document = MonthlyReportDocument(
        area=area, month=FEB, snapshot=february, hides_small_cells=True
    )

    with pytest.raises(SuppressionMismatch):
        dashboard_part(document=document, reader=coordinator)


def test_a_finished_report_is_left_as_it_is_when_its_task_comes_again(
    area, management, february, django_capture_on_commit_callbacks, monkeypatch, quick_pdf
):
    document = order(management, area, FEB, django_capture_on_commit_callbacks)
    monkeypatch.setattr(jobs, "report_pdf", lambda content: pytest.fail("made twice"))

    again = jobs.monthly_report_run(document_id=document.pk)

    assert again.state == State.DONE and again.finished_at == document.finished_at


def test_a_month_without_a_snapshot_orders_nothing(area, management, february):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        jobs.monthly_report_order(
            context=AccessContext.for_user(management), area=area, month=dt.date(2025, 3, 1)
        )

    assert "ingen ögonblicksbild för Södertörn 2025-03" in str(refused.value)
    assert MonthlyReportDocument.objects.count() == 0


def test_an_outsider_cannot_order_another_areas_report(area, outsider, february):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        jobs.monthly_report_order(context=AccessContext.for_user(outsider), area=area, month=FEB)
    assert MonthlyReportDocument.objects.count() == 0
