"""Ordering and making the printed monthly report (SPEC §5; ADR 0026).

`monthly_report_order` finds the newest snapshot version of the area and month and returns the
report of that version and the reader's suppression level, ordering it (and starting its task
once the order is committed) when there is none yet, or when the one there failed. A newer
version makes a new report; the earlier ones stay.

`monthly_report_run` is what the Celery task (reporting.tasks) does: it makes the PDF step by
step, writing its progress (percent and a Swedish step text) as it goes, and saves the file
together with the state "done", or fails with a Swedish message and no file. Idempotent: a
finished report is left as it is; one found running (its worker died, the message came back)
runs again from the start, and only the latest run may finish it (`started_at`).

The task module sits above this one and registers itself (`monthly_reports_run_by`, from
reporting.apps), so this module never imports it (ADR 0014)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Area
from accounts.scoping import aggregate_area_ids
from audit.models import AccessLog
from samverkan.services import AccessContext, actor, log_access

from ..models import MonthlyReportDocument, MonthlySnapshot
from ..suppression import hides_small_cells
from .content import ReportContent, dashboard_part, deviation_part
from .pdf import report_pdf

logger = logging.getLogger(__name__)

State = MonthlyReportDocument.State

_runners: list[Callable[[int], object]] = []


def monthly_reports_run_by(runner: Callable[[int], object]) -> None:
    """Register what starts the making of an ordered report (called with its id in the
    order's transaction; it queues the task, sent once that commits). The last registration
    counts."""
    _runners[:] = [runner]


def _start(document_id: int) -> None:
    if not _runners:
        raise RuntimeError("no runner for monthly reports registered (reporting.apps)")
    _runners[-1](document_id)


# --- who sees what ------------------------------------------------------------------------------


def may_see_area(user, area: Area) -> bool:
    """The readers of the area's dashboard (its aggregates) may order and read its reports."""
    allowed = aggregate_area_ids(user)
    return allowed is None or area.pk in allowed


def monthly_reports_visible_to(user):
    """The reports of the areas whose aggregates `user` sees, of the user's own suppression
    level only: a reader of suppressed figures never reaches a report with exact ones (SPEC §5,
    §7), and a reader of exact figures gets the exact report."""
    allowed = aggregate_area_ids(user)
    documents = MonthlyReportDocument.objects.without_file().select_related("area", "snapshot")
    if allowed is not None:
        documents = documents.filter(area_id__in=allowed)
    return documents.filter(hides_small_cells=hides_small_cells(user))


def snapshot_months(area: Area) -> list[dt.date]:
    """The months of `area` that have a snapshot, newest first."""
    return list(
        MonthlySnapshot.objects.filter(area=area)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )


# --- ordering -----------------------------------------------------------------------------------


@transaction.atomic
def monthly_report_order(
    *, context: AccessContext, area: Area, month: dt.date
) -> tuple[MonthlyReportDocument, bool]:
    """The report of `area` and `month` (its first day) from the month's newest snapshot, for
    the acting user's suppression level, and whether it was ordered now. PermissionDenied
    outside the user's areas; ValidationError (on `month`) when the month has no snapshot."""
    user = actor(context)
    if user is None or not may_see_area(user, area):
        raise PermissionDenied(_("Du ser inte det här områdets siffror."))
    snapshot = MonthlySnapshot.objects.filter(area=area, month=month).order_by("-version").first()
    if snapshot is None:
        raise ValidationError(
            {
                "month": _(
                    "Det finns ingen ögonblicksbild för %(area)s %(month)s. Välj en månad som "
                    "har sammanställts."
                )
                % {"area": area.name, "month": f"{month:%Y-%m}"}
            }
        )
    document, created = MonthlyReportDocument.objects.get_or_create(
        snapshot=snapshot,
        hides_small_cells=hides_small_cells(user),
        defaults={"area": area, "month": month, "requested_by": user},
    )
    if not created and document.state == State.FAILED:
        # A failed report is made again on the next order, by whoever asks now.
        fields = {"state": State.WAITING, "requested_by": user, "progress": 0, "step": ""}
        fields.update(error="", started_at=None, finished_at=None)
        MonthlyReportDocument.objects.filter(pk=document.pk).update(**fields)
        document.refresh_from_db()
        created = True
    if created:
        log_access(
            context,
            action=AccessLog.Action.CREATE,
            obj=document,
            object_type="manadsrapport",  # as the pages log it (reporting.views.monthly_reports)
            purpose=f"månadsrapport {month:%Y-%m} version {snapshot.version}, {area.code}",
        )
        _start(document.pk)  # queued with the order, sent once it commits (ADR 0027)
    return document, created


# --- making it ----------------------------------------------------------------------------------


class ReaderChanged(Exception):
    """The user who ordered the report no longer sees the area, or no longer at its level."""


def _steps():
    return {
        "check": (5, _("Kontrollerar behörigheten")),
        "dashboard": (15, _("Läser ögonblicksbilden och månaderna före")),
        "deviations": (50, _("Hämtar öppna avvikelser och åtgärder")),
        "pdf": (65, _("Skapar PDF-filen")),
    }


def monthly_report_run(*, document_id: int) -> MonthlyReportDocument:
    started = timezone.now()
    with transaction.atomic():
        document = (
            MonthlyReportDocument.objects.select_for_update(of=("self",))
            .without_file()
            .select_related("area", "snapshot", "requested_by")
            .get(pk=document_id)
        )
        if document.is_finished:
            return document
        _update(document, state=State.RUNNING, started_at=started, progress=0, error="")
    own = MonthlyReportDocument.objects.filter(pk=document.pk, started_at=started)

    def step(name: str) -> None:
        progress, text = _steps()[name]
        own.update(progress=progress, step=text)

    # The report and its messages are Swedish whoever ordered it: the meeting's language.
    with translation.override("sv"):
        try:
            step("check")
            reader = document.requested_by
            if reader is None or not may_see_area(reader, document.area):
                raise ReaderChanged
            if hides_small_cells(reader) != document.hides_small_cells:
                raise ReaderChanged
            step("dashboard")
            sections = dashboard_part(document=document, reader=reader)
            step("deviations")
            made_at = timezone.now()
            deviations = deviation_part(document=document, today=timezone.localdate(made_at))
            step("pdf")
            content = ReportContent(
                document=document, sections=sections, deviations=deviations, made_at=made_at
            )
            pdf = report_pdf(content)
            # The file and "done" in one update: there is never a half report.
            own.filter(state=State.RUNNING).update(
                state=State.DONE,
                pdf=pdf,
                progress=100,
                step=_("Klar"),
                finished_at=timezone.now(),
            )
        except ReaderChanged:
            _fail(
                own,
                _(
                    "Den som beställde rapporten ser inte längre områdets siffror på samma "
                    "sätt. Ingen fil sparades. Beställ rapporten igen."
                ),
            )
        except OperationalError:
            # The database went away: the task retries (reporting.tasks) from the start.
            own.update(state=State.WAITING, progress=0, step="")
            raise
        except Exception:
            logger.exception("Månadsrapport %s kunde inte skapas", document.pk)
            _fail(
                own,
                _(
                    "Rapporten kunde inte skapas. Ingen fil sparades. Försök igen eller "
                    "kontakta förvaltningen."
                ),
            )
    document.refresh_from_db()
    return document


def _update(document: MonthlyReportDocument, **fields) -> None:
    for name, value in fields.items():
        setattr(document, name, value)
    MonthlyReportDocument.objects.filter(pk=document.pk).update(**fields)


def _fail(own, message: str) -> None:
    own.filter(~Q(state=State.DONE)).update(
        state=State.FAILED, pdf=None, error=message, step="", finished_at=timezone.now()
    )
