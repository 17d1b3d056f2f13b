"""Aggregates. No personal data leaves this module: only counts per area."""

from django.db.models import Count, Q

from accounts.models import Area
from accounts.scoping import aggregate_area_ids

# Cells smaller than this are not shown to roles without case access (SPEC §5): one limit for
# every page, the one reporting.suppression applies.
from .suppression import SMALL_CELL

__all__ = ["SMALL_CELL", "area_case_counts", "suppress"]


def area_case_counts(*, user):
    """Open and closed cases per area the user may see aggregates for."""
    area_ids = aggregate_area_ids(user)
    areas = Area.objects.filter(is_active=True)
    if area_ids is not None:
        areas = areas.filter(pk__in=area_ids)
    return areas.annotate(
        open_cases=Count("cases", filter=~Q(cases__phase="closed")),
        closed_cases=Count("cases", filter=Q(cases__phase="closed")),
    ).order_by("name")


def suppress(value: int, *, case_access: bool):
    """Small-cell suppression for roles that see aggregates only."""
    if case_access or value == 0 or value >= SMALL_CELL:
        return value
    return None
