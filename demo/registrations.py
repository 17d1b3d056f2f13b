"""Demo registrations in SUS and AIS (issue 20 point 7): most demo cases due for registration are
registered a few days after they became due, so the list of participants not yet registered
(/ej-registrerade/) shows what an officer would really meet: the newest cases, and now and then
an older one forgotten. Idempotent: only when no demo case has a registration yet, so what a
user entered in the demo is never overwritten. Made-up identifiers, never a real system's."""

from __future__ import annotations

import datetime as dt

from cases.models import Case
from cases.registration import with_registration_due
from samverkan.dates import add_days

# A case is left unregistered when its number is a multiple of this (about one in eleven), and
# each system takes this many days at most after the case became due.
FORGOTTEN_EVERY = 11
DAYS_TO_REGISTER = {"sus": 6, "ais": 3}


def registrations_demo_load(*, areas, today: dt.date) -> int:
    """Register the demo areas' due cases; returns how many cases were registered."""
    cases = Case.objects.filter(area__in=areas)
    if cases.filter(sus_registered_on__isnull=False).exists():
        return 0
    if cases.filter(ais_registered_on__isnull=False).exists():
        return 0
    changed = []
    for case in with_registration_due(cases).filter(registration_due__isnull=False):
        if case.pk % FORGOTTEN_EVERY == 0:
            continue
        for system, most in DAYS_TO_REGISTER.items():
            day = add_days(case.registration_due, case.pk % (most + 1))
            if day <= today:
                setattr(case, f"{system}_registered_on", day)
                setattr(case, f"{system}_id", f"{system.upper()}-DEMO-{case.pk:06d}")
        if case.sus_registered_on or case.ais_registered_on:
            changed.append(case)
    fields = ["sus_registered_on", "sus_id", "ais_registered_on", "ais_id"]
    Case.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)
