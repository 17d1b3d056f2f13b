"""The regions the region tests share (reporting/tests/test_region_*.py, test_chosen_areas_*):
Södertörn and Nacka in an FK verksamhetsområde, Umeå alone in another. The first one's regional
manager is the conftest's `regional_manager`, which leads whichever `region` a test has."""

import pytest

from accounts.models import Agency, Region
from accounts.tests.factories import AreaFactory
from audit.models import AccessLog


def entries():
    """The access log without the login entries of the test clients."""
    return AccessLog.objects.exclude(action=AccessLog.Action.LOGIN).order_by("id")


@pytest.fixture
def nacka(db):
    return AreaFactory(code="nacka", name="Nacka")


@pytest.fixture
def region(area, nacka):
    region = Region.objects.create(
        agency=Agency.objects.get(code="FK"), code="vo-sthlm", name="VO Stockholm"
    )
    region.areas.set([area, nacka])
    return region


@pytest.fixture
def north(other_area):
    region = Region.objects.create(
        agency=Agency.objects.get(code="FK"), code="vo-norr", name="VO Norr"
    )
    region.areas.set([other_area])
    return region
