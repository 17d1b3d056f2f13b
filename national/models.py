"""The national app's records: the registration points (a database view over the cases, joint
mappings and interventions, read by the SUS-style export) and the reporting calendar's packages
(national.packages)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Point(models.TextChoices):
    """The registration points of SPEC §3, as SUS registers them, in the order of a
    participation (the code is part of a point's id: `source id × 16 + code`)."""

    MAPPING_REQUESTED = "mapping_requested", _("Begäran om gemensam kartläggning skickad")
    MAPPING_REQUEST_RECEIVED = "mapping_request_received", _("Begäran om kartläggning mottagen")
    WAITING_FIRST_MEETING = "waiting_first_meeting", _("Väntar på första kartläggningsmötet")
    MAPPING_FIRST_MEETING = "mapping_first_meeting", _("Första kartläggningsmötet")
    MAPPING_ENDED = "mapping_ended", _("Kartläggningen avslutad")
    REGISTERED = "registered", _("Registrerad i samverkan")
    WAITING_INTERVENTION = "waiting_intervention", _("Planerad insats, väntar")
    INTERVENTION_STARTED = "intervention_started", _("Aktiv insats startad")
    INTERVENTION_MOVED = (
        "intervention_moved",
        _("Byte mellan arbetsförberedande och arbetslivsinriktad"),
    )
    ENDED = "ended", _("Samverkan avslutad")


class EndedHow(models.TextChoices):
    COMPLETED = "completed", _("Avslutat samarbete")
    ABORTED = "aborted", _("Avbrutet samarbete")


class RegistrationPoint(models.Model):
    """One registration point of one participant (national/migrations: the view). `category`:
    the intervention's (work-preparatory or work-oriented) for the intervention points;
    `ended_how`: completed or aborted (consent withdrawn or the person left on their own) for
    the end; `situation`: the person's situation recorded at the start (registered) or at the
    end (ended)."""

    id = models.BigIntegerField(primary_key=True)
    point = models.CharField(_("registreringspunkt"), max_length=30, choices=Point.choices)
    date = models.DateField(_("datum"))
    category = models.CharField(_("insatsslag"), max_length=20, blank=True)
    ended_how = models.CharField(_("avslut"), max_length=10, choices=EndedHow.choices, blank=True)
    person = models.ForeignKey("cases.Person", on_delete=models.DO_NOTHING, related_name="+")
    area = models.ForeignKey("accounts.Area", on_delete=models.DO_NOTHING, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.DO_NOTHING, null=True, related_name="+")
    mapping = models.ForeignKey(
        "mapping.JointMapping", on_delete=models.DO_NOTHING, null=True, related_name="+"
    )
    intervention = models.ForeignKey(
        "mapping.Intervention", on_delete=models.DO_NOTHING, null=True, related_name="+"
    )
    situation = models.ForeignKey(
        "cases.Situation", on_delete=models.DO_NOTHING, null=True, related_name="+"
    )

    class Meta:
        managed = False
        db_table = "national_registration_point"
        verbose_name = _("registreringspunkt")
        verbose_name_plural = _("registreringspunkter")

    def __str__(self):
        return f"{self.get_point_display()} {self.date:%Y-%m-%d}"


# --- the reporting calendar (issue 20 point 6) ---------------------------------------------------


class PublishedMonth(models.Model):
    """An area's monthly figures as published: the snapshot version approved for the month
    (national.publishing). One per area and month, never changed (a trigger refuses UPDATE and
    DELETE, as on the snapshots, ADR 0009): a later version of the month never replaces what
    was published, and the calendar's packages read the published versions."""

    area = models.ForeignKey("accounts.Area", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("månad"))
    snapshot = models.ForeignKey(
        "reporting.MonthlySnapshot", on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("godkänd"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "month"], name="published_month_once"),
        ]
        verbose_name = _("publicerad månad")
        verbose_name_plural = _("publicerade månader")

    def __str__(self):
        return f"{self.area} {self.month:%Y-%m}"

    def audit_subject(self):
        return None, self.area_id


class ReportPackage(models.Model):
    """One package of the reporting calendar (national.packages): the published tables of a
    period for the nation, the groups of areas and the areas, the deviation summary and the
    funds, as PDF and XLSX, made by a Celery task with its progress, and kept with the snapshot
    versions it was made from (`sources`)."""

    class Kind(models.TextChoices):
        TERTIAL = "tertial", _("Tertialrapport")
        AUGUST = "august", _("Augustirapport")
        ANNUAL = "annual", _("Årsrapport")

    class State(models.TextChoices):
        WAITING = "waiting", _("Väntar")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    kind = models.CharField(_("rapport"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    tertial = models.PositiveSmallIntegerField(_("tertial"), default=0)
    first_month = models.DateField(_("från och med månad"))
    last_month = models.DateField(_("till och med månad"))
    # The groups of areas reported beside the areas: [[name, [area codes]], ...]; regions plug
    # in here (issue 20 point 2).
    groups = models.JSONField(_("grupper av områden"), default=list)
    # What it was made from: {area code: {"YYYY-MM": [snapshot id, version]}} (the published
    # versions), and the months not yet published, left out: {area code: ["YYYY-MM", ...]}.
    sources = models.JSONField(_("underlag"), default=dict)
    missing = models.JSONField(_("opublicerade månader"), default=dict)
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default="waiting")
    progress = models.PositiveSmallIntegerField(_("klart (%)"), default=0)
    step = models.CharField(_("steg"), max_length=200, blank=True)
    error = models.CharField(_("fel"), max_length=500, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, editable=False)
    xlsx = models.BinaryField(_("XLSX"), null=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rapportpaket")
        verbose_name_plural = _("rapportpaket")

    def __str__(self):
        return self.title

    def audit_subject(self):
        return None, None

    @property
    def title(self) -> str:
        if self.kind == self.Kind.TERTIAL:
            return _("Tertialrapport %(t)s %(y)s") % {"t": self.tertial, "y": self.year}
        return f"{self.get_kind_display()} {self.year}"
