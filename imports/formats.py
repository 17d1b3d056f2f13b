"""The import formats as the upload page describes them, built from the same column lists and
code lists the import checks, so the page cannot drift from the code (README "Import" has the
same in prose)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Benefit, EducationLevel, ExitReason, TargetGroup
from mapping.models import AgencyCode, Decision

from .kinds import IMPORTERS

DATE = _("datum ÅÅÅÅ-MM-DD")


def _codes(choices) -> str:
    return ", ".join(choices.values)


def _status_codes() -> str:
    from cases.models import StatusCode

    return ", ".join(StatusCode.objects.filter(is_active=True).values_list("code", flat=True))


@dataclass(frozen=True)
class Column:
    name: str
    meaning: object
    required: bool = False
    may_be_left_out: bool = False  # the importer's optional_columns: the file may lack it


# The offices of a case or a mapping (imports.base.OFFICE_COLUMNS), optional columns.
OFFICE_COLUMNS = [
    Column(
        "fk_office_code",
        _("FK-kontorets kod, ett lokalt försäkringscenter (LFC) i området"),
        may_be_left_out=True,
    ),
    Column(
        "af_office_code",
        _("AF-kontorets kod, ett arbetsmarknadsområde (AMO) i området"),
        may_be_left_out=True,
    ),
]


COLUMNS = {
    "persons": [
        Column("personnummer", _("personnummer eller samordningsnummer"), True),
        Column("first_name", _("förnamn"), True),
        Column("last_name", _("efternamn"), True),
        Column("born_abroad", _("utrikes född: 1 = ja, 0 = nej")),
        Column("education_level", _codes(EducationLevel)),
        Column(
            "disability",
            _("funktionsnedsättning som medför nedsatt arbetsförmåga: 1 = ja, 0 = nej"),
        ),
    ],
    "cases": [
        Column("personnummer", _("personen, redan registrerad"), True),
        Column("area_code", _("samverkansområdets kod, personens område"), True),
        Column("target_group", _codes(TargetGroup)),
        Column("benefit", _codes(Benefit)),
        Column("benefit_end_date", DATE),
        Column("sick_leave_start", DATE),
        Column(
            "referral_date",
            _("beredningsgruppen, datum ÅÅÅÅ-MM-DD; referral_date eller start_date krävs"),
        ),
        Column(
            "start_date",
            _("registrering i samverkan, datum ÅÅÅÅ-MM-DD; referral_date eller start_date krävs"),
        ),
        Column("end_date", _("avslut, datum ÅÅÅÅ-MM-DD")),
        Column("exit_reason", _codes(ExitReason)),
        *OFFICE_COLUMNS,
        # The registration in SUS and AIS (cases.registration), optional columns.
        Column("sus_registered_on", _("registrerad i SUS, datum ÅÅÅÅ-MM-DD"), may_be_left_out=True),
        Column("sus_id", _("ärendets id i SUS, högst 40 tecken"), may_be_left_out=True),
        Column("ais_registered_on", _("registrerad i AIS, datum ÅÅÅÅ-MM-DD"), may_be_left_out=True),
        Column("ais_id", _("ärendets id i AIS, högst 40 tecken"), may_be_left_out=True),
    ],
    "status": [
        Column("personnummer", _("personen, redan registrerad"), True),
        Column("date", DATE, True),
        Column("status_code", lazy(_status_codes, str)(), True),
    ],
    "mappings": [
        Column("personnummer", _("personen, redan registrerad"), True),
        Column("area_code", _("samverkansområdets kod, personens område"), True),
        Column("initiated_by", _codes(AgencyCode), True),
        Column("date", _("dagen kartläggningen hölls (första mötet), datum ÅÅÅÅ-MM-DD"), True),
        Column("benefit", _codes(Benefit)),
        Column("sick_leave_start", DATE),
        Column("decision", _codes(Decision)),
        *OFFICE_COLUMNS,
    ],
}

COLUMNS["consumption"] = [
    Column("month", _("månaden, ÅÅÅÅ-MM"), True),
    Column("agency", _codes(AgencyCode), True),
    Column("area_code", _("samverkansområdets kod"), True),
    Column(
        "activity",
        _("verksamhetens kod i myndighetens kodlista (administratörens Verksamhetskategorier)"),
        True,
    ),
    Column(
        "amount",
        _("förbrukat belopp i kronor, till exempel 2507000 eller 2507000,50 (minus för rättelse)"),
        True,
    ),
]

FORMATS = [
    {"kind": kind, "header": ";".join(c.name for c in COLUMNS[kind]), "columns": COLUMNS[kind]}
    for kind in IMPORTERS
]
