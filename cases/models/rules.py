"""Rule parameters (SPEC §3 "Rule parameters are data"): each action plan set its own figures, so
every limit is a dated, admin-editable parameter set. The set in force on a date is the one with
the latest `valid_from` on or before it; a case follows the set in force on its referral (or, if it
was opened directly in the needs analysis, its start).
"""

import datetime as dt

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RegistrationModel(models.TextChoices):
    """When a participant is registered in samverkan (seeds 000 and 001): the 2008 plan
    registered after the needs analysis, when introduction and trial begins; from 2010 the
    registration is made when the needs analysis starts. A rule set names its model; a case
    records the model of the set it follows (cases.registration)."""

    INTRODUCTION_TRIAL = "introduction_trial", _("Vid introduktion och prövning (2008)")
    NEEDS_ANALYSIS = "needs_analysis", _("När behovsanalysen startar (från 2010)")


def registration_model_field(label) -> models.CharField:
    """The registration model, as a rule set names it and a case records it."""
    return models.CharField(
        label,
        max_length=30,
        choices=RegistrationModel.choices,
        default=RegistrationModel.NEEDS_ANALYSIS,
        db_default=RegistrationModel.NEEDS_ANALYSIS,
    )


class RuleSet(models.Model):
    name = models.CharField(_("namn"), max_length=100)
    valid_from = models.DateField(_("gäller från"), unique=True)
    prep_to_start_days = models.PositiveSmallIntegerField(
        _("dagar från beredningsgrupp till start"), default=14
    )
    max_days = models.PositiveSmallIntegerField(_("längsta tid i samverkan (dagar)"), default=365)
    warn_day = models.PositiveSmallIntegerField(_("varning från dag"), default=300)
    benefit_left_months = models.PositiveSmallIntegerField(
        _("minsta ersättningstid kvar vid inskrivning (månader)"), default=6
    )
    benefit_priority_months = models.PositiveSmallIntegerField(
        _("prioritet: ersättningen slutar inom (månader)"), default=12
    )
    young_max_age = models.PositiveSmallIntegerField(
        _("prioritet: ung till och med ålder"), default=29
    )
    closing_doc_days = models.PositiveSmallIntegerField(
        _("dagar till slutdokumentation"), default=21
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("längsta tid utan uppföljningsmöte (dagar)"), default=28
    )
    contact_meeting_day = models.PositiveSmallIntegerField(
        _("kontaktmöte om återgång osannolik före dag"), default=181
    )
    mapping_before_benefit_end_months = models.PositiveSmallIntegerField(
        _("gemensam kartläggning senast (månader före ersättningens slut)"), default=6
    )
    norm_af = models.PositiveSmallIntegerField(_("norm ärenden per arbetsförmedlare"), default=40)
    norm_fk = models.PositiveSmallIntegerField(
        _("norm ärenden per personlig handläggare"), default=70
    )
    goal_share_percent = models.PositiveSmallIntegerField(
        _("mål: andel i arbete eller utbildning dag 365 (%)"), default=40
    )
    goal_average_days = models.PositiveSmallIntegerField(
        _("mål: genomsnittlig tid i samverkan (dagar)"), default=230
    )
    deviation_months = models.PositiveSmallIntegerField(
        _("avvikelse: antal månader i rad"), default=3
    )
    deviation_tolerance_percent = models.PositiveSmallIntegerField(
        _("avvikelse: tolerans under plan (%)"), default=10
    )
    # Support during the whole enrolment (the action plan: participants "i aktiva insatser"):
    # an enrolled case with no active or planned intervention for longer than this is flagged.
    max_days_without_intervention = models.PositiveSmallIntegerField(
        _("längsta tid utan pågående eller planerad insats (dagar)"), default=30
    )
    # Timeliness goals (reporting.metrics.timeliness): the share of each deadline kept that an
    # area aims at, drawn as the goal line on the dashboard.
    goal_start_on_time_percent = models.PositiveSmallIntegerField(
        _("mål: behovsanalys startad i tid (%)"), default=90, validators=[MaxValueValidator(100)]
    )
    goal_follow_up_on_time_percent = models.PositiveSmallIntegerField(
        _("mål: uppföljning i tid (%)"), default=90, validators=[MaxValueValidator(100)]
    )
    goal_closing_doc_on_time_percent = models.PositiveSmallIntegerField(
        _("mål: slutdokumentation i tid (%)"), default=90, validators=[MaxValueValidator(100)]
    )
    goal_plan_before_intro_percent = models.PositiveSmallIntegerField(
        _("mål: plan före introduktion (%)"), default=100, validators=[MaxValueValidator(100)]
    )
    goal_active_days_percent = models.PositiveSmallIntegerField(
        _("mål: andel inskrivna dagar med pågående insats (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
    )
    # When a participant is registered in samverkan (seeds 000, 001); a case records it.
    registration_model = registration_model_field(_("registrering i samverkan"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warn_day__lt=models.F("max_days")),
                name="ruleset_warn_before_max",
            ),
            models.CheckConstraint(
                condition=models.Q(goal_start_on_time_percent__lte=100)
                & models.Q(goal_follow_up_on_time_percent__lte=100)
                & models.Q(goal_closing_doc_on_time_percent__lte=100)
                & models.Q(goal_plan_before_intro_percent__lte=100)
                & models.Q(goal_active_days_percent__lte=100),
                name="ruleset_timeliness_goals_are_shares",
            ),
        ]
        verbose_name = _("regelverk")
        verbose_name_plural = _("regelverk")

    def __str__(self):
        return f"{self.name} (från {self.valid_from:%Y-%m-%d})"

    @classmethod
    def for_date(cls, day: dt.date | None) -> "RuleSet":
        """The set in force on `day`; before the first set, the first set; with none stored,
        the 2010 plan's defaults (unsaved)."""
        return cls.in_force(cls.all_sets(), day)

    @classmethod
    def all_sets(cls) -> list["RuleSet"]:
        """Every stored set, oldest first (a handful): a list of many cases reads them once and
        picks with `in_force`."""
        return list(cls.objects.order_by("valid_from"))

    @classmethod
    def in_force(cls, sets: list["RuleSet"], day: dt.date | None) -> "RuleSet":
        """`for_date` over `sets` (from `all_sets`)."""
        day = day or timezone.localdate()
        found = [rule_set for rule_set in sets if rule_set.valid_from <= day]
        if found:
            return found[-1]
        return sets[0] if sets else cls(name="Handlingsplan 2010", valid_from=dt.date(2010, 1, 1))
