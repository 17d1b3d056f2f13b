"""Interventions (insatser) on a case (SPEC §4): work-preparatory and work-oriented support.

An intervention is planned (no start yet: the participant waits for it), active (started, not
ended) or ended. Moving from a work-preparatory to a work-oriented intervention is a registration
point (SPEC §3): the new intervention points back at the one it followed (`moved_from`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas


class Category(models.TextChoices):
    WORK_PREPARATORY = "work_preparatory", _("Arbetsförberedande insats")
    WORK_ORIENTED = "work_oriented", _("Arbetslivsinriktad insats")


class Kind(models.TextChoices):
    # work-preparatory (arbetsförberedande)
    COMPUTER_TRAINING = "computer_training", _("Datorträning")
    WELLNESS = "wellness", _("Friskvård och hälsa")
    ERGONOMICS = "ergonomics", _("Ergonomi")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Psykologiskt stöd och bearbetning")
    OTHER_PREPARATORY = "other_preparatory", _("Annan arbetsförberedande insats")
    # work-oriented (arbetslivsinriktade)
    GUIDANCE = "guidance", _("Vägledning")
    WORK_TRIAL = "work_trial", _("Arbetsprövning")
    JOB_SEARCH = "job_search", _("Jobbsökaraktiviteter")
    MATCHING = "matching", _("Matchning")
    WORK_LIFE_INTRODUCTION = "work_life_introduction", _("Arbetslivsintroduktion")
    LABOUR_MARKET_TRAINING = "labour_market_training", _("Arbetsmarknadsutbildning")
    OTHER_ORIENTED = "other_oriented", _("Annan arbetslivsinriktad insats")


PREPARATORY_KINDS = (
    Kind.COMPUTER_TRAINING,
    Kind.WELLNESS,
    Kind.ERGONOMICS,
    Kind.PSYCHOLOGICAL_SUPPORT,
    Kind.OTHER_PREPARATORY,
)
ORIENTED_KINDS = tuple(k for k in Kind if k not in PREPARATORY_KINDS)


def category_of(kind: str) -> str:
    return (
        Category.WORK_PREPARATORY
        if kind in {k.value for k in PREPARATORY_KINDS}
        else Category.WORK_ORIENTED
    )


def kind_choices_grouped():
    """The kinds grouped by category, as a select's optgroups."""
    return [
        (Category.WORK_PREPARATORY.label, [(k.value, k.label) for k in PREPARATORY_KINDS]),
        (Category.WORK_ORIENTED.label, [(k.value, k.label) for k in ORIENTED_KINDS]),
    ]


class Provider(models.TextChoices):
    AF = "AF", _("Arbetsförmedlingen")
    FK = "FK", _("Försäkringskassan")
    HEALTHCARE = "healthcare", _("Hälso- och sjukvården")
    EMPLOYER = "employer", _("Arbetsgivaren")
    PURCHASED = "purchased", _("Köpt från annan aktör")


class Outcome(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("Målet nått")
    PARTLY_REACHED = "partly_reached", _("Målet delvis nått")
    NOT_REACHED = "not_reached", _("Målet inte nått")
    ABORTED = "aborted", _("Avbruten")


class State(models.TextChoices):
    PLANNED = "planned", _("Planerad")
    ACTIVE = "active", _("Pågår")
    ENDED = "ended", _("Avslutad")


class InterventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "case__area")

    def active_on(self, day: dt.date):
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day)
        )

    def planned_on(self, day: dt.date):
        """Registered on or before `day` and not started by then: the participant is waiting."""
        return self.filter(created_at__date__lte=day).filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__gt=day)
        )


class Intervention(models.Model):
    Category = Category
    Kind = Kind
    Provider = Provider
    Outcome = Outcome

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="interventions",
        verbose_name=_("ärende"),
    )
    category = models.CharField(_("slag"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("insats"), max_length=30, choices=Kind.choices)
    provider = models.CharField(_("anordnare"), max_length=20, choices=Provider.choices)
    provider_name = models.CharField(_("anordnarens namn"), max_length=200, blank=True)
    hours_per_week = models.DecimalField(
        _("planerade timmar per vecka"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(40)],
        help_text=_("Under 10 timmar i veckan går bra. Heltid är 40 timmar."),
    )
    planned_start = models.DateField(_("planerad start"), null=True, blank=True)
    start_date = models.DateField(_("startade"), null=True, blank=True)
    end_date = models.DateField(_("avslutades"), null=True, blank=True)
    goal = models.TextField(_("mål med insatsen"))
    follow_up_notes = models.TextField(_("uppföljning"), blank=True)
    outcome = models.CharField(_("resultat"), max_length=20, choices=Outcome.choices, blank=True)
    # What an intervention bought from another actor cost AF (kronor): the funds follow-up
    # sums it into AF's programme funds (funds.selectors; issue 21). Only a purchased one.
    cost = models.DecimalField(
        _("kostnad (kr)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Bara för en insats köpt från annan aktör: vad den kostade."),
    )
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("bytt från insats"),
    )

    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["case", "start_date", "planned_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    category=Category.WORK_PREPARATORY,
                    kind__in=[k.value for k in PREPARATORY_KINDS],
                )
                | models.Q(
                    category=Category.WORK_ORIENTED, kind__in=[k.value for k in ORIENTED_KINDS]
                ),
                name="intervention_kind_in_category",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gt=0) & models.Q(hours_per_week__lte=40),
                name="intervention_hours_within_full_time",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | (
                    models.Q(start_date__isnull=False)
                    & models.Q(end_date__gte=models.F("start_date"))
                ),
                name="intervention_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(end_date__isnull=False),
                name="intervention_outcome_when_ended",
            ),
            models.CheckConstraint(
                condition=models.Q(cost__isnull=True)
                | (models.Q(cost__gte=0) & models.Q(provider=Provider.PURCHASED)),
                name="intervention_cost_when_purchased",
            ),
        ]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_category_display().lower()})"

    def audit_subject(self):
        return self.case.person_id, self.case.area_id

    def state_on(self, day: dt.date) -> str:
        if self.start_date is None or self.start_date > day:
            return State.PLANNED
        if self.end_date is not None and self.end_date < day:
            return State.ENDED
        return State.ACTIVE

    def state_shown(self, today: dt.date) -> State:
        """Planned, running or ended as pages and API say it today. An intervention ended today
        is ended on its page (`state_on` counts its last day as a day it ran, as the reports
        do)."""
        if self.end_date is not None:
            return State.ENDED
        return State(self.state_on(today))

    @property
    def is_preparatory(self) -> bool:
        return self.category == Category.WORK_PREPARATORY
