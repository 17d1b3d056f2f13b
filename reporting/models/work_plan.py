"""The area's work plan for a year (arbetsplan, SPEC §5)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas


def twelve_zeros():
    return [0] * 12


class PlanningYear(models.Model):
    """What the national level sets for a year of work plans (issue 20): the day the areas'
    plans are due, and the national inflow target (total and, where the action plan gives them,
    per target group: 2008 "Sjukskrivna arbetslösa 6 000 … Arbetslösa unga m aktivitetsersättning
    1 000 … Totalt 15 000"; 2010 "minst 15 000 nya deltagare"). Seeded from the action plans by
    migration, kept in the admin."""

    year = models.PositiveSmallIntegerField(
        _("år"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    submission_deadline = models.DateField(_("arbetsplanerna ska vara inskickade senast"))
    national_inflow_target = models.PositiveIntegerField(_("nationellt mål för inflödet"))
    inflow_target_by_group = models.JSONField(
        _("mål för inflödet per målgrupp"),
        default=dict,
        blank=True,
        help_text=_("Målgruppens kod och antal, för de målgrupper handlingsplanen anger."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("planeringsår")
        verbose_name_plural = _("planeringsår")

    def __str__(self):
        return str(self.year)

    def clean(self):
        from django.core.exceptions import ValidationError

        from cases.models import TargetGroup

        targets = self.inflow_target_by_group
        if not isinstance(targets, dict) or any(
            key not in TargetGroup.values
            or not isinstance(value, int)
            or isinstance(value, bool)
            or value < 0
            for key, value in targets.items()
        ):
            raise ValidationError(
                {
                    "inflow_target_by_group": _(
                        "Ange målgruppernas koder (%(codes)s) med ett helt antal var."
                    )
                    % {"codes": ", ".join(TargetGroup.values)}
                }
            )


class WorkPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Work plans hold no personal data; they follow the aggregate scope (SPEC §5)."""
        from accounts.scoping import aggregate_area_ids

        area_ids = aggregate_area_ids(user)
        if area_ids is None:
            return self
        return self.filter(area_id__in=area_ids)

    def editable_by(self, user):
        """Coordinators (area-wide case access) of the plan's area."""
        from accounts.scoping import scope_for

        if not scope_for(user).area_wide:
            return self.none()
        return restrict_to_areas(self, user, "area")


class WorkPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")
        APPROVED = "approved", _("Godkänd")
        RETURNED = "returned", _("Returnerad med kommentarer")

    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="work_plans",
        verbose_name=_("samverkansområde"),
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # Planned new participants per month, January first.
    planned_inflow = ArrayField(
        models.PositiveIntegerField(),
        size=12,
        default=twelve_zeros,
        verbose_name=_("planerat inflöde per månad"),
    )
    goal_share_percent = models.PositiveSmallIntegerField(
        _("mål: andel i arbete eller utbildning dag 365 (%)"),
        default=40,
        validators=[MaxValueValidator(100)],
    )
    goal_average_days = models.PositiveSmallIntegerField(
        _("mål: genomsnittlig tid i samverkan (dagar)"), default=230
    )
    planned_af_fte = models.DecimalField(
        _("planerad bemanning AF (årsarbetskrafter)"), max_digits=5, decimal_places=1, default=0
    )
    planned_fk_fte = models.DecimalField(
        _("planerad bemanning FK (årsarbetskrafter)"), max_digits=5, decimal_places=1, default=0
    )
    deviation_tolerance_percent = models.PositiveSmallIntegerField(
        _("avvikelse: tolerans under plan (%)"),
        default=10,
        validators=[MaxValueValidator(100)],
    )
    # What the plan states besides its figures (handlingsplan 2010: "Respektive samverkansområde
    # har i uppdrag att beskriva arbetsformer för att säkerställa att prioritering görs och
    # uppföljning sker"), and its planned inflow for the year per target group.
    prioritisation_follow_up = models.TextField(
        _("så säkerställer området prioritering och uppföljning"), blank=True
    )
    planned_inflow_by_group = models.JSONField(
        _("planerat inflöde per målgrupp"), default=dict, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inskickad av"),
    )
    decided_at = models.DateTimeField(_("beslut"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    decision_comment = models.TextField(_("nationella samverkansgruppens kommentar"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        ordering = ["area", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="work_plan_one_per_area_year"),
            models.CheckConstraint(
                condition=models.Q(goal_share_percent__lte=100)
                & models.Q(deviation_tolerance_percent__lte=100),
                name="work_plan_percentages",
            ),
        ]
        verbose_name = _("arbetsplan")
        verbose_name_plural = _("arbetsplaner")

    def __str__(self):
        return f"{self.area} {self.year}"

    def audit_subject(self):
        return None, self.area_id

    def planned_for_month(self, month: int) -> int:
        return self.planned_inflow[month - 1]

    @property
    def is_open_for_edit(self) -> bool:
        """A draft or a returned plan is kept by the area; a submitted or approved one waits for,
        or has, the national group's decision."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def is_late(self, deadline, today) -> bool:
        """Submitted after the year's deadline, or not submitted and the deadline has passed."""
        if deadline is None:
            return False
        if self.submitted_at is not None:
            from django.utils import timezone

            return timezone.localdate(self.submitted_at) > deadline
        return today > deadline
