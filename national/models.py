"""The national app's records: the registration points (a database view over the cases, joint
mappings and interventions, read by the SUS-style export) and the reporting calendar's packages
(national.packages)."""

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
