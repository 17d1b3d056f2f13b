"""Reads for the coordinator's log review (logguppföljning, SPEC §7), of the reviewer's areas
(the page, cases.log_review, checks who reviews). All set-based SQL."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import TruncDate

from .models import AccessLog
from .periods import day_range

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


# The sample (`log_sample`): per area, the `size` first keys from the seed's starting point on
# and the `size` first of the whole range (for going round), each read from the index (area,
# key) of the period's months; of these the first `size` in the order drawn; then their rows.
# The key is `models.DRAW_KEY`, spelt out.
SAMPLE = """
SELECT entry.* FROM (
    SELECT drawn.* FROM unnest(%(areas)s::bigint[]) AS area (id) CROSS JOIN LATERAL (
        (SELECT id, hashint8extended(id, 0) AS draw FROM "audit_accesslog"
         WHERE area_id = area.id AND person_id IS NOT NULL AND occurred_at >= %(low)s
           AND occurred_at < %(high)s AND hashint8extended(id, 0) >= %(first)s
         ORDER BY 2, 1 LIMIT %(size)s)
        UNION ALL
        (SELECT id, hashint8extended(id, 0) FROM "audit_accesslog"
         WHERE area_id = area.id AND person_id IS NOT NULL AND occurred_at >= %(low)s
           AND occurred_at < %(high)s AND hashint8extended(id, 0) < %(first)s
         ORDER BY 2, 1 LIMIT %(size)s)
    ) drawn
    ORDER BY drawn.draw < %(first)s, drawn.draw, drawn.id LIMIT %(size)s
) drawn
JOIN "audit_accesslog" entry
  ON entry.id = drawn.id AND entry.occurred_at >= %(low)s AND entry.occurred_at < %(high)s
ORDER BY drawn.draw < %(first)s, drawn.draw, drawn.id
"""


def draw_start(seed: str) -> int:
    """Where in the keys' range (signed 64-bit, as `DRAW_KEY`) the seed's draw starts."""
    digest = hashlib.sha256(seed.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def log_sample(*, area_ids, seed: str, size: int, start: dt.date, end: dt.date) -> list[AccessLog]:
    """The period's reproducible random sample of entries about a person, in the order drawn.

    Each entry has a fixed pseudo-random key (`models.DRAW_KEY`, a hash of its id); the seed
    picks a starting point in the keys' range (`draw_start`) and the draw takes the `size`
    entries whose keys follow it, going round to the smallest keys at the end of the range. Per
    area that is at most twice `size` entries of the index (area, key) (`accesslog_area_draw`),
    whatever the month's size:

    - the same seed over the same (append-only) period gives the same entries in the same order;
    - different seeds start at different points and give different samples (the same one only
      if both points fall between the same two neighbouring keys);
    - every entry of the period can be drawn (by a seed starting just before its key), and
      whether it is does not depend on who, whom or when: its key is a hash of its id. Over
      seeds its chance is the share of the keys' range that the `size` keys up to its own span:
      on average `size` in the number of entries, give or take about 1/√size of that (a third
      for ten);
    - entries of other areas never: each area's keys are read within the area."""
    if not area_ids:
        return []
    low, high = day_range(start, end)
    params = {"areas": list(area_ids), "low": low, "high": high, "size": size}
    return list(AccessLog.objects.raw(SAMPLE, {**params, "first": draw_start(seed)}))


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
