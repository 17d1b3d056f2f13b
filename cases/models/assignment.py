"""A case given to another officer by a coordinator (SPEC §3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case


class CaseAssignment(models.Model):
    """A case given to another officer of one agency by a coordinator (SPEC §3): the new
    officer's to-do list shows it until they open the case."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("ärende")
    )
    agency = models.CharField(_("myndighet"), max_length=2)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("från"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_assignments",
        verbose_name=_("till"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("fördelat av"),
    )
    at = models.DateTimeField(_("fördelat"), auto_now_add=True)
    seen_at = models.DateTimeField(_("öppnat av handläggaren"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["to_user", "seen_at"], name="caseassignment_unseen")]
        verbose_name = _("fördelning av ärende")
        verbose_name_plural = _("fördelningar av ärenden")

    def __str__(self):
        return f"{self.case} → {self.to_user}"
