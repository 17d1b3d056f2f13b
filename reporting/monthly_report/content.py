"""What the printed monthly report holds (SPEC §5 "Dashboards", "Deviation report"): the
dashboard's sections of one area as they stood for one snapshot version, as a reader of the
report's suppression level sees them, and the area's open deviation reports with their agreed
actions.

The figures come from reporting.views.dashboard (the very loading and sections the page uses),
never recomputed, so the paper and the screen cannot disagree; only what belongs to a screen is
left out (links, CSV addresses, the choice of window). The dashboard's own short list of open
deviations is replaced by the full reports further on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ..deviation_figures import figure_table
from ..models import DeviationReport, MonthlyReportDocument
from ..suppression import SMALL_CELL
from ..views.dashboard import dashboard_load
from ..views.dashboard_sections import dashboard_sections
from ..views.dashboard_tables import Section

# The dashboard's sections that the report prints (its open deviations come in full instead).
LEFT_OUT = {"avvikelser"}

# Sections of apps above this one (the funds: funds.apps), each (document, reader) -> sections,
# registered by name in their AppConfig.ready (ADR 0014 "Registration, not imports").
_more_parts: dict[str, Callable[..., list[Section]]] = {}


def monthly_report_part_add(name: str, part: Callable[..., list[Section]]) -> None:
    _more_parts[name] = part


class SuppressionMismatch(RuntimeError):
    """The figures loaded are not of the report's suppression level: never printed."""


@dataclass
class Deviation:
    report: DeviationReport
    months: str
    figures: dict
    actions: list[dict] = field(default_factory=list)


@dataclass
class ReportContent:
    document: MonthlyReportDocument
    sections: list[Section]
    deviations: list[Deviation]
    made_at: dt.datetime
    small_cell: int = SMALL_CELL

    @property
    def hides_small_cells(self) -> bool:
        return self.document.hides_small_cells


def dashboard_part(*, document: MonthlyReportDocument, reader) -> list[Section]:
    """The dashboard's sections for the document's area, month and snapshot version, as
    `reader` (of the document's suppression level, checked by the caller) sees them."""
    board = dashboard_load(user=reader, area=document.area, until=document.snapshot)
    # The one promise of the document (SPEC §5, §7): its figures are of its level. Checked on
    # what was loaded, not only on who asked, so a change in how the dashboard decides cannot
    # put exact small counts into a management group's PDF.
    if board.hide_small_cells != document.hides_small_cells:
        raise SuppressionMismatch(document.pk)
    sections = dashboard_sections(board, lambda _key: "", None)
    for part in _more_parts.values():
        sections += part(document=document, reader=reader)
    for section in sections:
        section.links, section.choices = [], []
    return [section for section in sections if section.key not in LEFT_OUT]


def _month_span(report: DeviationReport) -> str:
    first, last = f"{report.run_start:%Y-%m}", f"{report.opened_for:%Y-%m}"
    return first if first == last else f"{first} – {last}"


def deviation_part(*, document: MonthlyReportDocument, today: dt.date) -> list[Deviation]:
    """The area's deviation reports open today, oldest run first, each with its months (as the
    document's level may see them) and its agreed actions."""
    reports = (
        DeviationReport.objects.filter(area=document.area)
        .open()
        .prefetch_related("actions")
        .order_by("run_start", "kind")
    )
    deviations = []
    for report in reports:
        deviation = Deviation(
            report=report,
            months=_month_span(report),
            figures=figure_table(report, hide_small=document.hides_small_cells),
        )
        for action in report.actions.all():
            deviation.actions.append({"action": action, "overdue": action.is_overdue(today)})
        deviations.append(deviation)
    return deviations
