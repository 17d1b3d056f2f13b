"""Registration: the model a case was registered under, and its registration in the national
systems (SUS and AIS).

**The registration model.** The seeds moved the moment a participant is registered in samverkan:
the 2008 plan registered "efter behovsanalys och när personen påbörjar introduktion och prövning"
(seed 000), the 2010 plan "när behovsanalysen startar" (seed 001). A rule set names its model
(RuleSet.registration_model); a case records the model of the set it follows, chosen as every
rule is (cases.flags.rules_for: the set in force on the referral), when the case is created, so
a set edited later never rewrites it. Cohorts, inflow and days in samverkan count from the
registration, so a period whose cases were registered under both models is not comparable with
one under a single model: `models_in_period` finds it and `mix_note` says it, for the report
pages and API and the dashboard.

**The national systems.** AF registers the case in AIS and the participants are registered in SUS
too (seed 001). A case records the day of each registration and the system's identifier when
known. A case is due for registration from the moment its model registers it: the start of the
needs analysis (from 2010), or the move to introduction and trial (2008), so a 2008 case that
closed during the needs analysis was never due. `not_registered` is the list page's query.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import DateField, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils.translation import gettext as _

from samverkan.dates import add_days, add_months
from samverkan.services import require_not_future

from .models import Case, Phase, PhaseTransition, RegistrationModel


def registration_model_for(case: Case) -> str:
    """The registration model of the rule set `case` follows (cases.flags.rules_for)."""
    from .flags import rules_for

    return rules_for(case).registration_model


# --- a period that mixes the models -------------------------------------------------------------


def models_in_period(*, first: dt.date, last: dt.date, area_ids: list[int] | None) -> list[str]:
    """The registration models of the cases a report over the months `first`..`last` (first
    days) counts, in the order of RegistrationModel: the cases started in the period (inflow),
    in the twelve months before it (the cohorts whose day 365 falls in it), or ended in it
    (days in samverkan). `area_ids` None: the nation.

    One query of an EXISTS per model and date: each stops at the first case it finds, through
    the index on the model and the date (Case.Meta.indexes), so asking costs the same for the
    nation as for an area, not a read of every case of the period. The statement is written
    here rather than by the ORM: it is asked on every report call and dashboard, and building
    four querysets cost more than the database's answer."""
    end = add_days(add_months(last, 1), -1)
    if area_ids is not None and not area_ids:  # no areas at all: nothing found
        return []
    of_areas = "" if area_ids is None else " AND area_id = ANY(%s)"
    areas = [] if area_ids is None else [list(area_ids)]
    tests, params = [], []
    for model in RegistrationModel.values:
        for column, since in (("start_date", add_months(first, -12)), ("end_date", first)):
            tests.append(
                f"EXISTS(SELECT 1 FROM {Case._meta.db_table} WHERE registration_model = %s"  # noqa: S608
                f" AND {column} BETWEEN %s AND %s{of_areas})"
            )
            params.extend([model, since, end, *areas])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(tests)}", params)  # noqa: S608 (no input in the text)
        found = cursor.fetchone()
    return [
        model
        for at, model in enumerate(RegistrationModel.values)
        if found[2 * at] or found[2 * at + 1]
    ]


def mix_note(models: list[str]) -> str:
    """The notice a report shows when its cases were registered under both models; else ""."""
    if len(models) < 2:
        return ""
    return _(
        "Perioden blandar två registreringsmodeller: en del av deltagarna registrerades i "
        "samverkan när introduktion och prövning började (2008 års modell), andra när "
        "behovsanalysen startade (från 2010). Inflöde, kohorter och tid i samverkan räknas "
        "från registreringen och är därför inte helt jämförbara inom perioden."
    )


# --- registration in SUS and AIS ------------------------------------------------------------------

# The fields a case records its registration in, entered on the case (form, API, import).
REGISTRATION_FIELDS = ("sus_registered_on", "sus_id", "ais_registered_on", "ais_id")


def registration_check(case: Case, today: dt.date) -> None:
    """A registration day is not in the future; an identifier needs its day (ValidationError on
    the field, in Swedish)."""
    for system in ("sus", "ais"):
        day = getattr(case, f"{system}_registered_on")
        require_not_future(f"{system}_registered_on", day, today)
        if getattr(case, f"{system}_id") and day is None:
            raise ValidationError(
                {f"{system}_registered_on": _("Ange registreringsdagen när id:t är ifyllt.")}
            )


def with_registration_due(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` annotated with `registration_due`: the day the case's model registers it (the
    start of the needs analysis; under the 2008 model the first move to introduction and
    trial); None while that has not happened."""
    intro = (
        PhaseTransition.objects.filter(case=OuterRef("pk"), to_phase=Phase.INTRODUCTION_TRIAL)
        .order_by("date")
        .values("date")[:1]
    )
    return cases.annotate(
        registration_due=DbCase(
            When(registration_model=RegistrationModel.NEEDS_ANALYSIS, then=F("start_date")),
            default=Subquery(intro, output_field=DateField()),
            output_field=DateField(),
        )
    )


def not_registered(cases: QuerySet[Case], *, system: str | None = None) -> QuerySet[Case]:
    """The cases among `cases` that are due for registration and lack it in SUS or AIS
    (`system` "sus" or "ais": in that one), the longest waiting first."""
    missing = Q(sus_registered_on__isnull=True) | Q(ais_registered_on__isnull=True)
    if system == "sus":
        missing = Q(sus_registered_on__isnull=True)
    elif system == "ais":
        missing = Q(ais_registered_on__isnull=True)
    return (
        with_registration_due(cases)
        .filter(registration_due__isnull=False)
        .filter(missing)
        .order_by("registration_due", "pk")
    )
