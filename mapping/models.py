"""Joint mapping, meetings, plans and interventions (SPEC §4).

The individual plan and meetings are here already because the case lifecycle depends on them:
a plan must exist before introduction and trial, and the follow-up cadence counts meetings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import restrict_to_areas


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "case__area")


class PlanVersion(models.Model):
    """Individual plan (handlingsplan): each save is a new version; old ones stay readable."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="plan_versions",
        verbose_name=_("ärende"),
    )
    version = models.PositiveIntegerField(_("version"))
    goal = models.TextField(_("mål"))
    activities = models.TextField(_("aktiviteter"))
    start_date = models.DateField(_("från"), null=True, blank=True)
    end_date = models.DateField(_("till"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("skriven av"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_unique_version"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="plan_end_not_before_start",
            ),
        ]
        verbose_name = _("individuell plan")
        verbose_name_plural = _("individuella planer")

    def __str__(self):
        return _("Plan version %(v)s") % {"v": self.version}

    def audit_subject(self):
        return self.case.person_id, self.case.area_id


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    def audit_subject(self):
        return self.person_id, self.person.area_id
