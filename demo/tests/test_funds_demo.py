"""The demo money (demo.funds): the follow-up page has figures in the demo, and loading the
demo again adds nothing."""

import datetime as dt

from funds.models import Allocation, Consumption, FteCost


def test_the_demo_money_is_loaded_once(area, management, login):
    from demo.funds import MONTHLY, funds_demo_load

    today = dt.date(2026, 12, 7)
    funds_demo_load(areas=[area], today=today)
    counts = (Consumption.objects.count(), Allocation.objects.count(), FteCost.objects.count())
    assert counts == (12 * len(MONTHLY), len(MONTHLY), 4)
    funds_demo_load(areas=[area], today=today)
    assert (
        Consumption.objects.count(),
        Allocation.objects.count(),
        FteCost.objects.count(),
    ) == counts
    page = login(management).get("/statistik/medel/", {"fran": "2025-12", "till": "2026-11"})
    assert 'data-testid="table-forbrukning-af"' in page.content.decode()
    assert "Ingen förbrukning" not in page.content.decode()
