"""A browser export (issue 6 point 4): asked for on the export page, written by a Celery task
to a file under EXPORT_DIR, downloaded by the user who asked, removed after 24 hours."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class Kind(models.TextChoices):
        PARTICIPANTS = "participants", _("Deltagare")
        INTERVENTIONS = "interventions", _("Insatser")
        MAPPINGS = "mappings", _("Gemensamma kartläggningar")
        REGISTRATIONS = "registrations", _("Registreringspunkter (som i SUS)")

    class FileFormat(models.TextChoices):
        CSV_SEMICOLON = "csv_semicolon", _("CSV, semikolon (Excel på svenska)")
        CSV_COMMA = "csv_comma", _("CSV, kommatecken")
        XLSX = "xlsx", _("Excel (XLSX)")
        JSON = "json", _("JSON")

    class State(models.TextChoices):
        QUEUED = "queued", _("Väntar")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")
        EXPIRED = "expired", _("Borttagen")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("användare"),
    )
    # Several jobs share an id when the user asks for another file of the same export (same
    # pseudonyms, exports.services.export_continuable).
    export_id = models.CharField(_("export-id"), max_length=32, db_index=True, editable=False)
    kind = models.CharField(_("innehåll"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("filformat"), max_length=20, choices=FileFormat.choices)

    class Headers(models.TextChoices):
        LABELS = "labels", _("Svenska rubriker (för kalkylark)")
        CODES = "codes", _("Kodnamn (för maskinläsning, som i API:t)")

    headers = models.CharField(
        _("kolumnrubriker"), max_length=10, choices=Headers.choices, default=Headers.LABELS
    )
    # The codes as asked for; empty is every area the user may export. Checked again by the task.
    area_codes = models.CharField(_("områden"), max_length=500, blank=True)
    date_from = models.DateField(_("från och med"), null=True, blank=True)
    date_to = models.DateField(_("till och med"), null=True, blank=True)
    # A reason stated for people outside the user's caseload (break the glass, SPEC §7): the
    # export then holds the rest of the user's areas too, each such row logged as outside.
    reason = models.CharField(_("skäl"), max_length=500, blank=True)
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rader totalt"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rader klara"), default=0)
    file_name = models.CharField(_("filnamn"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("filstorlek"), null=True, blank=True)
    error = models.TextField(_("fel"), blank=True)
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startade"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "finished_at"], name="exportjob_state_finished")]
        verbose_name = _("export")
        verbose_name_plural = _("exporter")

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return 100 if self.state == self.State.DONE else None
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED, self.State.EXPIRED}


class CoarsenedExport(models.Model):
    """A coarsened export's selection and the generalisation its people got (ADR 0021,
    exports.selectors.kanon), fixed when its first file is made: every further file of the same
    export (same keys, so the files can be joined) shows each person at the same level, and the
    check is made once over all the kinds the files can hold. Removed with the export id after
    24 hours."""

    export_id = models.CharField(_("export-id"), max_length=32, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("användare"),
    )
    # The areas asked for (sorted ids; empty: every area the user may export) and the period
    # in whole months: a further file must ask for the same.
    area_ids = models.JSONField(_("områden"), default=list)
    date_from = models.DateField(_("från och med"), null=True, blank=True)
    date_to = models.DateField(_("till och med"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("grovindelad export")
        verbose_name_plural = _("grovindelade exporter")

    def __str__(self):
        return self.export_id


class CoarsenedPerson(models.Model):
    """One person of a coarsened export and the level their rows are shown at in every file:
    0 as they are, 1 without born abroad, disability and education, 2 with the area only. A
    person without a row here is withheld from every file of the export."""

    # No index of its own: the unique (export, person) index serves the export too, and a
    # second one let the planner look a person up by the export alone (exports.selectors.kanon).
    export = models.ForeignKey(
        CoarsenedExport, on_delete=models.CASCADE, related_name="people", db_index=False
    )
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("generaliseringsnivå"))
    # The tuples (kind and quasi-identifiers at the level) of the rows the person was graded
    # on: a further file shows a row only while it is one of them.
    signature = ArrayField(models.TextField(), verbose_name=_("signatur"), default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["export", "person"], name="coarsenedperson_once"),
            models.CheckConstraint(
                condition=models.Q(level__lte=2), name="coarsenedperson_level_0_to_2"
            ),
        ]
        verbose_name = _("person i grovindelad export")
        verbose_name_plural = _("personer i grovindelade exporter")

    def __str__(self):
        return f"{self.export_id}:{self.person_id}"
