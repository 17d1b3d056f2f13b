"""Reference data every installation has: the two agencies and the roles of SPEC §1.

Used by migration 0002 (with historical models) and by tests that flush the database."""

from django.utils.translation import gettext_noop as _

AGENCIES = [("FK", "Försäkringskassan"), ("AF", "Arbetsförmedlingen")]

# code, name (stored in Swedish, shown translated), agency, case_access, area_wide,
# area_aggregates, national, reviews_log, is_officer
ROLES = [
    ("fk_officer", _("Personlig handläggare (FK)"), "FK", True, False, True, False, False, True),
    ("af_officer", _("Arbetsförmedlare (AF)"), "AF", True, False, True, False, False, True),
    ("coordinator", _("Samverkanssamordnare"), None, True, True, True, False, True, False),
    ("management", _("Lokal samverkansgrupp"), None, False, False, True, False, False, False),
    ("analyst", _("Nationell analytiker"), None, False, False, False, True, False, False),
    ("sysadmin", _("Systemadministratör"), None, False, False, False, False, False, False),
    ("api_client", _("API-klient (exportjobb)"), None, False, False, False, False, False, False),
]

# Roles that export participants pseudonymised (SPEC §6: "a national export leaves out names and
# masks personnummer"; exports/, ADR 0013). Kept apart from ROLES because the flag came later:
# migration 0002 runs with a Role that does not have it yet; migration 0005 sets it there.
EXPORTS_PSEUDONYMISED = frozenset({"analyst", "api_client"})


# The steering chain above the area (issue 20): the regional managers and the national
# samverkansgrupp. Kept apart from ROLES for the same reason as EXPORTS_PSEUDONYMISED: their flags
# came with migration accounts 0006, which creates them (0007).
# code, name, agency, regional_manager, national_aggregates, national_steering
STEERING_ROLES = [
    ("fk_regional_manager", _("Verksamhetsområdeschef (FK)"), "FK", True, False, False),
    ("af_regional_manager", _("Marknadschef (AF)"), "AF", True, False, False),
    ("national_steering", _("Nationella samverkansgruppen"), None, False, True, True),
]


def ensure_steering_roles(get_model) -> None:
    """Create the steering roles that are missing; never overwrite an administrator's change."""
    Agency = get_model("accounts", "Agency")
    Role = get_model("accounts", "Role")
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    for code, name, agency, regional, national, steering in STEERING_ROLES:
        Role.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                agency=agencies.get(agency),
                regional_manager=regional,
                national_aggregates=national,
                national_steering=steering,
            ),
        )


def ensure_reference_data(get_model) -> None:
    """Create what is missing; never overwrite what an administrator has changed."""
    Agency = get_model("accounts", "Agency")
    Role = get_model("accounts", "Role")
    has_export_flag = any(f.name == "exports_pseudonymised" for f in Role._meta.get_fields())
    agencies = {}
    for code, name in AGENCIES:
        agencies[code], _ = Agency.objects.get_or_create(code=code, defaults={"name": name})
    for code, name, agency, case, wide, area_agg, national, review, officer in ROLES:
        defaults = dict(
            name=name,
            agency=agencies.get(agency),
            case_access=case,
            area_wide=wide,
            area_aggregates=area_agg,
            national_aggregates=national,
            reviews_access_log=review,
            is_officer=officer,
        )
        if has_export_flag:
            defaults["exports_pseudonymised"] = code in EXPORTS_PSEUDONYMISED
        Role.objects.get_or_create(code=code, defaults=defaults)
    if any(f.name == "national_steering" for f in Role._meta.get_fields()):
        ensure_steering_roles(get_model)
