"""A suggestion of the flag rules marked not relevant for a case (SPEC §3 rule 7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .case import Case


class FlagDismissal(models.Model):
    """A suggestion of the rules (SPEC §3 rule 7: a kontaktmöte, a joint mapping) that an
    officer marked not relevant for a case, with the reason: the flag is no longer shown, and
    the mark stays in the case's history and the access log."""

    class Code(models.TextChoices):
        CONTACT_MEETING = "contact_meeting_due", _("Erbjud kontaktmöte")
        MAPPING = "mapping_suggested", _("Överväg gemensam kartläggning")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="flag_dismissals", verbose_name=_("ärende")
    )
    code = models.CharField(_("förslag"), max_length=40, choices=Code.choices)
    reason = models.TextField(_("skäl"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("markerat av"),
    )
    created_at = models.DateTimeField(_("markerat"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "code"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="flagdismissal_once_per_case")
        ]
        verbose_name = _("förslag markerat inte aktuellt")
        verbose_name_plural = _("förslag markerade inte aktuella")

    def __str__(self):
        return f"{self.case} {self.get_code_display()}"
