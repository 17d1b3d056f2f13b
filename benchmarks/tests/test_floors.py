"""The bench's floors give the product's figures: on a generated national dataset the
hand-written SQL of benchmarks/floors.py and the product's metrics agree on every area and the
nation (what `make bench` also checks before it times them)."""

import datetime as dt

import pytest

from accounts.models import Area
from benchmarks import floors
from benchmarks.reports import check_agree, cohort_metrics
from demo.national import generate
from reporting.snapshots import previous_month
from samverkan.dates import add_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(db):
    generate(participants=600, areas=4, seed=7, progress=False)


def _outcome_totals(rows):
    """(area or None, category) → count, from the floor's rows of the totals."""
    return {(r[0], r[1]): r[-1] for r in rows if r[2:8] == (None,) * 6}


def test_the_floors_and_the_product_agree_area_by_area(national):
    areas = list(Area.objects.order_by("pk").values_list("pk", flat=True))
    checked = 0
    for back in range(0, 24, 3):
        month = add_months(previous_month(dt.date.today()), -back)
        end = add_months(month, 1)
        cohort = add_months(month, -12)
        product = cohort_metrics(month, areas)
        floor = floors.monthly_floor(month, end, cohort, add_months(cohort, 1))
        check_agree(product, floor)  # the nation's totals of the four parts
        totals = _outcome_totals(floor["outcomes"])
        for area_id in [*areas, None]:
            counts = product["outcomes"][area_id]["rows"]["total"]["total"]["counts"]
            for category, n in counts.items():
                if category == "work_or_education":
                    continue
                assert totals.get((area_id, category), 0) == n, (month, area_id, category)
            checked += sum(counts.values())
    # the months compared held people, so the comparison compared something
    assert checked > 0
