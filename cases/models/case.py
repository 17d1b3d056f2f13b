"""Cases (ärenden i samverkan, SPEC §3): one participation period of one person in one area."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.offices import office_field, offices_check
from accounts.scoping import restrict_to_areas

from .rules import registration_model_field


class TargetGroup(models.TextChoices):
    SICK_UNEMPLOYED = "sick_unemployed", _("Sjukskriven arbetslös")
    UNEMPLOYED_SICKNESS_COMP = "unemployed_sickness_comp", _("Arbetslös med sjukersättning")
    YOUNG_ACTIVITY_COMP = "young_activity_comp", _("Arbetslös ung med aktivitetsersättning")
    EMPLOYED_CANNOT_RETURN = (
        "employed_cannot_return",
        _("Anställd som inte kan återgå till sin anställning"),
    )
    EXHAUSTED_INSURANCE = (
        "exhausted_insurance",
        _("Utan rätt till ersättning från sjukförsäkringen"),
    )


# Short names for dense lists (the worklist); the full label is shown on hover and on the case.
TARGET_GROUP_SHORT = {
    TargetGroup.SICK_UNEMPLOYED: _("Sjukskriven arbetslös"),
    TargetGroup.UNEMPLOYED_SICKNESS_COMP: _("Sjukersättning"),
    TargetGroup.YOUNG_ACTIVITY_COMP: _("Aktivitetsersättning"),
    TargetGroup.EMPLOYED_CANNOT_RETURN: _("Anställd, kan inte återgå"),
    TargetGroup.EXHAUSTED_INSURANCE: _("Utan sjukförsäkring"),
}


class Benefit(models.TextChoices):
    SICKNESS_BENEFIT = "sjukpenning", _("Sjukpenning")
    REHABILITATION_BENEFIT = "rehabiliteringspenning", _("Rehabiliteringspenning")
    TEMPORARY_SICKNESS_COMP = "tidsbegransad_sjukersattning", _("Tidsbegränsad sjukersättning")
    SICKNESS_COMP = "sjukersattning", _("Sjukersättning")
    ACTIVITY_COMP = "aktivitetsersattning", _("Aktivitetsersättning")
    NONE = "ingen", _("Ingen")


class ExitReason(models.TextChoices):
    COMPLETED = "completed", _("Avslutat samarbete enligt plan")
    BENEFIT_ENDED = "benefit_ended", _("Ersättningen har upphört")
    TOO_ILL = "too_ill", _("För sjuk för att fortsätta")
    ABORTED_CONSENT_WITHDRAWN = "aborted_consent_withdrawn", _("Avbrutet: samtycket återkallat")
    ABORTED_OWN_INITIATIVE = "aborted_own_initiative", _("Avbrutet på egen begäran")
    MOVED = "moved", _("Flyttat")
    DIED = "died", _("Avliden")
    OTHER = "other", _("Annat")
    # Only by the preparation group's decision (preparation.services): the case never started.
    NOT_ADMITTED = "not_admitted", _("Inte antagen i beredningsgruppen")

    @classmethod
    def closing_choices(cls):  # an officer's reasons; not admitted is the group's decision
        return [(value, label) for value, label in cls.choices if value != cls.NOT_ADMITTED]


class Phase(models.TextChoices):
    REFERRED = "referred", _("Anmäld till beredningsgrupp")
    NEEDS_ANALYSIS = "needs_analysis", _("Behovsanalys")
    INTRODUCTION_TRIAL = "introduction_trial", _("Introduktion och prövning")
    WORK_ORIENTED = "work_oriented", _("Arbetslivsinriktade insatser")
    CLOSED = "closed", _("Avslutad")


PHASE_SHORT = {
    Phase.REFERRED: _("Anmäld"),
    Phase.NEEDS_ANALYSIS: _("Behovsanalys"),
    Phase.INTRODUCTION_TRIAL: _("Introduktion"),
    Phase.WORK_ORIENTED: _("Arbetslivsinriktad"),
    Phase.CLOSED: _("Avslutad"),
}

# Faros process model (SPEC §3): forward only; closing is allowed from every open phase.
ALLOWED_TRANSITIONS = {
    Phase.REFERRED: {Phase.NEEDS_ANALYSIS, Phase.CLOSED},
    Phase.NEEDS_ANALYSIS: {Phase.INTRODUCTION_TRIAL, Phase.CLOSED},
    Phase.INTRODUCTION_TRIAL: {Phase.WORK_ORIENTED, Phase.CLOSED},
    Phase.WORK_ORIENTED: {Phase.CLOSED},
    Phase.CLOSED: set(),
}


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "area")

    def open(self):
        return self.exclude(phase=Phase.CLOSED)


# Rule 5 (SPEC §3) for querysets: Case.closing_doc_due for one case.
CLOSING_DOC_DUE = models.Q(
    start_date__isnull=False, end_date__isnull=False, closing_doc_date__isnull=True
)


class Case(models.Model):
    Phase = Phase

    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("deltagare")
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
    # The offices the case is run from (SPEC §2, accounts.offices): the status report's rows.
    fk_office = office_field(_("FK-kontor (LFC)"))
    af_office = office_field(_("AF-kontor (AMO)"))
    target_group = models.CharField(
        _("målgrupp"), max_length=30, choices=TargetGroup.choices, blank=True
    )
    # FK's benefit facts: shown to AF staff only under consent or legal basis (cases.secrecy).
    benefit = models.CharField(
        _("ersättning vid start"), max_length=30, choices=Benefit.choices, blank=True
    )
    benefit_end_date = models.DateField(_("förmånstidens slut"), null=True, blank=True)
    sick_leave_start = models.DateField(_("sjukfallets första dag"), null=True, blank=True)
    # FK's assessment behind the kontaktmöte suggestion (SPEC §3 rule 7).
    return_unlikely_before_181 = models.BooleanField(
        _("återgång till arbetsgivaren före dag 181 bedöms osannolik"), default=False
    )
    fk_notes = models.TextField(_("FK:s anteckningar"), blank=True)
    af_notes = models.TextField(_("AF:s anteckningar"), blank=True)
    phase = models.CharField(_("fas"), max_length=30, choices=Phase.choices, default=Phase.REFERRED)
    referral_date = models.DateField(_("anmäld till beredningsgrupp"), null=True, blank=True)
    start_date = models.DateField(_("registrerad i samverkan"), null=True, blank=True)
    end_date = models.DateField(_("avslutad"), null=True, blank=True)
    exit_reason = models.CharField(
        _("avslutsorsak"), max_length=30, choices=ExitReason.choices, blank=True
    )
    closing_doc_date = models.DateField(_("slutdokumentation upprättad"), null=True, blank=True)
    # The registration model of the rule set the case follows, fixed when the case is created
    # (cases.registration.registration_model_for), so a later set never rewrites it.
    registration_model = registration_model_field(_("registreringsmodell"))
    # Registered in SUS and AIS (seed 001): the day (empty: not yet) and the system's id.
    sus_registered_on = models.DateField(_("registrerad i SUS"), null=True, blank=True)
    sus_id = models.CharField(_("id i SUS"), max_length=40, blank=True, default="", db_default="")
    ais_registered_on = models.DateField(_("registrerad i AIS"), null=True, blank=True)
    ais_id = models.CharField(_("id i AIS"), max_length=40, blank=True, default="", db_default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The reports pick cohorts by the month a case started or ended, for one area or all.
        indexes = [
            models.Index(fields=["start_date"], name="case_start_date"),
            models.Index(fields=["end_date"], name="case_end_date"),
            models.Index(fields=["area", "start_date"], name="case_area_start_date"),
            models.Index(fields=["area", "end_date"], name="case_area_end_date"),
            # Whether a report's period mixes the registration models (cases.registration).
            models.Index(fields=["registration_model", "start_date"], name="case_model_start_date"),
            models.Index(fields=["registration_model", "end_date"], name="case_model_end_date"),
            # The worklists: an area's (or an officer's) open cases and those still waiting for
            # their closing documentation, a few hundred among thousands.
            models.Index(
                fields=["area"], condition=~models.Q(phase="closed"), name="case_open_area"
            ),
            models.Index(
                fields=["area", "end_date"], condition=CLOSING_DOC_DUE, name="case_doc_due_area"
            ),
        ]
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
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(referral_date__isnull=True)
                | models.Q(start_date__gte=models.F("referral_date")),
                name="case_start_not_before_referral",
            ),
            models.CheckConstraint(
                condition=~models.Q(phase="closed")
                | (models.Q(end_date__isnull=False) & ~models.Q(exit_reason="")),
                name="case_closed_has_end_and_reason",
            ),
        ]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")

    def __str__(self):
        return _("Ärende %(id)s") % {"id": self.pk}

    # The registration model is fixed when the case is created (cases.registration).
    def save(self, *args, **kwargs):
        if self._state.adding and not kwargs.get("update_fields"):
            from cases.registration import registration_model_for

            self.registration_model = registration_model_for(self)
        super().save(*args, **kwargs)

    def audit_subject(self):
        return self.person_id, self.area_id

    def clean(self):
        offices_check(self)

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.CLOSED

    def can_move_to(self, phase: str) -> bool:
        return phase in ALLOWED_TRANSITIONS[Phase(self.phase)]

    # Rule 5 (SPEC §3): an ended participation is documented; a case that never started (not
    # admitted) has nothing to document. CLOSING_DOC_DUE is the same rule for querysets.
    def closing_doc_due(self) -> bool:
        return bool(self.start_date and self.end_date and not self.closing_doc_date)


class PhaseTransition(models.Model):
    """One dated move between phases: when, by whom, from and to (kept as history)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("ärende")
    )
    from_phase = models.CharField(_("från fas"), max_length=30, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("till fas"), max_length=30, choices=Phase.choices)
    date = models.DateField(_("datum"))
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("fasbyte")
        verbose_name_plural = _("fasbyten")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.from_phase} → {self.to_phase}"

    def audit_subject(self):
        return self.case.person_id, self.case.area_id


class Situation(models.Model):
    """The person's situation at start and at end (SPEC §3 "Registration points", as in SUS)."""

    class Moment(models.TextChoices):
        START = "start", _("Vid start")
        END = "end", _("Vid avslut")

    class Working(models.TextChoices):
        NO = "no", _("Arbetar inte")
        UNSUBSIDISED = "unsubsidised", _("Arbete utan stöd")
        SUBSIDISED = "subsidised", _("Arbete med stöd")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="situations", verbose_name=_("ärende")
    )
    moment = models.CharField(_("tidpunkt"), max_length=5, choices=Moment.choices)
    registered_with_af = models.BooleanField(
        _("inskriven på Arbetsförmedlingen direkt före/efter"), null=True, blank=True
    )
    employed = models.BooleanField(_("anställd"), null=True, blank=True)
    employer_orgnr = models.CharField(
        _("arbetsgivarens organisationsnummer"), max_length=11, blank=True
    )
    own_business = models.BooleanField(_("eget företag"), null=True, blank=True)
    working = models.CharField(
        _("arbetar"), max_length=12, choices=Working.choices, default=Working.NO
    )
    work_share_percent = models.PositiveSmallIntegerField(
        _("andel av heltid (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("100 % = 40 timmar i veckan."),
    )
    studying = models.BooleanField(_("studerar"), null=True, blank=True)
    public_support_months = models.PositiveSmallIntegerField(
        _("månader med offentlig försörjning före start"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "moment"]
        constraints = [
            models.UniqueConstraint(fields=["case", "moment"], name="situation_one_per_moment"),
            models.CheckConstraint(
                condition=models.Q(work_share_percent__isnull=True)
                | models.Q(work_share_percent__lte=100),
                name="situation_share_at_most_100",
            ),
        ]
        verbose_name = _("situation")
        verbose_name_plural = _("situationer")

    def __str__(self):
        return f"{self.case} {self.get_moment_display()}"

    def audit_subject(self):
        return self.case.person_id, self.case.area_id


class CaseAreaMove(models.Model):
    """A case moved with its person to another area; the old area loses access that day."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="area_moves", verbose_name=_("ärende")
    )
    from_area = models.ForeignKey(
        "accounts.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("från område")
    )
    to_area = models.ForeignKey(
        "accounts.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("till område")
    )
    date = models.DateField(_("datum"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("flytt till annat område")
        verbose_name_plural = _("flyttar till annat område")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.from_area} → {self.to_area}"
