"""Meetings (SPEC §4): held with a person, optionally within a joint mapping or a case.

A meeting of konsultativt stöd till arbetsgivare (employer consultation) also records what the
support is for: its goal (usually that the person keeps the employment), what the employer has
started (adaptation, rehabilitation …) and a follow-up: the day it is due and, once held, its
result. The follow-up waits on the officers' to-do list until its result is recorded."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import restrict_to_areas


class ConsultationGoal(models.TextChoices):
    KEEP_EMPLOYMENT = "keep_employment", _("Behålla anställningen")
    OTHER_DUTIES = "other_duties", _("Andra arbetsuppgifter hos samma arbetsgivare")
    OTHER = "other", _("Annat mål")


class EmployerMeasure(models.TextChoices):
    """What the employer has started (arbetsgivarens åtgärder)."""

    ADAPTATION = "adaptation", _("Anpassning av arbetsplatsen eller arbetsuppgifterna")
    WORKING_HOURS = "working_hours", _("Anpassad arbetstid")
    WORK_AIDS = "work_aids", _("Arbetshjälpmedel")
    REHABILITATION = "rehabilitation", _("Arbetslivsinriktad rehabilitering")
    RELOCATION = "relocation", _("Omplacering")
    OTHER = "other", _("Annan åtgärd")


class FollowUpResult(models.TextChoices):
    KEPT = "kept", _("Anställningen består")
    KEPT_OTHER_DUTIES = "kept_other_duties", _("Anställningen består med andra arbetsuppgifter")
    ENDED = "ended", _("Anställningen har upphört")
    OTHER = "other", _("Annat resultat")


# The fields that only a meeting of employer consultation has.
CONSULTATION_FIELDS = (
    "employer_name",
    "consultation_goal",
    "employer_measures",
    "employer_measures_notes",
    "follow_up_on",
    "follow_up_result",
    "follow_up_notes",
)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "person__area")


class Meeting(models.Model):
    class Kind(models.TextChoices):
        RECONCILIATION = "avstamningsmote", _("Avstämningsmöte")
        CONTACT = "kontaktmote", _("Kontaktmöte")
        HAND_OVER = "overlamningsmote", _("Överlämningsmöte")
        PREPARATION_GROUP = "beredningsgrupp", _("Beredningsgrupp")
        EMPLOYER_CONSULTATION = "employer_consultation", _("Konsultativt stöd till arbetsgivare")
        FOLLOW_UP = "follow_up", _("Uppföljning")

    person = models.ForeignKey(
        "cases.Person",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("deltagare"),
    )
    mapping = models.ForeignKey(
        "mapping.JointMapping",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("kartläggning"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("ärende"),
    )
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    date = models.DateField(_("datum"))
    participants = models.JSONField(_("deltagare i mötet"), default=list, blank=True)
    notes = models.TextField(_("anteckningar"), blank=True)
    # Employer consultation only (CONSULTATION_FIELDS; mapping.services.meetings checks).
    employer_name = models.CharField(_("arbetsgivare"), max_length=200, blank=True)
    consultation_goal = models.CharField(
        _("mål med stödet"), max_length=30, choices=ConsultationGoal.choices, blank=True
    )
    # EmployerMeasure codes, in the code list's order.
    employer_measures = models.JSONField(_("arbetsgivaren har påbörjat"), default=list, blank=True)
    employer_measures_notes = models.TextField(
        _("arbetsgivarens åtgärder, beskrivning"), blank=True
    )
    follow_up_on = models.DateField(_("uppföljning planerad"), null=True, blank=True)
    follow_up_result = models.CharField(
        _("uppföljningens resultat"), max_length=30, choices=FollowUpResult.choices, blank=True
    )
    follow_up_notes = models.TextField(_("uppföljningen, anteckningar"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        # The to-do list's employer follow-ups due: a handful of rows among every meeting.
        indexes = [
            models.Index(
                fields=["follow_up_on"],
                condition=models.Q(kind="employer_consultation", follow_up_result=""),
                name="meeting_follow_up_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="employer_consultation")
                | (
                    models.Q(consultation_goal="")
                    & models.Q(follow_up_on__isnull=True)
                    & models.Q(follow_up_result="")
                ),
                name="meeting_consultation_fields_only_for_consultation",
            ),
            models.CheckConstraint(
                condition=models.Q(follow_up_on__isnull=True)
                | models.Q(follow_up_on__gte=models.F("date")),
                name="meeting_follow_up_not_before_meeting",
            ),
        ]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    def audit_subject(self):
        return self.person_id, self.person.area_id

    @property
    def is_employer_consultation(self) -> bool:
        return self.kind == self.Kind.EMPLOYER_CONSULTATION

    def employer_measure_labels(self) -> list[str]:
        labels = dict(EmployerMeasure.choices)
        return [str(labels.get(code, code)) for code in self.employer_measures or []]

    @property
    def follow_up_pending(self) -> bool:
        return self.follow_up_on is not None and not self.follow_up_result
