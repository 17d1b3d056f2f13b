"""An import from the page or the API (SPEC §6): the upload saved under IMPORT_DIR, a Celery
task checking and writing it with its progress, the outcome kept for the user who uploaded it.
The saved file is removed when the import ends, or by the hourly clean-up after
FILE_LIFETIME (imports.jobs)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_file_token() -> str:
    return secrets.token_hex(8)


KIND_CHOICES = [
    ("persons", _("Personer")),
    ("cases", _("Ärenden")),
    ("status", _("AF-status")),
    ("mappings", _("Gemensamma kartläggningar")),
    ("consumption", _("Förbrukning av medel")),
]


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Väntar")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Importerad")
        REJECTED = "rejected", _("Avvisad")
        FAILED = "failed", _("Misslyckades")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("användare"),
    )
    kind = models.CharField(_("filtyp"), max_length=20, choices=KIND_CHOICES)
    # The area a persons file is registered in; checked again by the task.
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samverkansområde"),
    )
    file_name = models.CharField(_("filnamn"), max_length=200, blank=True)
    # Part of the saved file's name, so a name is never reused (imports.jobs.import_job_path).
    file_token = models.CharField(max_length=16, default=new_file_token, editable=False)
    file_size = models.PositiveBigIntegerField(_("filstorlek"), default=0)
    # Where the upload came from, for the access log the task writes on the user's behalf.
    client_ip = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    path = models.CharField(_("sökväg"), max_length=200, blank=True)
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rader totalt"), null=True, blank=True)
    rows_checked = models.PositiveIntegerField(_("rader kontrollerade"), default=0)
    rows_written = models.PositiveIntegerField(_("rader sparade"), default=0)
    # The import's answer: the counts (done) or the rejection with its listed rows (rejected),
    # as the API returns them.
    outcome = models.JSONField(_("utfall"), null=True, blank=True)
    error = models.TextField(_("fel"), blank=True)
    created_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    started_at = models.DateTimeField(_("startade"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="importjob_state_created")]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int | None:
        if self.state in {self.State.DONE, self.State.REJECTED}:
            return 100
        if not self.rows_total:
            return None
        return min(100, self.rows_checked * 100 // self.rows_total)

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.REJECTED, self.State.FAILED}
