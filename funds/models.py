"""The money of samverkan (SPEC §5 "Funds"; seeds 001 "Ekonomiska planeringsförutsättningar" and
004 §10): each agency's activity categories (a code list per agency, defaults Tabell 7 for FK and
Tabell 8 for AF), the funds allocated per year, agency and optionally area by category, the
consumption per month, area and category, and the cost of a full-time equivalent that turns the
norms' staffing need into kronor.

Amounts are kronor (two decimals, as a financial system exports them); the pages show thousands
(tkr), as the published tables. Amounts are not personal data: no person appears here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Kronor with öre; fourteen digits hold any appropriation this side of a trillion.
AMOUNT = {"max_digits": 14, "decimal_places": 2}


class ActivityCategory(models.Model):
    """One row of an agency's follow-up table ("Verksamhet" in Tabell 7, "Verksamhetsområden"
    in Tabell 8), editable in the admin. `kind` puts it under "varav förvaltning" or "varav
    program" (FK's rows are all administration: Tabell 7 is förvaltningsmedel)."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("Förvaltning")
        PROGRAMME = "programme", _("Program")

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="activity_categories",
        verbose_name=_("myndighet"),
    )
    code = models.SlugField(_("kod"), max_length=40)
    name = models.CharField(_("benämning"), max_length=100)
    kind = models.CharField(_("slag av medel"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("ordning i tabellen"), default=0)
    is_active = models.BooleanField(
        _("används"),
        default=True,
        help_text=_(
            "En kategori som inte används kan inte få nya belopp men visas med sina gamla."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["agency__code", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="activity_code_per_agency"),
            models.UniqueConstraint(fields=["agency", "name"], name="activity_name_per_agency"),
        ]
        verbose_name = _("verksamhetskategori")
        verbose_name_plural = _("verksamhetskategorier")

    def __str__(self):
        return self.name


class Allocation(models.Model):
    """Funds allocated for a year to one category (its agency's), for one area or, with no area,
    for the agency's samverkan as a whole. Kept in the admin, with history."""

    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samverkansområde"),
        help_text=_("Tomt: medel för myndighetens hela samverkan, inte ett enskilt område."),
    )
    category = models.ForeignKey(
        ActivityCategory,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("verksamhet"),
    )
    amount = models.DecimalField(_("tilldelat belopp (kr)"), **AMOUNT)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-year", "category__agency__code", "category__position", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area", "category"],
                name="allocation_one_per_year_area_category",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="allocation_not_negative"
            ),
        ]
        verbose_name = _("tilldelning")
        verbose_name_plural = _("tilldelningar")

    def __str__(self):
        return f"{self.year} {self.category}"


class ConsumptionQuerySet(models.QuerySet):
    def in_areas(self, area_ids):
        """The consumption of the areas (None: every area)."""
        return self if area_ids is None else self.filter(area_id__in=area_ids)


class Consumption(models.Model):
    """What one category of one agency consumed in one month in one area: entered by the area's
    coordinator or imported from the agency's financial system (funds.importer). One amount per
    month, area and category; a correction is made here, with its version and history."""

    class Source(models.TextChoices):
        FORM = "form", _("Registrerat i Samverkan")
        IMPORT = "import", _("Importerat")

    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("samverkansområde"),
    )
    category = models.ForeignKey(
        ActivityCategory,
        on_delete=models.PROTECT,
        related_name="consumption",
        verbose_name=_("verksamhet"),
    )
    # A financial system's corrections can be negative: a month's amount is what it booked.
    amount = models.DecimalField(_("förbrukat belopp (kr)"), **AMOUNT)
    source = models.CharField(_("källa"), max_length=10, choices=Source.choices)
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

    objects = ConsumptionQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "area__name", "category__agency__code", "category__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "area", "category"], name="consumption_one_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="consumption_month_first_day"
            ),
        ]
        indexes = [models.Index(fields=["month", "area"], name="consumption_month_area")]
        verbose_name = _("förbrukning")
        verbose_name_plural = _("förbrukning")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.category}"

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("Ange månadens första dag.")})

    def audit_subject(self):
        return None, self.area_id


class FteCost(models.Model):
    """The yearly cost of one full-time equivalent of an agency's officers, which turns the
    staffing the norms call for into an administrative cost (issue 21, item 3). Kept in the
    admin, with history; a year without one shows no cost."""

    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("myndighet")
    )
    cost_per_fte = models.DecimalField(_("kostnad per årsarbetskraft (kr)"), **AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "agency"], name="fte_cost_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(cost_per_fte__gte=0), name="fte_cost_not_negative"
            ),
        ]
        verbose_name = _("kostnad per årsarbetskraft")
        verbose_name_plural = _("kostnader per årsarbetskraft")

    def __str__(self):
        return f"{self.year} {self.agency}"


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)
