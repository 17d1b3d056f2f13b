"""Joint mapping (gemensam kartläggning, SPEC §4): the entry into joint support since 2012.

A mapping is requested by one agency (sent) and taken up by the other (received), held in one or
more meetings, and ends with a decision that both agencies sign. Until both have signed, the
decision is pending; the second signature carries it out (`mapping.services.mapping_sign`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import ExtractDay
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.offices import office_field, offices_check
from accounts.scoping import restrict_to_areas
from cases.models import Benefit, Phase, TargetGroup
from cases.secrecy import FK_FIELDS

from .common import AgencyCode


class Decision(models.TextChoices):
    JOINT_ACTIVE_SUPPORT = "joint_active_support", _("Aktiva insatser i samarbete")
    JOB_SEEKER_WITHOUT_JOINT_SUPPORT = (
        "job_seeker_without_joint_support",
        _("Arbetssökande utan gemensamt stöd"),
    )
    EMPLOYER_AND_FK_SUPPORT_ONLY = (
        "employer_and_fk_support_only",
        _("Enbart stöd från arbetsgivare och Försäkringskassan"),
    )
    NO_ACTION = "no_action", _("Ingen åtgärd")


class SickLeaveBand(models.TextChoices):
    """Time in the sick-leave case at the mapping, as Tabell 1 of the 2012 report groups it."""

    UNDER_90 = "under_90", _("Under 90 dagar")
    FROM_90_TO_180 = "90_180", _("90–180 dagar")
    FROM_180_TO_365 = "180_365", _("180 dagar–1 år")
    OVER_365 = "over_365", _("Över 1 år")


# The band's edges, in sick-leave days counted as Försäkringskassan counts them: the first day of
# the sick-leave case is day 1, so day n falls on sick_leave_start + (n - 1) days.
#   under_90 : days 1–89        90_180 : days 90–179
#   180_365  : days 180–365     over_365: day 366 and later
# The published table's "90–180" and "180 dagar–1 år" share the edge 180; day 180 is counted in
# the later band, so that every day belongs to exactly one band.
BAND_EDGES = (
    (90, SickLeaveBand.UNDER_90),
    (180, SickLeaveBand.FROM_90_TO_180),
    (366, SickLeaveBand.FROM_180_TO_365),
)


def sick_leave_day(sick_leave_start: dt.date, on: dt.date) -> int:
    """The day number of `on` in the sick-leave case (its first day is day 1)."""
    return (on - sick_leave_start).days + 1


def sick_leave_band(sick_leave_start: dt.date | None, on: dt.date | None) -> str | None:
    """The band of the day `on` (the mapping's date); None when either date is unknown or `on`
    lies before the sick-leave case began."""
    if sick_leave_start is None or on is None:
        return None
    day = sick_leave_day(sick_leave_start, on)
    if day < 1:
        return None
    for below, band in BAND_EDGES:
        if day < below:
            return band
    return SickLeaveBand.OVER_365


def request_date_errors(
    *, requested_on, request_received_on, first_meeting_on=None, today=None
) -> dict:
    """The request's dates as {field: message}: neither in the future, received not before it
    was sent, sent not after the first meeting. The form reports these with its other errors in
    one pass; the service (mapping.services) refuses with them whoever calls it."""
    from django.core.exceptions import ValidationError

    from samverkan.services import require_not_future, today_or

    today = today_or(today)
    errors = {}
    for field, day in (
        ("requested_on", requested_on),
        ("request_received_on", request_received_on),
    ):
        # plausible and not in the future: the product's one rule for a date of the past
        try:
            require_not_future(field, day, today)
        except ValidationError as refused:
            errors[field] = refused.message_dict[field][0]
    if errors:
        return errors
    if requested_on and request_received_on and request_received_on < requested_on:
        errors["request_received_on"] = _("Begäran kan inte tas emot innan den skickades.")
    if requested_on and first_meeting_on and requested_on > first_meeting_on:
        errors["requested_on"] = _("Begäran kan inte ligga efter första mötet (%(d)s).") % {
            "d": first_meeting_on
        }
    return errors


class JointMappingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict_to_areas(self, user, "area")

    def open(self):
        return self.filter(ended_on__isnull=True)

    def with_mapping_date(self):
        """`mapping_date`: the day the mapping was held (its first meeting), else the request."""
        return self.annotate(
            mapping_date=models.functions.Coalesce("first_meeting_on", "requested_on")
        )

    def with_sick_leave_band(self):
        """`sick_leave_band` computed in the database, with the same edges as `sick_leave_band()`
        (a test holds the two together), so the reports can group by it."""
        qs = self.with_mapping_date()
        # Django turns date - date into an interval; its day count is the number of days.
        day = models.ExpressionWrapper(
            ExtractDay(models.F("mapping_date") - models.F("sick_leave_start")) + 1,
            output_field=models.IntegerField(),
        )
        whens = [
            # Unknown dates have no band (the CASE would otherwise fall through to its default).
            models.When(sick_leave_day_number__isnull=True, then=models.Value(None)),
            models.When(sick_leave_day_number__lt=1, then=models.Value(None)),
            *[
                models.When(sick_leave_day_number__lt=below, then=models.Value(band.value))
                for below, band in BAND_EDGES
            ],
        ]
        return qs.annotate(sick_leave_day_number=day).annotate(
            sick_leave_band=models.Case(
                *whens,
                default=models.Value(SickLeaveBand.OVER_365.value),
                output_field=models.CharField(),
            )
        )


class JointMapping(models.Model):
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        related_name="mappings",
        verbose_name=_("samverkansområde"),
    )
    person = models.ForeignKey(
        "cases.Person",
        on_delete=models.PROTECT,
        related_name="mappings",
        verbose_name=_("deltagare"),
    )
    initiated_by = models.CharField(_("initierad av"), max_length=2, choices=AgencyCode.choices)
    initiation_reason = models.TextField(_("skäl till kartläggningen"), blank=True)
    requested_on = models.DateField(_("begäran skickad"), null=True, blank=True)
    request_received_on = models.DateField(_("begäran mottagen"), null=True, blank=True)
    first_meeting_on = models.DateField(_("första kartläggningsmötet"), null=True, blank=True)
    ended_on = models.DateField(_("kartläggningen avslutad"), null=True, blank=True)
    fk_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fk_mappings",
        verbose_name=_("personlig handläggare (FK)"),
    )
    af_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="af_mappings",
        verbose_name=_("arbetsförmedlare (AF)"),
    )
    # The offices the mapping is run from (SPEC §2, accounts.offices), as a case's.
    fk_office = office_field(_("FK-kontor (LFC)"))
    af_office = office_field(_("AF-kontor (AMO)"))
    # FK's benefit facts at the time of the mapping: shown to AF staff only under consent or
    # legal basis, like the case's (cases.secrecy uses the same field names).
    benefit = models.CharField(
        _("ersättning vid kartläggningen"), max_length=30, choices=Benefit.choices, blank=True
    )
    benefit_end_date = models.DateField(_("förmånstidens slut"), null=True, blank=True)
    sick_leave_start = models.DateField(_("sjukfallets första dag"), null=True, blank=True)
    participants = models.JSONField(_("deltog i kartläggningen"), default=list, blank=True)
    rough_plan = models.TextField(_("grov planering"), blank=True)

    decision = models.CharField(_("beslut"), max_length=40, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("motivering"), blank=True)
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    # What the case opened by `joint_active_support` starts with.
    case_target_group = models.CharField(
        _("målgrupp"), max_length=30, choices=TargetGroup.choices, blank=True
    )
    case_phase = models.CharField(
        _("ärendet börjar i fas"),
        max_length=30,
        choices=[
            (Phase.REFERRED, Phase.REFERRED.label),
            (Phase.NEEDS_ANALYSIS, Phase.NEEDS_ANALYSIS.label),
        ],
        blank=True,
    )
    case_date = models.DateField(_("ärendets datum"), null=True, blank=True)
    fk_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekräftat för FK av"),
    )
    fk_signed_at = models.DateTimeField(_("bekräftat för FK"), null=True, blank=True)
    af_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekräftat för AF av"),
    )
    af_signed_at = models.DateTimeField(_("bekräftat för AF"), null=True, blank=True)
    # The other agency asked for a change instead of confirming: the decision went back to the
    # officer who recorded it (`change_requested_of`), whose to-do list shows the reason, until
    # the decision is recorded again (mapping.services.mapping_change_request).
    change_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändring begärd av"),
    )
    change_requested_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändring begärd hos"),
    )
    change_requested_at = models.DateTimeField(_("ändring begärd"), null=True, blank=True)
    change_request_reason = models.TextField(_("begärd ändring"), blank=True)
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mapping",
        verbose_name=_("ärende"),
    )

    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = JointMappingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended_on__isnull=True),
                name="mapping_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(request_received_on__isnull=True)
                | models.Q(requested_on__isnull=True)
                | models.Q(request_received_on__gte=models.F("requested_on")),
                name="mapping_received_not_before_sent",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | ~models.Q(decision=""),
                name="mapping_ended_has_decision",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="joint_active_support")
                | models.Q(ended_on__isnull=True)
                | models.Q(case__isnull=False),
                name="mapping_active_support_has_case",
            ),
        ]
        verbose_name = _("gemensam kartläggning")
        verbose_name_plural = _("gemensamma kartläggningar")

    def __str__(self):
        return _("Kartläggning %(id)s") % {"id": self.pk}

    def audit_subject(self):
        return self.person_id, self.area_id

    def clean(self):
        offices_check(self)

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def mapping_date(self) -> dt.date | None:
        """The day the mapping was held: its first meeting, else (not yet held) the request."""
        return self.first_meeting_on or self.requested_on

    @property
    def sick_leave_band(self) -> str | None:
        return sick_leave_band(self.sick_leave_start, self.mapping_date)

    def get_sick_leave_band_display(self) -> str:
        band = self.sick_leave_band
        return SickLeaveBand(band).label if band else ""

    @property
    def decision_pending(self) -> bool:
        """A decision is recorded but not yet signed by both agencies."""
        return bool(self.decision) and self.ended_on is None

    def signed_by_agency(self, agency: str) -> bool:
        return bool(self.fk_signed_at if agency == AgencyCode.FK else self.af_signed_at)

    @property
    def waiting_for_first_meeting(self) -> bool:
        return self.is_open and self.first_meeting_on is None


# FK's facts on a mapping: the case's FK fields (cases.secrecy, SPEC §7) that a mapping records
# too. Only FK records them, and they are hidden from AF staff without consent, with the time
# in the sick-leave case derived from them (cases.secrecy.FK_DERIVED).
MAPPING_FK_FIELDS = FK_FIELDS & frozenset(f.name for f in JointMapping._meta.concrete_fields)
