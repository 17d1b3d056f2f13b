"""The default activity categories (issue 21, item 1): the rows of Tabell 7 for FK and of
Tabell 8 for AF in the 2012 report (seed 004, §10), copied as published. Installed by the
migration `funds 0002`; an administrator edits the code list afterwards (the admin, with
history). Idempotent: a category already there (by agency and code) is left as it is."""

from __future__ import annotations

ADMINISTRATION = "administration"
PROGRAMME = "programme"

# (agency code, category code, name, kind), in the tables' order.
DEFAULT_CATEGORIES = [
    # Tabell 7. Förbrukning av förvaltningsmedel första tertialet 2012 (Försäkringskassan).
    ("FK", "utveckling-samarbete", "Utveckling av samarbete FK/Af", ADMINISTRATION),
    ("FK", "vo-samverkanssamordning", "VO-gemensam samverkanssamordning", ADMINISTRATION),
    ("FK", "hpl-fran-2011", "Kvarvarande HPL-samverkan från 2011", ADMINISTRATION),
    ("FK", "insatser-med-af", "Insatser i samarbete med Af", ADMINISTRATION),
    ("FK", "gemensam-kartlaggning", "Gemensam kartläggning - samarbetet FK/Af", ADMINISTRATION),
    # Tabell 8. Förbrukning av förvaltnings- och programmedel första tertialet 2012
    # (Arbetsförmedlingen).
    ("AF", "forvaltningskostnader", "Förvaltningskostnader", ADMINISTRATION),
    ("AF", "kop-av-utbildning", "Köp av utbildning", PROGRAMME),
    ("AF", "aktiva-rehabiliteringsinsatser", "Aktiva rehabiliteringsinsatser", PROGRAMME),
    ("AF", "stod-till-arbetsgivare", "Stöd till arbetsgivare", PROGRAMME),
    ("AF", "aktivitetsstod", "Aktivitetsstöd", PROGRAMME),
]


def ensure_default_categories(get_model) -> None:
    Agency = get_model("accounts", "Agency")  # noqa: N806
    ActivityCategory = get_model("funds", "ActivityCategory")  # noqa: N806
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    for position, (agency_code, code, name, kind) in enumerate(DEFAULT_CATEGORIES, start=1):
        agency = agencies.get(agency_code)
        if agency is None:
            continue
        ActivityCategory.objects.get_or_create(
            agency=agency, code=code, defaults={"name": name, "kind": kind, "position": position}
        )
