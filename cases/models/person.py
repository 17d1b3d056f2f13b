"""People (SPEC §3) and their consent."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas
from cases.validators import mask, validate_identity_number

# A person purged by retention keeps the row (the figures need sex, birth date and case dates)
# but not the identity: the personnummer becomes this prefix and the zero-padded id. Twelve
# digits, unique, and never a real number (no one is born in year 0000).
PURGED_PREFIX = "0000"


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People of the user's areas, for roles with case access (accounts.scoping)."""
        return restrict_to_areas(self, user, "area")

    def purged(self):
        return self.filter(personnummer__startswith=PURGED_PREFIX)

    def not_purged(self):
        return self.exclude(personnummer__startswith=PURGED_PREFIX)


class EducationLevel(models.TextChoices):
    PRE_UPPER_SECONDARY = "forgymnasial", _("Förgymnasial")
    UPPER_SECONDARY = "gymnasial", _("Gymnasial")
    POST_SECONDARY = "eftergymnasial", _("Eftergymnasial")
    UNKNOWN = "okand", _("Okänd")


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
    born_abroad = models.BooleanField(_("utrikes född"), null=True, blank=True)
    education_level = models.CharField(
        _("utbildningsnivå"),
        max_length=20,
        choices=EducationLevel.choices,
        default=EducationLevel.UNKNOWN,
    )
    disability = models.BooleanField(
        _("funktionsnedsättning som medför nedsatt arbetsförmåga"), null=True, blank=True
    )
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    street_address = models.CharField(_("gatuadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    protected_identity = models.BooleanField(_("skyddad identitet"), default=False)
    # Who registered the person: they may open the person until a case is opened (SPEC §7,
    # cases.selectors caseload). Kept on the row, not read from the history, which retention
    # purges.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

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

    def age_on(self, day: dt.date) -> int:
        from samverkan.dates import age_on

        return age_on(self.birth_date, day)

    def consents_on(self, day: dt.date):
        """The person's consents in force on `day` (ConsentQuerySet.in_force_on)."""
        return self.consents.in_force_on(day)

    def is_anonymous_on(self, day: dt.date) -> bool:
        """Anonymous participant (SPEC §3): protected identity, or no consent to follow-up
        registration. Outside the officers' own pages only year of birth, sex and area show."""
        if self.protected_identity:
            return True
        return not self.consents_on(day).filter(covers_follow_up=True).exists()


class ConsentQuerySet(models.QuerySet):
    """The rule "a consent in force on a day" (SPEC §3, §7), once: secrecy between the agencies
    (cases.secrecy), anonymous participants and the outcome's population (reporting.metrics),
    the exports and Person's own questions all read it from here, in Python and in SQL."""

    def in_force_on(self, day):
        """Consents in force on `day`: given on or before it, not withdrawn on or before it (a
        consent withdrawn on a day no longer covers that day). `day` is a date or an expression
        (e.g. `OuterRef("day_365")`), so the same rule runs per row inside a query."""
        return self.filter(
            models.Q(given_on__lte=day)
            & (models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=day))
        )

    def covering_sharing(self):
        """Consents, or recorded legal bases, that let FK and AF share details (SPEC §7): only
        once both agencies have them on record. Each agency decides what leaves its own files,
        so a consent recorded by one agency's staff waits for the other's confirmation
        (`awaits_fk`, `awaits_af`; cases.services.consent_record) before it opens anything."""
        return self.filter(covers_sharing=True, awaits_fk=False, awaits_af=False)

    def awaiting_confirmation_by(self, agency_code: str):
        """Consents covering sharing that wait for `agency_code`'s staff to confirm them."""
        field = {"FK": "awaits_fk", "AF": "awaits_af"}.get(agency_code)
        if field is None:
            return self.none()
        return self.filter(covers_sharing=True, withdrawn_on__isnull=True, **{field: True})

    def covering_follow_up(self):
        """Consents to registration for follow-up (SPEC §3: without one, anonymous)."""
        return self.filter(covers_follow_up=True)

    def exists_for(self, person: str = "person_id") -> models.Exists:
        """`EXISTS` of these consents for the outer row's person (`person`: the outer row's
        person id field, e.g. "person_id", "case__person_id" or "pk"), for annotations and
        filters that ask every row at once."""
        return models.Exists(self.filter(person_id=models.OuterRef(person)))


class Consent(models.Model):
    """A recorded consent (samtycke) or legal basis, with what it covers and when."""

    class Source(models.TextChoices):
        RECORDED = "recorded", _("Registrerat i Samverkan")
        # A person imported by personnummer is registered in follow-up (SPEC §3, §6): the
        # persons import records that as a consent covering follow-up (see imports/).
        IMPORT = "import", _("Import")

    class Basis(models.TextChoices):
        """How the consent was given, or that a law allows the sharing instead."""

        WRITTEN = "written", _("Skriftligt samtycke")
        ORAL = "oral", _("Muntligt samtycke")
        LEGAL = "legal", _("Rättsligt stöd")
        # Consents recorded before the basis was asked for, and those the persons import
        # registers (the import file has no such column): nobody stated it, so none is invented.
        NOT_STATED = "not_stated", _("Ej angivet")

    # A consent dated further back than this needs a stated reason (cases.services).
    BACKDATING_DAYS = 30

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("deltagare")
    )
    given_on = models.DateField(_("gäller från"))
    basis = models.CharField(
        _("grund"),
        max_length=12,
        choices=Basis.choices,
        default=Basis.NOT_STATED,
        help_text=_("Hur samtycket lämnades, eller att uppgifterna lämnas med stöd av lag."),
    )
    backdating_reason = models.TextField(
        _("skäl till bakåtdatering"),
        max_length=500,
        blank=True,
        help_text=_(
            "Krävs när samtycket gäller från en dag mer än 30 dagar före registreringen, "
            "t.ex. att en skriftlig blankett kom in sent."
        ),
    )
    # Sharing waits for the agency that has not yet had the consent on record (covering_sharing).
    awaits_fk = models.BooleanField(
        _("väntar på bekräftelse från Försäkringskassan"), default=False, editable=False
    )
    awaits_af = models.BooleanField(
        _("väntar på bekräftelse från Arbetsförmedlingen"), default=False, editable=False
    )
    withdrawn_on = models.DateField(_("återkallat"), null=True, blank=True)
    covers_sharing = models.BooleanField(_("uppgifter får lämnas mellan FK och AF"), default=False)
    covers_follow_up = models.BooleanField(_("registrering för uppföljning"), default=False)
    legal_basis = models.CharField(
        _("rättslig grund"),
        max_length=300,
        blank=True,
        help_text=_("Fyll i om uppgifterna lämnas med stöd av lag i stället för samtycke."),
    )
    # Set by the service from who acts, never from input; empty on rows from before it was
    # kept and on those a scheduled job wrote.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("registrerat av"),
    )
    source = models.CharField(
        _("källa"), max_length=10, choices=Source.choices, default=Source.RECORDED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        # The to-do list's consents waiting for the other agency's confirmation.
        indexes = [
            models.Index(
                fields=["person"],
                condition=models.Q(covers_sharing=True, withdrawn_on__isnull=True)
                & (models.Q(awaits_fk=True) | models.Q(awaits_af=True)),
                name="consent_awaiting_confirm",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=models.Q(covers_sharing=True) | models.Q(covers_follow_up=True),
                name="consent_covers_something",
            ),
        ]
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")

    def __str__(self):
        return f"{self.person} {self.given_on:%Y-%m-%d}"

    def audit_subject(self):
        return self.person_id, self.person.area_id

    @property
    def awaiting_agencies(self) -> list[str]:
        """The agencies (codes) whose confirmation this consent's sharing still waits for."""
        return [code for code, waits in (("FK", self.awaits_fk), ("AF", self.awaits_af)) if waits]

    def is_backdated(self) -> bool:
        """Dated more than BACKDATING_DAYS before the day it was recorded."""
        if self.created_at is None:
            return False
        recorded = timezone.localdate(self.created_at)
        return (recorded - self.given_on).days > self.BACKDATING_DAYS
