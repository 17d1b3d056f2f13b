"""The access-log review against hand-written, index-backed SQL returning the same rows: the
reviewing coordinator's busiest area, last month, its busiest staff member."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count
from django.urls import reverse

from accounts.models import StaffProfile
from audit import selectors
from audit.models import AccessLog
from audit.periods import day_range, month_bounds
from cases.log_review import selectors as review
from reporting.snapshots import previous_month

from .session import logged_in
from .timing import emit, p50_p95_ms

TARGET = 2.0
P95_MS = 50.0

# The sample's floor: the area's ten entries whose keys follow the seed's starting point, going
# round past the largest key: the index (area, key) read from the starting point and from the
# range's start, ten each, then the ten entries' rows (as the product returns them).
SAMPLE = """
SELECT l.* FROM (
    SELECT * FROM (
        (SELECT id, hashint8extended(id, 0) AS draw FROM audit_accesslog
         WHERE area_id = %(area)s AND person_id IS NOT NULL AND occurred_at >= %(low)s
           AND occurred_at < %(high)s AND hashint8extended(id, 0) >= %(first)s
         ORDER BY 2, 1 LIMIT 10)
        UNION ALL
        (SELECT id, hashint8extended(id, 0) FROM audit_accesslog
         WHERE area_id = %(area)s AND person_id IS NOT NULL AND occurred_at >= %(low)s
           AND occurred_at < %(high)s AND hashint8extended(id, 0) < %(first)s
         ORDER BY 2, 1 LIMIT 10)
    ) candidates ORDER BY draw < %(first)s, draw, id LIMIT 10
) drawn
JOIN audit_accesslog l ON l.id = drawn.id AND l.occurred_at >= %(low)s AND l.occurred_at < %(high)s
ORDER BY drawn.draw < %(first)s, drawn.draw, drawn.id
"""


def _sql(query: str, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    return run


def sample_floor(*, area: int, low, high, seed: str):
    params = {"area": area, "low": low, "high": high, "first": selectors.draw_start(seed)}
    return _sql(SAMPLE, params)


def log_review(repeats: int) -> list[dict]:
    month = previous_month(dt.date.today())
    start, end = month_bounds(month)
    low, high = day_range(start, end)
    busiest = (
        AccessLog.objects.filter(occurred_at__gte=low, occurred_at__lt=high, area__isnull=False)
        .values("area")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        return [emit("logguppföljning", note="ingen logg förra månaden")]
    areas = [busiest["area"]]
    staff = (
        AccessLog.objects.filter(
            occurred_at__gte=low, occurred_at__lt=high, area_id=areas[0], user__isnull=False
        )
        .values("user")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["user"]
    )
    actions = [str(a) for a in selectors.PERSON_ACTIONS]
    queries = {
        "personer en användare öppnat": (
            lambda: selectors.persons_opened_by(
                area_ids=areas, staff_user_id=staff, start=start, end=end
            ),
            _sql(
                "SELECT person_id, count(*), min(occurred_at), max(occurred_at) "
                "FROM audit_accesslog WHERE user_id = %s AND occurred_at >= %s "
                "AND occurred_at < %s AND area_id = ANY(%s) AND person_id IS NOT NULL "
                "AND action = ANY(%s) GROUP BY person_id ORDER BY 2 DESC, 1",
                [staff, low, high, areas, actions],
            ),
        ),
        "stickprov (reproducerbart)": (
            lambda: list(
                selectors.log_sample(area_ids=areas, seed="bench", size=10, start=start, end=end)
            ),
            sample_floor(area=areas[0], low=low, high=high, seed="bench"),
        ),
        "ovanlig åtkomst": (
            lambda: list(
                selectors.unusual_access(area_ids=areas, start=start, end=end, threshold=3)
            ),
            _sql(
                "SELECT user_id, username, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, "
                "count(DISTINCT person_id), count(*) FROM audit_accesslog "
                "WHERE area_id = ANY(%s) AND occurred_at >= %s AND occurred_at < %s "
                "AND outside_caseload AND person_id IS NOT NULL GROUP BY 1, 2, 3 "
                "HAVING count(DISTINCT person_id) >= 3 ORDER BY 4 DESC, 3, 2",
                [areas, low, high],
            ),
        ),
        "angivna skäl": (
            lambda: list(selectors.break_glass_summary(area_ids=areas, start=start, end=end)),
            _sql(
                "SELECT user_id, username, count(*), count(DISTINCT person_id) "
                "FROM audit_accesslog WHERE area_id = ANY(%s) AND occurred_at >= %s "
                "AND occurred_at < %s AND action = 'break_glass' GROUP BY 1, 2 ORDER BY 3 DESC, 2",
                [areas, low, high],
            ),
        ),
        "samtyckeshändelser": (
            lambda: review.consent_events(area_ids=areas, start=start, end=end),
            _sql(
                "SELECT id FROM audit_accesslog WHERE area_id = ANY(%s) AND occurred_at >= %s "
                "AND occurred_at < %s AND object_type = 'consent' "
                "AND action IN ('create', 'update', 'delete') "
                "ORDER BY occurred_at DESC, id DESC LIMIT 500",
                [areas, low, high],
            ),
        ),
    }
    rows = AccessLog.objects.count()
    lines = []
    for label, (product, floor) in queries.items():
        p50, p95 = p50_p95_ms(lambda product=product: list(product()), repeats)
        f50, _f95 = p50_p95_ms(floor, repeats)
        lines.append(
            emit(
                f"logguppföljning: {label}",
                product_ms=p50,
                floor_ms=f50,
                target=f"≤ {TARGET}× och p95 < {P95_MS:.0f} ms",
                met=p50 <= TARGET * f50 and p95 < P95_MS,
                p95=p95,
                log_rows=rows,
            )
        )
    coordinator = StaffProfile.objects.filter(role__code="coordinator", areas=areas[0]).first().user
    client = logged_in(coordinator)
    url = reverse("audit:review")
    params = {"month": f"{month:%Y-%m}", "staff": staff, "seed": "bench", "size": 10}

    def page():
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    p50, p95 = p50_p95_ms(page, repeats)
    lines.append(emit("logguppföljningens sida", product_ms=p50, p95=p95, log_rows=rows, target=""))
    return lines
