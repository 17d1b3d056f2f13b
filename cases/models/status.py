"""AF's status timeline (sökandestatus, SPEC §3/§5): dated entries per person, the source of the
day-365 outcome. The status on a date is the latest entry on or before it."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas


class OutcomeCategory(models.TextChoices):
    """The fine outcome categories of SPEC §5; the first four are "work or education"."""

    WORK_UNSUBSIDISED = "work_unsubsidised", _("Arbete utan stöd")
    WORK_SUBSIDISED = "work_subsidised", _("Arbete med stöd")
    EDUCATION = "education", _("Utbildning")
    SELF_EMPLOYED = "self_employed", _("Starta eget")
    LABOUR_MARKET_PROGRAMME = "labour_market_programme", _("Arbetsmarknadspolitiskt program")
    OPENLY_UNEMPLOYED = "openly_unemployed", _("Öppet arbetslös")
    OTHER = "other", _("Övriga")


WORK_OR_EDUCATION = {
    OutcomeCategory.WORK_UNSUBSIDISED,
    OutcomeCategory.WORK_SUBSIDISED,
    OutcomeCategory.EDUCATION,
    OutcomeCategory.SELF_EMPLOYED,
}


class StatusCode(models.Model):
    """AF's code list, editable in the admin; each code counts as one outcome category."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("benämning"), max_length=100)
    outcome_category = models.CharField(
        _("utfallskategori"), max_length=30, choices=OutcomeCategory.choices
    )
    is_active = models.BooleanField(_("används"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("statuskod")
        verbose_name_plural = _("statuskoder")

    def __str__(self):
        # The name only: the code is the code list's key (the admin and the imports show it).
        return self.name


class StatusEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "person__area")


class StatusEntry(models.Model):
    person = models.ForeignKey(
        "cases.Person",
        on_delete=models.CASCADE,
        related_name="status_entries",
        verbose_name=_("deltagare"),
    )
    date = models.DateField(_("datum"))
    code = models.ForeignKey(StatusCode, on_delete=models.PROTECT, verbose_name=_("status"))
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = StatusEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            # One status per person and day: a correction replaces the day's entry, and a
            # re-imported file finds the entry it already wrote.
            models.UniqueConstraint(fields=["person", "date"], name="status_one_per_person_day")
        ]
        verbose_name = _("statuspost")
        verbose_name_plural = _("statusposter")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.code.name}"

    def audit_subject(self):
        return self.person_id, self.person.area_id

    @classmethod
    def status_on(cls, person, day: dt.date):
        """The latest entry on or before `day`, or None. Later entries never count."""
        return cls.objects.filter(person=person, date__lte=day).select_related("code").first()
