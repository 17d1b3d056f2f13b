"""The closing documentation of a case (slutdokumentation, SPEC §3 rule 5).

The AF officer writes it "i samråd med Försäkringskassan": what was done, the result, the
situation at the end and the recommendations for AF's ordinary support. When it is ready the AF
officer sends it to FK, whose officer confirms it (or sends it back with a reason). The day FK
confirms it is the day the documentation is established: mapping.services.closing_document_confirm
copies it to `Case.closing_doc_date` in the same transaction, and nothing else writes that field,
so the 21-day rule (cases.flags) and every report read one date with one source."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas

# The document's text, in the order the form asks for it and the printed page shows it.
CLOSING_TEXT_FIELDS = ("done", "result", "situation_at_end", "recommendations")


class ClosingDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "case__area")

    def awaiting_confirmation(self):
        return self.filter(submitted_at__isnull=False, confirmed_on__isnull=True)


class ClosingDocument(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        RETURNED = "returned", _("Skickad tillbaka för ändring")
        SUBMITTED = "submitted", _("Väntar på Försäkringskassans bekräftelse")
        CONFIRMED = "confirmed", _("Bekräftad")

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="closing_document",
        verbose_name=_("ärende"),
    )
    done = models.TextField(_("genomförda insatser och aktiviteter"), blank=True)
    result = models.TextField(_("resultat"), blank=True)
    situation_at_end = models.TextField(_("situationen vid avslut"), blank=True)
    recommendations = models.TextField(
        _("rekommendationer för Arbetsförmedlingens ordinarie stöd"), blank=True
    )
    submitted_at = models.DateTimeField(_("skickad för bekräftelse"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("upprättad av"),
    )
    returned_at = models.DateTimeField(_("skickad tillbaka"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skickad tillbaka av"),
    )
    return_reason = models.TextField(_("vad som ska ändras"), blank=True)
    # The date the 21-day rule reads, copied to Case.closing_doc_date when confirmed.
    confirmed_on = models.DateField(_("bekräftad"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bekräftad (tid)"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekräftad av"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = ClosingDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The to-do list's documents waiting for FK's confirmation.
        indexes = [
            models.Index(
                fields=["case"],
                condition=models.Q(submitted_at__isnull=False, confirmed_on__isnull=True),
                name="closingdoc_awaiting_confirm",
            )
        ]
        constraints = [
            # Confirmed means sent by AF and confirmed by a named FK officer on a day.
            models.CheckConstraint(
                condition=models.Q(confirmed_on__isnull=True)
                | (
                    models.Q(submitted_at__isnull=False)
                    & models.Q(confirmed_by__isnull=False)
                    & models.Q(confirmed_at__isnull=False)
                ),
                name="closing_document_confirmed_when_submitted",
            ),
        ]
        verbose_name = _("slutdokumentation")
        verbose_name_plural = _("slutdokumentationer")

    def __str__(self):
        return _("Slutdokumentation för ärende %(id)s") % {"id": self.case_id}

    def audit_subject(self):
        return self.case.person_id, self.case.area_id

    @property
    def state(self) -> str:
        if self.confirmed_on:
            return self.State.CONFIRMED
        if self.submitted_at:
            return self.State.SUBMITTED
        if self.returned_at:
            return self.State.RETURNED
        return self.State.DRAFT

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_on is not None

    @property
    def awaits_confirmation(self) -> bool:
        return self.submitted_at is not None and self.confirmed_on is None

    def missing_text(self) -> list[str]:
        """The parts of the text not written yet (all four are needed to send it to FK)."""
        return [name for name in CLOSING_TEXT_FIELDS if not getattr(self, name).strip()]
