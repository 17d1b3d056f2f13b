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
