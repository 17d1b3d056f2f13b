"""Reads for the coordinator's log review (logguppföljning, SPEC §7), of the reviewer's areas
(the page, cases.log_review, checks who reviews). All set-based SQL."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate

from .models import AccessLog

PERSON_ACTIONS = [
    AccessLog.Action.VIEW,
    AccessLog.Action.EXPORT,
    AccessLog.Action.CREATE,
    AccessLog.Action.UPDATE,
    AccessLog.Action.DELETE,
    AccessLog.Action.BREAK_GLASS,
]


def access_log_of_areas(*, area_ids) -> QuerySet[AccessLog]:
    """Entries about the reviewer's areas (the caller checks that the user reviews the log)."""
    if not area_ids:
        return AccessLog.objects.none()
    return AccessLog.objects.filter(area_id__in=area_ids).select_related("user", "area")


def log_for_person(*, area_ids, person_id: int) -> QuerySet[AccessLog]:
    return access_log_of_areas(area_ids=area_ids).filter(person_id=person_id)


def persons_opened_by(*, area_ids, staff_user_id: int, start: dt.date, end: dt.date):
    """One row per person the staff member opened in the period, with count and first/last."""
    qs = (
        access_log_of_areas(area_ids=area_ids)
        .on_days(start, end)
        .filter(user_id=staff_user_id, person_id__isnull=False, action__in=PERSON_ACTIONS)
    )
    return (
        qs.values("person_id")
        .annotate(accesses=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("-accesses", "person_id")
    )


def log_sample(*, area_ids, seed: str, size: int, start: dt.date, end: dt.date):
    """A reproducible random sample: entries ordered by md5(seed || id). The same seed over the
    same (append-only) period always gives the same entries."""
    qs = access_log_of_areas(area_ids=area_ids).on_days(start, end).filter(person_id__isnull=False)
    return qs.annotate(draw=RawSQL("md5(%s || audit_accesslog.id::text)", (seed,))).order_by(
        "draw"
    )[:size]


def unusual_access(*, area_ids, start: dt.date, end: dt.date, threshold: int):
    """Users who on one day opened `threshold` or more distinct people outside their caseload."""
    qs = (
        access_log_of_areas(area_ids=area_ids)
        .on_days(start, end)
        .filter(outside_caseload=True, person_id__isnull=False)
    )
    return (
        qs.annotate(day=TruncDate("occurred_at"))
        .values("user_id", "username", "day")
        .annotate(persons=Count("person_id", distinct=True), accesses=Count("id"))
        .filter(persons__gte=threshold)
        .order_by("-persons", "day", "username")
    )


def break_glass_summary(*, area_ids, start: dt.date, end: dt.date):
    """Per user: how many reasons were stated and for how many people."""
    qs = (
        access_log_of_areas(area_ids=area_ids)
        .on_days(start, end)
        .filter(action=AccessLog.Action.BREAK_GLASS)
    )
    return (
        qs.values("user_id", "username")
        .annotate(reasons=Count("id"), persons=Count("person_id", distinct=True))
        .order_by("-reasons", "username")
    )
