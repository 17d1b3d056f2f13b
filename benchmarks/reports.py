"""The monthly job and the report API against their floors."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from accounts.models import Area
from cases.models import Case
from reporting.metrics.inflow import inflow_by_area
from reporting.metrics.monthly import caseload_by_area
from reporting.metrics.outcomes import average_days_by_area, outcomes_by_area
from reporting.snapshots import areas_month_run, previous_month
from samverkan.dates import add_months

from . import floors
from .timing import emit, p50_p95_ms, paired, ratio_met

TARGET = 1.5


class Rollback(Exception):
    pass


def cohort_metrics(month: dt.date, area_ids: list[int]):
    months = [month]
    last = add_months(month, 1) - dt.timedelta(days=1)
    return {
        "outcomes": outcomes_by_area(months=months, area_ids=area_ids, nation=True),
        "average_days": average_days_by_area(months=months, area_ids=area_ids, nation=True),
        "inflow": inflow_by_area(months=months, area_ids=area_ids, nation=True),
        "caseload": caseload_by_area(day=last, area_ids=area_ids, nation=True),
    }


def check_agree(product: dict, floor: dict) -> None:
    """The floor must give the product's figures: the nation's totals of each part."""
    nation = product["outcomes"][None]["rows"]["total"]["total"]["total"]
    floor_nation = sum(r[-1] for r in floor["outcomes"] if r[0] is None and r[2:8] == (None,) * 6)
    assert nation == floor_nation, ("outcomes", nation, floor_nation)
    ended = product["average_days"][None]["rows"]["total"]["total"]["all"]
    floor_ended = next(r for r in floor["average_days"] if r[:3] == (None, None, None))
    assert (ended["count"], ended["days_total"]) == (floor_ended[3], floor_ended[4] or 0), (
        "average_days",
        ended,
        floor_ended,
    )
    started = product["inflow"][None]["period"]["all"]
    floor_started = [r for r in floor["inflow"] if r[0] == "month" and r[1] is None]
    assert started["count"] == sum(r[5] for r in floor_started), "inflow"
    assert started["young"] == sum(r[6] for r in floor_started), "inflow young"
    open_cases = product["caseload"][None]["open_cases"]
    assert open_cases == sum(r[-1] for r in floor["caseload"]), "caseload"


def monthly_job(repeats: int) -> list[dict]:
    month = previous_month(dt.date.today())
    end = add_months(month, 1)
    cohort = add_months(month, -12)
    areas = list(Area.objects.filter(is_active=True).order_by("pk"))
    area_ids = [a.pk for a in areas]

    def product():
        return cohort_metrics(month, area_ids)

    def floor():
        return floors.monthly_floor(month, end, cohort, add_months(cohort, 1))

    check_agree(product(), floor())
    p, f = paired(product, floor, repeats)
    lines = [
        emit(
            f"månadsjobbet: utfall, dagar, inflöde, ärendemängd ({len(areas)} områden + riket)",
            product_ms=p,
            floor_ms=f,
            target=f"≤ {TARGET}×",
            met=ratio_met(p, f, TARGET),
        )
    ]

    def whole_job():
        # Everything the job does, snapshots and deviation checks included, rolled back so each
        # run computes and writes as the first run of the month does.
        try:
            with transaction.atomic():
                areas_month_run(areas=areas, month=month, nation=True, task_id="bench")
                raise Rollback
        except Rollback:
            pass

    p_all, _ = paired(whole_job, floor, max(1, repeats // 2))
    lines.append(
        emit(
            "månadsjobbet: hela körningen (alla sju delar, ögonblicksbilder skrivna)",
            product_ms=p_all,
            floor_ms=f,
            target="golvet täcker fyra av sju delar",
            met=None,
        )
    )
    return lines


def report_api(client, repeats: int) -> list[dict]:
    """Each report over the last twelve months, for the nation and for a middle-sized area."""
    last = previous_month(dt.date.today())
    first = add_months(last, -11)
    end = add_months(last, 1)
    area = _middle_area()
    lines = []
    cases = {
        "outcomes": lambda area_id: floors.outcomes_floor(
            add_months(first, -12), add_months(end, -12), area_id
        ),
        "average-days": lambda area_id: floors.average_days_floor(first, end, area_id),
        "inflow": lambda area_id: floors.inflow_floor(first, end, area_id),
    }
    for name, floor_of in cases.items():
        for label, code, area_id in (
            ("riket", None, None),
            (f"område {area.code}", area.code, area.pk),
        ):
            params = {"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}"}
            if code:
                params["area"] = code
            url = reverse(f"api:report-{name}")

            def product(url=url, params=params):
                response = client.get(url, params)
                assert response.status_code == 200, response.content[:300]
                return response

            p, f = paired(
                product, lambda area_id=area_id, floor_of=floor_of: floor_of(area_id), repeats
            )
            lines.append(
                emit(
                    f"rapport-API {name}, {label}, 12 månader",
                    product_ms=p,
                    floor_ms=f,
                    target=f"≤ {TARGET}×",
                    met=ratio_met(p, f, TARGET),
                )
            )
    # What every authenticated API call costs before any figure (the session and second factor,
    # the scope, the rate limit, the middleware): the simplest call, `/api/v1/me/`. PERFORMANCE.md
    # reads the one-area lines with it.
    me = reverse("api:me")
    fixed, _p95 = p50_p95_ms(lambda: client.get(me), repeats * 4)
    lines.append(
        emit(
            "enklaste autentiserade API-anropet (/api/v1/me/): det fasta priset per anrop",
            product_ms=fixed,
            floor_ms=None,
            target="referens",
            met=None,
        )
    )
    return lines


def _middle_area() -> Area:
    from django.db.models import Count

    areas = list(Area.objects.filter(is_active=True).annotate(n=Count("cases")).order_by("n", "pk"))
    return areas[len(areas) // 2]


def size_of_dataset() -> dict:
    return {"cases": Case.objects.count()}
