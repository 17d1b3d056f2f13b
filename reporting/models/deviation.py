"""Deviation reports (avvikelserapporter, SPEC §5): opened by the monthly job when an area's
development deviates from its work plan three months in a row; worked by the area's management
group (analysis, dialogue, agreed actions with owners and due dates) until the actions are done.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DeviationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """No personal data: the aggregate scope (an area's management group, coordinators and
        officers see their areas; national roles every area)."""
        from accounts.scoping import aggregate_area_ids

        area_ids = aggregate_area_ids(user)
        if area_ids is None:
            return self
        return self.filter(area_id__in=area_ids)

    def open(self):
        return self.exclude(status=DeviationReport.Status.CLOSED)


class DeviationReport(models.Model):
    class Kind(models.TextChoices):
        INFLOW_BELOW_PLAN = "inflow_below_plan", _("Inflödet under plan")
        SHARE_BELOW_GOAL = "share_below_goal", _("Andelen i arbete eller utbildning under målet")
        AVERAGE_DAYS_ABOVE_GOAL = (
            "average_days_above_goal",
            _("Genomsnittlig tid i samverkan över målet"),
        )
        STAFFING_BELOW_PLAN = "staffing_below_plan", _("Bemanningen under plan")

    class Status(models.TextChoices):
        OPEN = "open", _("Öppen")
        IN_DIALOGUE = "in_dialogue", _("I dialog")
        CLOSED = "closed", _("Stängd")

    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="deviations",
        verbose_name=_("samverkansområde"),
    )
    kind = models.CharField(_("avvikelse"), max_length=30, choices=Kind.choices)
    # The run of months that deviates: the first month identifies the run, so a run that goes
    # on for a fourth month never opens a second report (SPEC §5).
    run_start = models.DateField(_("första avvikande månad"))
    opened_for = models.DateField(_("öppnad efter månad"))
    figures = models.JSONField(_("siffror för månaderna"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    analysis = models.TextField(_("analys"), blank=True)
    dialogue_on = models.DateField(_("dialog hållen"), null=True, blank=True)
    dialogue_with = models.CharField(_("dialog med"), max_length=300, blank=True)
    closed_on = models.DateField(_("stängd"), null=True, blank=True)
    # Escalated by the area's management group to the regional managers (FK's
    # verksamhetsområdeschef, AF's marknadschef), whose dialogue with the local managers is then
    # recorded on the report (DeviationDialogue). Issue 20; handlingsplan 2010: "En gemensam
    # dialog ska föras mellan verksamhetsområdeschef och marknadschef samt lokala chefer kring
    # avvikelsen."
    escalated_at = models.DateTimeField(_("eskalerad"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eskalerad av"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = DeviationQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_for", "area", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "kind", "run_start"], name="deviation_once_per_run"
            ),
            models.CheckConstraint(
                condition=models.Q(run_start__day=1) & models.Q(opened_for__day=1),
                name="deviation_months_are_first_days",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_on__isnull=False),
                name="deviation_closed_has_date",
            ),
        ]
        verbose_name = _("avvikelserapport")
        verbose_name_plural = _("avvikelserapporter")

    def __str__(self):
        return f"{self.area} {self.get_kind_display()} {self.run_start:%Y-%m}"

    def audit_subject(self):
        return None, self.area_id


class DeviationDialogue(models.Model):
    """One dialogue held on an escalated report between the regional managers and the area's
    managers: when, who took part, what was said and agreed, and who recorded it."""

    report = models.ForeignKey(
        DeviationReport,
        on_delete=models.CASCADE,
        related_name="dialogues",
        verbose_name=_("avvikelserapport"),
    )
    held_on = models.DateField(_("dialog hållen"))
    participants = models.CharField(_("deltagare"), max_length=300)
    notes = models.TextField(_("vad som sades och beslutades"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    recorded_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["report", "held_on", "id"]
        verbose_name = _("dialog om avvikelsen")
        verbose_name_plural = _("dialoger om avvikelsen")

    def __str__(self):
        return f"{self.report} {self.held_on:%Y-%m-%d}"

    def audit_subject(self):
        return None, self.report.area_id


class DeviationAction(models.Model):
    """An agreed action: what, who owns it, by when, and when it was done."""

    report = models.ForeignKey(
        DeviationReport,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("avvikelserapport"),
    )
    description = models.TextField(_("åtgärd"))
    owner = models.CharField(_("ansvarig"), max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig användare"),
    )
    due_on = models.DateField(_("klar senast"))
    done_on = models.DateField(_("klar"), null=True, blank=True)
    follow_up = models.TextField(_("uppföljning"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["report", "due_on", "id"]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")

    def __str__(self):
        return self.description[:60]

    def audit_subject(self):
        return None, self.report.area_id

    def is_overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on < today
