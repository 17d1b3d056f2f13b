"""Reads of aggregates that depend on who asks (CONVENTIONS §3). No personal data leaves this
module: counts per area, metrics results, snapshots."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from accounts.models import Area
from accounts.scoping import aggregate_area_ids

from . import suppression
from .models import MonthlySnapshot
from .secrecy import fk_dimensions_hidden, mapping_stats_without_fk_facts

__all__ = ["area_case_counts", "figures_shown_to", "snapshots_visible_to"]


def area_case_counts(*, user):
    """Open and closed cases per area the user may see aggregates for. The counts are exact:
    the caller shows them through reporting.suppression.shown_count."""
    area_ids = aggregate_area_ids(user)
    areas = Area.objects.filter(is_active=True)
    if area_ids is not None:
        areas = areas.filter(pk__in=area_ids)
    return areas.annotate(
        open_cases=Count("cases", filter=~Q(cases__phase="closed")),
        closed_cases=Count("cases", filter=Q(cases__phase="closed")),
    ).order_by("name")


def figures_shown_to(*, user, kind: str, data: dict | None) -> dict | None:
    """A metrics result of `kind` (reporting.suppression.KINDS) as `user` may see it, wherever it
    is shown (the dashboard, the report API, the snapshots): small cells suppressed for readers
    who see suppressed figures (reporting.suppression.hides_small_cells), and FK's facts left out
    of the joint-mapping statistics for readers who must not see them (reporting.secrecy)."""
    data = suppression.shown(kind, data, hide=suppression.hides_small_cells(user))
    if kind == "mappings" and user is not None and fk_dimensions_hidden(user):
        data = mapping_stats_without_fk_facts(data)
    return data


def snapshots_visible_to(user):
    """The snapshots of the areas whose aggregates `user` sees; the national roll-up (no area)
    only for national roles, as on the dashboard. Each with `is_latest`: no newer version of the
    same area (or the nation) and month exists."""
    area_ids = aggregate_area_ids(user)
    snapshots = MonthlySnapshot.objects.all()
    if area_ids is not None:
        snapshots = snapshots.filter(area_id__in=area_ids)
    newer = MonthlySnapshot.objects.annotate(area_key=Coalesce("area_id", 0)).filter(
        area_key=OuterRef("area_key"), month=OuterRef("month"), version__gt=OuterRef("version")
    )
    snapshots = (
        snapshots.annotate(area_key=Coalesce("area_id", 0))
        .annotate(is_latest=~Exists(newer))
        .select_related("area")
    )
    if suppression.hides_small_cells(user):
        # Two versions of one month, each suppressed, differ by the late changes: a reader of
        # suppressed figures sees the published (newest) version only, as on the dashboard.
        snapshots = snapshots.filter(is_latest=True)
    return snapshots
