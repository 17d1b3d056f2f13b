"""Meetings (SPEC §4): held with a person, optionally within a joint mapping or a case."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "person__area")


class Meeting(models.Model):
    class Kind(models.TextChoices):
        RECONCILIATION = "avstamningsmote", _("Avstämningsmöte")
        CONTACT = "kontaktmote", _("Kontaktmöte")
        HAND_OVER = "overlamningsmote", _("Överlämningsmöte")
        PREPARATION_GROUP = "beredningsgrupp", _("Beredningsgrupp")
        EMPLOYER_CONSULTATION = "employer_consultation", _("Konsultativt stöd till arbetsgivare")
        FOLLOW_UP = "follow_up", _("Uppföljning")

    person = models.ForeignKey(
        "cases.Person",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("deltagare"),
    )
    mapping = models.ForeignKey(
        "mapping.JointMapping",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("kartläggning"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("ärende"),
    )
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    date = models.DateField(_("datum"))
    participants = models.JSONField(_("deltagare i mötet"), default=list, blank=True)
    notes = models.TextField(_("anteckningar"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    def audit_subject(self):
        return self.person_id, self.person.area_id
