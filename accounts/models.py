"""Organisation (SPEC §2) and staff with their roles (SPEC §1).

Roles are data: what a role may do is carried by its capability flags, so an administrator can
assign roles and the code never tests a role's name."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """FK or AF. Seeded by migration; the two codes are fixed, the names editable."""

    FK = "FK"
    AF = "AF"
    code = models.CharField(_("kod"), max_length=2, unique=True, choices=[(FK, "FK"), (AF, "AF")])
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("myndighet")
        verbose_name_plural = _("myndigheter")

    def __str__(self):
        return self.name


# What an area code can look like (a slug of at most 20 characters, as Area.code): a code from a
# query string or a file is matched against it before it reaches the database, so that odd input
# (a NUL character, say) is "no such area" and never a database error.
AREA_CODE = re.compile(r"\A[-a-zA-Z0-9_]{1,20}\Z")


class Area(models.Model):
    """Samverkansområde: one AF labour-market area with the FK local centres inside it."""

    code = models.SlugField(_("kod"), max_length=20, unique=True)
    name = models.CharField(_("namn"), max_length=100, unique=True)
    is_active = models.BooleanField(_("aktivt"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("samverkansområde")
        verbose_name_plural = _("samverkansområden")

    def __str__(self):
        return self.name


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The regions a reader may choose as a group of areas: every active region for the
        national roles, a regional manager's own regions, none for anyone else (accounts.scoping:
        `Scope.region_ids`)."""
        from .scoping import scope_for

        scope = scope_for(user)
        active = self.filter(is_active=True)
        if scope.national_aggregates:
            return active
        return active.filter(pk__in=scope.region_ids)


class Region(models.Model):
    """A group of areas under one regional manager: FK's verksamhetsområde (led by a
    verksamhetsområdeschef) or AF's marknadsområde (led by a marknadschef). The regions are data,
    kept in the admin or imported with the units file (docs/ORGANISATION.md); an area normally
    lies in one region of each agency (not enforced: a reorganisation may overlap for a while)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="regions", verbose_name=_("myndighet")
    )
    code = models.SlugField(_("kod"), max_length=20, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="regions", verbose_name=_("samverkansområden")
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="region_unique_name_per_agency")
        ]
        verbose_name = _("region (verksamhetsområde eller marknadsområde)")
        verbose_name_plural = _("regioner (verksamhetsområden och marknadsområden)")

    def __str__(self):
        return self.name

    def active_areas(self) -> models.QuerySet:
        """The areas the region reports: its active ones, by code (the dashboard's and the
        API's sums, the national group's packages)."""
        return self.areas.filter(is_active=True).order_by("code")


class OfficeUnit(models.Model):
    """An AF arbetsmarknadsområde (AMO) or an FK lokalt försäkringscenter (LFC) in one area."""

    class Kind(models.TextChoices):
        AMO = "AMO", _("Arbetsmarknadsområde (AF)")
        LFC = "LFC", _("Lokalt försäkringscenter (FK)")

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="office_units", verbose_name=_("område")
    )
    kind = models.CharField(_("typ"), max_length=3, choices=Kind.choices)
    code = models.SlugField(_("kod"), max_length=20, unique=True)
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        ordering = ["area__name", "kind", "name"]
        verbose_name = _("kontor")
        verbose_name_plural = _("kontor")

    def __str__(self):
        return f"{self.name} ({self.kind})"

    @property
    def agency_code(self) -> str:
        return Agency.AF if self.kind == self.Kind.AMO else Agency.FK


class Team(models.Model):
    """Samverkansteam: FK and AF officers sharing one caseload in one area."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="teams", verbose_name=_("område")
    )
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="team_unique_name_per_area")
        ]
        verbose_name = _("samverkansteam")
        verbose_name_plural = _("samverkansteam")

    def __str__(self):
        return f"{self.name} – {self.area}"


class PreparationGroup(models.Model):
    """Beredningsgrupp: where FK presents people for rehabilitation in samverkan."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="preparation_groups", verbose_name=_("område")
    )
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="prepgroup_unique_name_per_area")
        ]
        verbose_name = _("beredningsgrupp")
        verbose_name_plural = _("beredningsgrupper")

    def __str__(self):
        return f"{self.name} – {self.area}"


class Role(models.Model):
    """A role of SPEC §1. The flags decide access; see accounts.scoping."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("myndighet"),
        help_text=_("Lämnas tom om rollen finns hos båda myndigheterna."),
    )
    case_access = models.BooleanField(
        _("ser personer och ärenden"),
        default=False,
        help_text=_("Personuppgifter i de egna områdena (handläggare, samordnare)."),
    )
    area_wide = models.BooleanField(
        _("ser hela områdets ärenden utan skäl"),
        default=False,
        help_text=_("Samordnare: hela områdets ärendebestånd räknas som eget."),
    )
    area_aggregates = models.BooleanField(_("ser områdets statistik"), default=False)
    national_aggregates = models.BooleanField(_("ser nationell statistik"), default=False)
    regional_manager = models.BooleanField(
        _("regional chef"),
        default=False,
        help_text=_(
            "Verksamhetsområdeschef (FK) eller marknadschef (AF): ser statistik, arbetsplaner "
            "och avvikelserapporter för områdena i sina regioner och för dialog om eskalerade "
            "avvikelser."
        ),
    )
    national_steering = models.BooleanField(
        _("nationella samverkansgruppen"),
        default=False,
        help_text=_(
            "Godkänner eller returnerar områdenas arbetsplaner och ser alla områdens och "
            "regioners statistik, arbetsplaner och avvikelserapporter."
        ),
    )
    reviews_access_log = models.BooleanField(_("granskar loggen"), default=False)
    exports_pseudonymised = models.BooleanField(
        _("exporterar deltagaruppgifter pseudonymiserat"),
        default=False,
        help_text=_(
            "Exportjobb och analytiker: alla ärenden i de egna områdena (hela landet med "
            "nationell statistik), utan namn och med personnumret ersatt av en nyckel som är "
            "ny för varje export."
        ),
    )
    is_officer = models.BooleanField(
        _("har eget ärendebestånd"),
        default=False,
        help_text=_("Räknas mot normen för ärenden per handläggare."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("roll")
        verbose_name_plural = _("roller")

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    """A staff member: the Django user plus agency, role, areas and working-time share."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("användare"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("myndighet")
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, verbose_name=_("roll"))
    areas = models.ManyToManyField(
        Area, blank=True, related_name="staff", verbose_name=_("samverkansområden")
    )
    teams = models.ManyToManyField(
        Team, blank=True, related_name="members", verbose_name=_("samverkansteam")
    )
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="managers",
        verbose_name=_("regioner"),
        help_text=_("En regional chefs verksamhetsområden eller marknadsområden."),
    )
    office_unit = models.ForeignKey(
        OfficeUnit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("kontor")
    )
    working_time_share = models.DecimalField(
        _("tjänstgöringsgrad"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("Heltid = 1,00. Används för normen för ärenden per handläggare."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_time_share__gt=0) & models.Q(working_time_share__lte=1),
                name="staff_working_time_share_between_0_and_1",
            )
        ]
        verbose_name = _("personalprofil")
        verbose_name_plural = _("personalprofiler")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def clean(self):
        role = getattr(self, "role", None)
        if role is not None and role.agency_id and self.agency_id != role.agency_id:
            raise ValidationError(
                {
                    "agency": _("Rollen %(role)s hör till %(agency)s.")
                    % {"role": role.name, "agency": role.agency.name}
                }
            )
        if self.office_unit_id and self.agency_id:
            if self.office_unit.agency_code != self.agency.code:
                raise ValidationError(
                    {"office_unit": _("Kontoret hör till den andra myndigheten.")}
                )


class ApiToken(models.Model):
    """A machine client's key to the API (SPEC §6, ADR 0012).

    Created and revoked by an administrator (admin or `manage.py api_token`), bound to one user
    with a staff profile: the client acts with exactly that user's scope. Only the SHA-256 digest
    of the secret is stored; the secret is shown once, when the token is created. A revoked token
    is kept (not deleted) so the record of who held which key stays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("användare"),
    )
    name = models.CharField(
        _("namn"), max_length=100, help_text=_("Vilken klient nyckeln är till och varför.")
    )
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("skapad av"),
    )
    expires_at = models.DateTimeField(_("giltig till"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("återkallad av"),
    )
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    def is_usable(self, at) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)

    def clean(self):
        # The token carries its user's scope (SPEC §1): a user without a staff profile has none.
        user_id = getattr(self, "user_id", None)
        if user_id and not StaffProfile.objects.filter(user_id=user_id).exists():
            raise ValidationError({"user": _("Användaren har ingen personalprofil.")})
