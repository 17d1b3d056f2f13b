"""Retention (gallring): the dated rule that says when a person's data goes, and the record of
each run (what went, never whom)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# See docs/adr/0016-retention.md for why three years.
DEFAULT_YEARS = 3


class RetentionRuleQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """The rule in force on `day`: the newest one valid from that day or earlier."""
        return self.filter(valid_from__lte=day).order_by("-valid_from").first()


class RetentionRule(models.Model):
    """A dated parameter set (as cases.RuleSet): a new rule applies from its date on, earlier
    runs keep pointing at the rule they followed."""

    valid_from = models.DateField(_("gäller från"), unique=True)
    years_after_close = models.PositiveSmallIntegerField(
        _("år efter sista avslutade ärendet"),
        default=DEFAULT_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Deltagarens uppgifter gallras när det senaste ärendet avslutades för mer än så "
            "många år sedan och inget har hänt sedan dess."
        ),
    )
    years_without_activity = models.PositiveSmallIntegerField(
        _("år utan aktivitet (deltagare utan ärende)"),
        default=DEFAULT_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "En deltagare som aldrig haft ett ärende gallras efter så många år utan "
            "registrerad händelse (samtycke, status, kartläggning, möte)."
        ),
    )
    note = models.CharField(_("beslut eller kommentar"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = RetentionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")

    def __str__(self):
        return _("Gallringsregel från %(day)s") % {"day": f"{self.valid_from:%Y-%m-%d}"}


class RetentionRun(models.Model):
    """One applied run: when, under which rule and periods, how many persons and how many rows
    per table. No person ids and no identities: the record says what went, not who."""

    class Trigger(models.TextChoices):
        COMMAND = "command", _("Kommando")
        SCHEDULE = "schedule", _("Schemalagd körning")

    started_at = models.DateTimeField(_("startade"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    day = models.DateField(_("gallringsdag"))
    rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("regel"),
    )
    years_after_close = models.PositiveSmallIntegerField(_("år efter avslut"))
    years_without_activity = models.PositiveSmallIntegerField(_("år utan aktivitet"))
    trigger = models.CharField(_("startad av"), max_length=10, choices=Trigger.choices)
    persons_after_close = models.PositiveIntegerField(_("deltagare, avslutade ärenden"), default=0)
    persons_without_case = models.PositiveIntegerField(_("deltagare utan ärende"), default=0)
    # {table name: rows changed or removed}, summed over the run's batches.
    counts = models.JSONField(_("rader per tabell"), default=dict, blank=True)
    export_files_removed = models.PositiveIntegerField(_("exportfiler borttagna"), default=0)
    failed = models.BooleanField(_("avbröts av ett fel"), default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringskörningar")

    def __str__(self):
        return _("Gallring %(day)s") % {"day": f"{self.day:%Y-%m-%d}"}

    @property
    def persons(self) -> int:
        return self.persons_after_close + self.persons_without_case
