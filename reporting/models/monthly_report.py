"""The printed monthly report (SPEC §5 "Reports": "a printable monthly report (PDF) per area for
the management group's meeting"; ADR 0026): one PDF per area, month, snapshot version and
suppression level, made by a Celery task with its progress kept here, and kept with the
snapshot it was made from.

- **Kept with its snapshot.** The report points at the exact `MonthlySnapshot` version it was
  made from (ADR 0009). Ordering the same area and month again while that version is still the
  newest gives the same report; a newer version makes a new report, and the old one stays.
- **Per suppression level, not per reader.** A report's figures are those of the dashboard as
  a reader of its level sees them (reporting.suppression.hides_small_cells): suppressed for the
  management group and the analysts, exact for staff with case access. The two are different
  documents and a reader only ever gets the one of their own level, so a PDF made for a
  management group can never hold an unsuppressed small cell.
- **Whole or nothing.** The PDF is saved together with the state "done", in one update; a run
  that fails leaves no file, only its Swedish error text.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyReportDocumentQuerySet(models.QuerySet):
    def without_file(self):
        """Lists and progress never need the PDF's bytes."""
        return self.defer("pdf")


class MonthlyReportDocument(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Väntar")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="monthly_report_documents",
        verbose_name=_("samverkansområde"),
    )
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    snapshot = models.ForeignKey(
        "reporting.MonthlySnapshot",
        on_delete=models.PROTECT,
        related_name="report_documents",
        verbose_name=_("ögonblicksbild"),
    )
    # True: the figures as readers without case access see them (small cells hidden).
    hides_small_cells = models.BooleanField(_("små celler dolda"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beställd av"),
    )
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.WAITING)
    progress = models.PositiveSmallIntegerField(_("förlopp i procent"), default=0)
    step = models.CharField(_("steg"), max_length=200, blank=True)
    pdf = models.BinaryField(_("PDF-fil"), null=True, blank=True, editable=False)
    error = models.TextField(_("fel"), blank=True)
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    objects = MonthlyReportDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "area", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "hides_small_cells"],
                name="monthly_report_once_per_snapshot_and_level",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="monthly_report_month_is_first_day"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="monthly_report_progress_percent"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="done") | models.Q(pdf__isnull=False),
                name="monthly_report_done_has_file",
            ),
        ]
        verbose_name = _("månadsrapport")
        verbose_name_plural = _("månadsrapporter")

    def __str__(self):
        return f"{self.area} {self.month:%Y-%m} v{self.snapshot.version}"

    def audit_subject(self):
        return None, self.area_id

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def filename(self) -> str:
        return f"manadsrapport-{self.area.code}-{self.month:%Y-%m}-v{self.snapshot.version}.pdf"
