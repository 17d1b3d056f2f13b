"""The sample's floor (benchmarks.logreview) draws the product's entries in the product's order
(audit.selectors.log_sample), so the bench compares the same work."""

import datetime as dt

import pytest

from accounts.tests.factories import AreaFactory
from audit import selectors
from audit.models import AccessLog
from audit.periods import day_range, month_bounds
from benchmarks.logreview import sample_floor

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 3, 1)


def test_the_sample_floor_draws_the_products_entries_in_its_order():
    area, other = AreaFactory(code="sdt"), AreaFactory(code="ume")
    low, high = day_range(*month_bounds(MONTH))
    AccessLog.objects.bulk_create(
        AccessLog(
            occurred_at=low + dt.timedelta(hours=7 * i),
            action=AccessLog.Action.VIEW,
            person_id=1 + i % 9 if i % 5 else None,
            area=area if i % 4 else other,
        )
        for i in range(90)
    )
    start, end = month_bounds(MONTH)
    for seed in ["bench", "a", "b", "granskning-mars", "Åsa_2026"]:
        product = selectors.log_sample(area_ids=[area.pk], seed=seed, size=10, start=start, end=end)
        floor = sample_floor(area=area.pk, low=low, high=high, seed=seed)()

        assert [row[0] for row in floor] == [entry.pk for entry in product], seed
