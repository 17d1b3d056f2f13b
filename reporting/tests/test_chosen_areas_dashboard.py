"""Areas chosen on /statistik/ and summed (issue 20 point 2: "a group of areas" is a region or a
chosen list): `?omrade=<code>&omrade=<code>` shows the sum of those areas' snapshots exactly as a
region of the same areas shows it, each area within the reader's scope or a logged 404; the
page offers the choice to those who see two areas or more."""

import re

import pytest
from django.urls import reverse

from audit.models import AccessLog

from .regions import entries, nacka, region
from .test_dashboard import table
from .test_region_dashboard import no_suppression, two_areas

pytestmark = pytest.mark.django_db

URL = reverse("reporting:overview")
CHOSEN = {"omrade": ["sdt", "nacka"]}

# The region's fixtures, used here by name.
__all__ = ["nacka", "no_suppression", "region", "two_areas"]


def test_chosen_areas_are_summed_as_the_region_of_the_same_areas(
    login, regional_manager, region, two_areas, no_suppression
):
    client = login(regional_manager)

    page = client.get(URL, CHOSEN)
    as_region = client.get(URL, {"region": region.code})

    assert page.status_code == 200
    assert page.context["place"] == "Nacka, Södertörn"
    assert "Översikt för valda områden" in page.content.decode()
    # January 6 + 7 = 13, February 5 + 4 = 9, March 0 + 3 = 3 (the region's test works them out)
    inflow = table(page, "inflode")
    assert [inflow[month][0] for month in ("2025-01", "2025-02", "2025-03")] == ["13", "9", "3"]
    for key in ("inflode", "dag365", "ogonblicksbilder"):
        assert table(page, key) == table(as_region, key), key
    # the access log names the areas summed
    read = entries().filter(action=AccessLog.Action.VIEW, object_id="nacka+sdt").get()
    assert read.purpose == "uppföljning: statistik, valda områden (nacka, sdt)"


def test_the_tables_csv_keeps_the_areas_chosen(login, regional_manager, two_areas, no_suppression):
    client = login(regional_manager)
    page = client.get(URL, CHOSEN).content.decode()

    link = re.search(r'href="([^"]*csv=inflode[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "omrade=nacka" in link and "omrade=sdt" in link
    download = client.get(link)

    assert download.status_code == 200
    assert "statistik-nacka+sdt-inflode" in download["Content-Disposition"]
    assert (
        entries()
        .filter(action=AccessLog.Action.EXPORT, purpose__endswith="valda områden (nacka, sdt)")
        .exists()
    )


def test_an_area_outside_the_readers_scope_is_a_logged_404(
    login, regional_manager, other_area, two_areas
):
    response = login(regional_manager).get(URL, {"omrade": ["sdt", "ume"]})

    assert response.status_code == 404
    refused = entries().get(action=AccessLog.Action.DENIED)
    assert (refused.object_type, refused.object_id) == ("dashboard", "ume")


def test_the_choice_is_offered_to_those_who_see_several_areas(
    login, regional_manager, area, nacka, management
):
    page = login(regional_manager).get(URL).content.decode()
    form = re.search(r'data-testid="area-group-form".*?</details>', page, re.S).group(0)
    assert re.findall(r'name="omrade" value="([^"]+)"', form) == ["nacka", "sdt"]  # by name

    # one area: nothing to sum, no form
    assert 'data-testid="area-group-form"' not in login(management).get(URL).content.decode()
    # one area ticked is that area's own dashboard
    one = login(regional_manager).get(URL, {"omrade": ["sdt"]})
    assert one.context["board"].area == area and not one.context["board"].chosen


def test_a_single_area_officer_cannot_sum_another_area(login, fk_officer, area, nacka):
    response = login(fk_officer).get(URL, CHOSEN)
    assert response.status_code == 404
