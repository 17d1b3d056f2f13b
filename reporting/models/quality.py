"""Quality review (SPEC §5, as in the Danish follow-up): a coordinator draws N random active cases
of a quarter, records the findings and sees which were reviewed. The draw is reproducible: the
cases are ordered by md5(seed || case id) and the first N taken, and the seed is stored.

Each drawn case has a reviewer: the coordinator or a named expert of the area, chosen when
drawing or per case. The reviewer answers the checklist, writes the findings and, if they
like, feedback to the officers whose case it is; each officer's copy (`QualityFeedback`) waits
on their to-do list until they mark it read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas


class QualityReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "area")


class QualityReview(models.Model):
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="quality_reviews",
        verbose_name=_("samverkansområde"),
    )
    quarter = models.DateField(_("kvartal"), help_text=_("Kvartalets första dag."))
    size = models.PositiveSmallIntegerField(_("antal ärenden"))
    seed = models.CharField(_("slumpfrö"), max_length=64)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dragen av"),
    )
    drawn_at = models.DateTimeField(_("dragen"), auto_now_add=True)

    objects = QualityReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "-drawn_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__day=1) & models.Q(quarter__month__in=[1, 4, 7, 10]),
                name="quality_review_quarter_start",
            ),
            models.CheckConstraint(condition=models.Q(size__gte=1), name="quality_review_size"),
        ]
        verbose_name = _("kvalitetsgranskning")
        verbose_name_plural = _("kvalitetsgranskningar")

    def __str__(self):
        return f"{self.area} {self.quarter:%Y}-K{(self.quarter.month - 1) // 3 + 1}"

    def audit_subject(self):
        return None, self.area_id


class QualityReviewItem(models.Model):
    review = models.ForeignKey(
        QualityReview, on_delete=models.CASCADE, related_name="items", verbose_name=_("granskning")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("ärende")
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granskare"),
    )
    reviewed_on = models.DateField(_("granskad"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    findings = models.TextField(_("iakttagelser"), blank=True)
    # The answers of the checklist (reporting.quality.CHECKLIST): {question: "yes"|"no"|"na"}.
    checklist = models.JSONField(_("checklista"), default=dict, blank=True)
    feedback = models.TextField(_("återkoppling till handläggaren"), blank=True)
    feedback_sent_at = models.DateTimeField(_("återkoppling skickad"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "case"], name="quality_item_once"),
            models.UniqueConstraint(fields=["review", "position"], name="quality_item_position"),
        ]
        verbose_name = _("granskat ärende")
        verbose_name_plural = _("granskade ärenden")

    def __str__(self):
        # Named by the case it reviews (its position in the draw is no name).
        return f"{self.case} ({self.review})"

    def audit_subject(self):
        return self.case.person_id, self.review.area_id


class QualityFeedback(models.Model):
    """One officer's copy of a reviewed case's feedback: on their to-do list until read."""

    item = models.ForeignKey(
        QualityReviewItem,
        on_delete=models.CASCADE,
        related_name="feedback_copies",
        verbose_name=_("granskat ärende"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mottagare"),
    )
    sent_at = models.DateTimeField(_("skickad"))
    read_at = models.DateTimeField(_("läst"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "recipient"], name="quality_feedback_once"),
        ]
        verbose_name = _("återkoppling från kvalitetsgranskning")
        verbose_name_plural = _("återkopplingar från kvalitetsgranskning")

    def __str__(self):
        return _("Återkoppling om %(item)s") % {"item": self.item}

    def audit_subject(self):
        return self.item.case.person_id, self.item.review.area_id
