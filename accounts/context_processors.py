from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import has_second_factor
from .scoping import scope_for


def staff(request):
    """Navigation by role and the user's name and areas for the base template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not has_second_factor(request):
        return {}  # the code and enrolment pages show no navigation: it leads nowhere yet
    scope = scope_for(user)
    nav = []
    if scope.case_access:
        nav.append((reverse("home"), _("Ärenden")))
        nav.append((reverse("cases:person_search"), _("Sök person")))
        nav.append((reverse("preparation:session_list"), _("Beredningsgrupp")))
    if scope.sees_aggregates:
        nav.append((reverse("reporting:overview"), _("Statistik")))
        nav.append((reverse("reporting:reports"), _("Rapporter")))
        if not scope.case_access:
            # The management group's and the analysts' short menu has room for the meeting's
            # report; staff with case access reach it from Rapporter (their menu is full).
            nav.append((reverse("reporting:monthly_reports"), _("Månadsrapport")))
        nav.append((reverse("reporting:work_plan_list"), _("Arbetsplaner")))
        nav.append((reverse("reporting:deviation_list"), _("Avvikelser")))
        if scope.national_steering:
            # The national group's calendar (national.views).
            nav.append((reverse("national:calendar"), _("Rapportkalender")))
    if scope.case_access or (
        scope.exports_pseudonymised and (scope.area_ids or scope.national_aggregates)
    ):
        # exports.selectors.export_mode_for: case access, or the pseudonymised exports.
        nav.append((reverse("exports:start"), _("Export")))
    if scope.is_coordinator:
        nav.append((reverse("reporting:quality_review_list"), _("Kvalitetsgranskning")))
    if scope.reviews_access_log:
        nav.append((reverse("audit:review"), _("Logguppföljning")))
    if user.is_staff:
        nav.append((reverse("admin:index"), _("Administration")))
    from .models import Area

    areas = Area.objects.filter(pk__in=scope.area_ids | scope.region_area_ids).values_list(
        "name", flat=True
    )
    return {
        "nav_items": nav,
        "staff_scope": scope,
        "staff_areas": ", ".join(areas) if not scope.national_aggregates else _("Hela landet"),
    }
