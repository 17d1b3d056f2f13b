"""The preparation group at work (beredningsgrupp, SPEC §3): a session of the area's group, the
people presented to it, the assessment against the needs criteria and the decision for each,
kept as the session's protocol.

A referral is always a person of the area: FK presents a case in the phase `referred` (a joint
mapping that decided on active support with the case starting as referred is presented the same
way: the mapping is the referral), or AF consults FK about a person (no case needed). The
decision's rules (which reasons go with which decision, what an admission or a refusal does to
the case) live in preparation.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas


class Decision(models.TextChoices):
    ADMITTED = "admitted", _("Antagen")
    NOT_ADMITTED = "not_admitted", _("Inte antagen")
    POSTPONED = "postponed", _("Bordlagd")
    CONSULTATION_ANSWERED = "consultation_answered", _("Konsultation besvarad")


class Reason(models.TextChoices):
    """The code list of reasons; REASONS_FOR says which go with which decision."""

    CRITERIA_MET = "criteria_met", _("Uppfyller kriterierna")
    NOT_TARGET_GROUP = "not_target_group", _("Tillhör inte målgruppen")
    NO_REHAB_NEED = "no_rehab_need", _("Behöver inte arbetslivsinriktad rehabilitering")
    NOT_READY = "not_ready", _("Inte redo för insatser nu (hälsan)")
    ORDINARY_SUPPORT = "ordinary_support", _("Ordinarie stöd från FK eller AF räcker")
    DECLINED = "declined", _("Personen vill inte delta")
    BENEFIT_TIME_SHORT = "benefit_time_short", _("För kort tid kvar med ersättning")
    MORE_INFORMATION = "more_information", _("Underlaget räcker inte")
    PERSON_NOT_REACHED = "person_not_reached", _("Personen har inte nåtts")
    MEDICAL_ASSESSMENT = "medical_assessment", _("Väntar på medicinsk bedömning")
    ANSWERED = "answered", _("Frågan är besvarad")
    OTHER = "other", _("Annat skäl (beskriv)")


REASONS_FOR = {
    Decision.ADMITTED: [Reason.CRITERIA_MET, Reason.OTHER],
    Decision.NOT_ADMITTED: [
        Reason.NOT_TARGET_GROUP,
        Reason.NO_REHAB_NEED,
        Reason.NOT_READY,
        Reason.ORDINARY_SUPPORT,
        Reason.DECLINED,
        Reason.BENEFIT_TIME_SHORT,
        Reason.OTHER,
    ],
    Decision.POSTPONED: [
        Reason.MORE_INFORMATION,
        Reason.PERSON_NOT_REACHED,
        Reason.MEDICAL_ASSESSMENT,
        Reason.OTHER,
    ],
    Decision.CONSULTATION_ANSWERED: [Reason.ANSWERED, Reason.OTHER],
}


class Kind(models.TextChoices):
    REFERRAL = "referral", _("Anmälan från FK")
    CONSULTATION = "consultation", _("Konsultation från AF")


class Answer(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Oklart")


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "area")


class Session(models.Model):
    """One meeting of an area's preparation group, and its protocol."""

    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="preparation_sessions",
        verbose_name=_("samverkansområde"),
    )
    group = models.ForeignKey(
        "accounts.PreparationGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("beredningsgrupp"),
    )
    held_on = models.DateField(_("mötesdag"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("deltagare")
    )
    other_attendees = models.CharField(
        _("övriga deltagare"),
        max_length=300,
        blank=True,
        help_text=_("T.ex. hälso- och sjukvården eller kommunen."),
    )
    notes = models.TextField(_("övrigt i protokollet"), blank=True)
    closed_on = models.DateField(_("protokollet justerat"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("justerat av"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skapat av"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[attendees])

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("beredningsgruppsmöte")
        verbose_name_plural = _("beredningsgruppsmöten")

    def __str__(self):
        return f"{self.group or self.area} {self.held_on:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def audit_subject(self):
        return None, self.area_id


class Referral(models.Model):
    """A person presented at a session: the assessment and the decision."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("möte")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("ärende"),
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    # The assessment against the needs criteria (SPEC §3), as the group saw it that day.
    in_target_group = models.CharField(
        _("tillhör målgruppen"), max_length=10, choices=Answer.choices, blank=True
    )
    priority_young = models.BooleanField(_("prioriterad: ung"), default=False)
    priority_benefit_ends = models.BooleanField(
        _("prioriterad: förmånstiden slutar"), default=False
    )
    benefit_months_left = models.PositiveSmallIntegerField(
        _("månader kvar med ersättning"), null=True, blank=True
    )
    needs = models.TextField(
        _("vad personen behöver"),
        blank=True,
        help_text=_("Behov av arbetslivsinriktade insatser, hinder, önskemål."),
    )
    question = models.TextField(_("AF:s fråga"), blank=True)
    decision = models.CharField(_("beslut"), max_length=30, choices=Decision.choices, blank=True)
    reason = models.CharField(_("skäl"), max_length=30, choices=Reason.choices, blank=True)
    reason_text = models.TextField(_("motivering"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslut registrerat av"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="referral_once_per_session"),
            models.CheckConstraint(
                condition=~models.Q(kind="referral") | models.Q(case__isnull=False),
                name="referral_has_case",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="") | ~models.Q(reason=""),
                name="referral_decision_has_reason",
            ),
        ]
        verbose_name = _("ärende i beredningsgruppen")
        verbose_name_plural = _("ärenden i beredningsgruppen")

    def __str__(self):
        return f"{self.session}: {self.position}"

    def audit_subject(self):
        return self.person_id, self.session.area_id
