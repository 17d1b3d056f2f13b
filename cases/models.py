"""People and cases (SPEC §3). This is the foundation's part: the fields every later feature
and the scoping rules need. The case lifecycle, time rules and registration points build on it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import restrict_to_areas

from .validators import mask, validate_identity_number


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People of the user's areas, for roles with case access (accounts.scoping)."""
        return restrict_to_areas(self, user, "area")


class Person(models.Model):
    class Sex(models.TextChoices):
        WOMAN = "K", _("Kvinna")
        MAN = "M", _("Man")

    personnummer = models.CharField(
        _("personnummer"),
        max_length=12,
        unique=True,
        validators=[validate_identity_number],
        help_text=_("Personnummer eller samordningsnummer, lagras med 12 siffror."),
    )
    is_coordination_number = models.BooleanField(_("samordningsnummer"), default=False)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    sex = models.CharField(_("kön"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("födelsedatum"), editable=False)
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("samverkansområde"),
    )
    protected_identity = models.BooleanField(_("skyddad identitet"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(personnummer__regex=r"^[0-9]{12}$"),
                name="person_personnummer_12_digits",
            )
        ]
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_personnummer(self) -> str:
        return mask(self.personnummer)

    @property
    def formatted_personnummer(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"

    def audit_subject(self):
        return self.pk, self.area_id


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "area")

    def open(self):
        return self.exclude(phase=Case.Phase.CLOSED)


class Case(models.Model):
    """One participation period of one person in one area."""

    class Phase(models.TextChoices):
        REFERRED = "referred", _("Anmäld till beredningsgrupp")
        NEEDS_ANALYSIS = "needs_analysis", _("Behovsanalys")
        INTRODUCTION_TRIAL = "introduction_trial", _("Introduktion och prövning")
        WORK_ORIENTED = "work_oriented", _("Arbetslivsinriktade insatser")
        CLOSED = "closed", _("Avslutad")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("deltagare")
    )
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("samverkansområde"),
    )
    fk_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fk_cases",
        verbose_name=_("personlig handläggare (FK)"),
    )
    af_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="af_cases",
        verbose_name=_("arbetsförmedlare (AF)"),
    )
    phase = models.CharField(_("fas"), max_length=30, choices=Phase.choices, default=Phase.REFERRED)
    referral_date = models.DateField(_("anmäld till beredningsgrupp"), null=True, blank=True)
    start_date = models.DateField(_("registrerad i samverkan"), null=True, blank=True)
    end_date = models.DateField(_("avslutad"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # SPEC §3: one person can have several cases over time, never two open at once.
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(phase="closed"),
                name="case_one_open_case_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="case_end_not_before_start",
            ),
        ]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")

    def __str__(self):
        return _("Ärende %(id)s") % {"id": self.pk}

    def audit_subject(self):
        return self.person_id, self.area_id
