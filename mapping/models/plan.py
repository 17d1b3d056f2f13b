"""The individual plan (SPEC §4): goal, activities and dates, one new version per save."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import restrict_to_areas


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "case__area")


class PlanVersion(models.Model):
    """Individual plan (handlingsplan): each save is a new version; old ones stay readable and
    are never changed, so the rows themselves are the plan's history."""

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
