"""Who may export what (SPEC §6, §7; ADR 0013). One rule for the API, the browser and the
Celery task alike:

- a user with case access (officers, coordinators) exports exactly the cases of their list,
  `cases.selectors.case_list_on_caseload` (the same as `/api/v1/cases/`), with full identity;
- a role with `exports_pseudonymised` (the export job, the national analyst) exports every case
  of their areas (every area with national statistics) without names, the personnummer replaced
  by a keyed pseudonym (exports.pseudonyms) and the birth date by the year;
- everyone else exports nothing."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.scoping import scope_for
from cases.models import Case
from cases.selectors import case_list_on_caseload, person_list_on_caseload
from mapping.models import Intervention, JointMapping

FULL = "full"
PSEUDONYMISED = "pseudonymised"


def export_mode_for(user) -> str | None:
    """FULL for case access, PSEUDONYMISED for the export capability, None for no exports."""
    scope = scope_for(user)
    if scope.case_access:
        return FULL
    if scope.exports_pseudonymised and (scope.area_ids or scope.national_aggregates):
        return PSEUDONYMISED
    return None


def export_area_ids_for(user) -> frozenset[int] | None:
    """The areas the user's exports may cover; None is every area (national statistics)."""
    scope = scope_for(user)
    if export_mode_for(user) == PSEUDONYMISED and scope.national_aggregates:
        return None
    if export_mode_for(user) is None:
        return frozenset()
    return scope.area_ids


def export_cases(*, user) -> QuerySet[Case]:
    """The cases a user's participant export holds (before area and period filters)."""
    mode = export_mode_for(user)
    if mode == FULL:
        return case_list_on_caseload(user=user)
    if mode == PSEUDONYMISED:
        return _in_areas(Case.objects.all(), export_area_ids_for(user), "area_id")
    return Case.objects.none()


def export_interventions(*, user) -> QuerySet[Intervention]:
    """The interventions of the export's cases."""
    return Intervention.objects.filter(case__in=export_cases(user=user).values("pk"))


def export_mappings(*, user) -> QuerySet[JointMapping]:
    """Joint mappings: for a coordinator (and the pseudonymised roles) every mapping of the
    areas; for an officer the mappings of the people on their caseload (cases.selectors, the
    same list as the mapping API's)."""
    mode = export_mode_for(user)
    if mode == PSEUDONYMISED:
        return _in_areas(JointMapping.objects.all(), export_area_ids_for(user), "area_id")
    if mode != FULL:
        return JointMapping.objects.none()
    visible = JointMapping.objects.visible_to(user)
    if scope_for(user).area_wide:
        return visible
    return visible.filter(person_id__in=person_list_on_caseload(user=user).values("pk"))


def _in_areas(queryset: QuerySet, area_ids, field: str) -> QuerySet:
    return queryset if area_ids is None else queryset.filter(**{f"{field}__in": area_ids})
