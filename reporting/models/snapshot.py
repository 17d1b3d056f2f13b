"""Monthly snapshots (SPEC §5): the figures of one area (or the nation) for one month, stored
immutably. Recomputing a month makes a new version; earlier versions are kept as they were."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlySnapshotQuerySet(models.QuerySet):
    def latest_versions(self):
        """The newest version of each (area, month)."""
        return self.order_by("area_id", "month", "-version").distinct("area_id", "month")


class MonthlySnapshot(models.Model):
    # None: the national roll-up.
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snapshots",
        verbose_name=_("samverkansområde"),
    )
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    version = models.PositiveIntegerField(_("version"))
    figures = models.JSONField(_("siffror"))
    # A digest of `figures`: running the job again with unchanged data finds the same digest and
    # writes nothing (idempotent); changed data (late status entries) makes a new version.
    digest = models.CharField(_("kontrollsumma"), max_length=64)
    computed_at = models.DateTimeField(_("beräknad"), auto_now_add=True)
    task_id = models.CharField(_("körning"), max_length=64, blank=True)

    objects = MonthlySnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "area", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "month", "version"],
                name="snapshot_unique_version",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="snapshot_month_is_first_day"
            ),
        ]
        verbose_name = _("månadsögonblicksbild")
        verbose_name_plural = _("månadsögonblicksbilder")

    def __str__(self):
        where = self.area.code if self.area_id else "riket"
        return f"{where} {self.month:%Y-%m} v{self.version}"

    def audit_subject(self):
        return None, self.area_id
