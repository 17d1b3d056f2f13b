"""Code lists shared by mappings, meetings and interventions (SPEC §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyCode(models.TextChoices):
    FK = "FK", _("Försäkringskassan")
    AF = "AF", _("Arbetsförmedlingen")


class Participant(models.TextChoices):
    """Who took part in a meeting or a mapping."""

    PERSON = "person", _("Deltagaren")
    FK = "FK", _("Försäkringskassan")
    AF = "AF", _("Arbetsförmedlingen")
    EMPLOYER = "employer", _("Arbetsgivare")
    HEALTHCARE = "healthcare", _("Hälso- och sjukvården")
    OTHER = "other", _("Annan")


def participants_in_order(codes) -> list[str]:
    """Known participant codes, each once, in the code list's order."""
    given = set(codes)
    return [code for code in Participant.values if code in given]
