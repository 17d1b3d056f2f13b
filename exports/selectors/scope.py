"""Who may export what (SPEC §1, §6, §7; ADR 0013). One rule for the API, the browser and the
Celery task alike:

- a user with case access (officers, coordinators) exports what their own lists show, with full
  identity: every row's person is on `cases.selectors.person_list_on_caseload` (the person list
  of the pages and the API), the participants are the cases of `case_list_on_caseload` (the case
  list), the interventions those of the exported cases, the mappings those of the people on the
  list (the mapping API's list). For an officer that is the own and the team's caseload; for a
  coordinator the whole area. Nothing else: the one caseload definition serves the lists, the
  pages, the API and every export;
- an officer who states a reason (X-Access-Reason, or the reason on the export page) may export
  the people of their areas outside the caseload too (break the glass, SPEC §7): each such row
  is marked by `x_outside_caseload` and logged `outside_caseload`, so the log review's list of
  unusual access sees it;
- a role without case access that has `exports_pseudonymised` (the export job, the national
  analyst) gets no row-level personal data (SPEC §6): every case of their areas (every area with
  national statistics), coarsened and checked for k-anonymity (exports.selectors.kanon);
- everyone else exports nothing."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value

from accounts.scoping import scope_for
from audit.access import REASON_MIN_LENGTH
from cases.models import Case, Person
from cases.selectors import (
    case_list_on_caseload,
    case_list_visible_to,
    person_list_on_caseload,
    person_list_visible_to,
)
from mapping.models import Intervention, JointMapping
from reporting.suppression import hides_small_cells

FULL = "full"
COARSENED = "coarsened"


def export_mode_for(user) -> str | None:
    """FULL for case access, COARSENED for the export capability, None for no exports. Who
    gets no exact figures is the dashboard's rule (`hides_small_cells`): the same roles get no
    row-level personal data."""
    scope = scope_for(user)
    if not hides_small_cells(user):
        return FULL
    if scope.exports_pseudonymised and (scope.area_ids or scope.national_aggregates):
        return COARSENED
    return None


def export_area_ids_for(user) -> frozenset[int] | None:
    """The areas the user's exports may cover; None is every area (national statistics)."""
    scope = scope_for(user)
    if export_mode_for(user) == COARSENED and scope.national_aggregates:
        return None
    if export_mode_for(user) is None:
        return frozenset()
    return scope.area_ids


def export_reaches_outside(*, user, reason: str) -> bool:
    """Whether an export of `user` with this stated reason holds people outside the caseload:
    only for an officer (an area-wide role has the whole area on its list anyway), and only
    with a reason of REASON_MIN_LENGTH characters."""
    scope = scope_for(user)
    return scope.case_access and not scope.area_wide and len(reason.strip()) >= REASON_MIN_LENGTH


def export_people(*, user, outside: bool = False) -> QuerySet[Person]:
    """Whose rows a full-identity export may hold: the person list (the caseload); with a
    stated reason every person of the user's areas."""
    if export_mode_for(user) != FULL:
        return Person.objects.none()
    if outside:
        return person_list_visible_to(user=user)
    return person_list_on_caseload(user=user)


def export_cases(*, user, outside: bool = False) -> QuerySet[Case]:
    """The cases a user's participant export holds (before area and period filters)."""
    mode = export_mode_for(user)
    if mode == FULL:
        cases = case_list_visible_to(user=user) if outside else case_list_on_caseload(user=user)
        return cases.filter(person__in=export_people(user=user, outside=outside).values("pk"))
    if mode == COARSENED:
        return _in_areas(Case.objects.all(), export_area_ids_for(user), "area_id")
    return Case.objects.none()


def export_interventions(*, user, outside: bool = False) -> QuerySet[Intervention]:
    """The interventions of the export's cases."""
    return Intervention.objects.filter(
        case__in=export_cases(user=user, outside=outside).values("pk")
    )


def export_mappings(*, user, outside: bool = False) -> QuerySet[JointMapping]:
    """Joint mappings of the people the export may hold (for an officer the mapping API's
    list; for a coordinator and the coarsened roles every mapping of the areas)."""
    mode = export_mode_for(user)
    if mode == COARSENED:
        return _in_areas(JointMapping.objects.all(), export_area_ids_for(user), "area_id")
    if mode != FULL:
        return JointMapping.objects.none()
    return JointMapping.objects.visible_to(user).filter(
        person_id__in=export_people(user=user, outside=outside).values("pk")
    )


def outside_caseload_expression(*, user, outside: bool, person: str):
    """SQL: whether the row's person (the field path `person`) is off the user's caseload.
    Always false without a stated reason: such an export holds nobody off it."""
    if not outside:
        return Value(False, output_field=BooleanField())
    on_list = Q(**{f"{person}__in": person_list_on_caseload(user=user).values("pk")})
    return ExpressionWrapper(~on_list, output_field=BooleanField())


def _in_areas(queryset: QuerySet, area_ids, field: str) -> QuerySet:
    return queryset if area_ids is None else queryset.filter(**{f"{field}__in": area_ids})
