"""A region in the report API and on the report pages (issue 20 point 2: a group of areas is a
region or a chosen list): `?region=<code>` sums the region's active areas (with those of `area`
besides), for the readers who may see the region (reporting.computed.visible_region); any other
region is the same logged 404 as an area outside the reader's scope, a region without active
areas a 400 naming the parameter. Figures worked out by hand in the comments."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Agency, Region
from accounts.tests.factories import AreaFactory, staff
from audit.models import AccessLog

from .regions import entries, nacka, north, region
from .test_dashboard import started
from .test_report_api import get

# The regions' fixtures, used here by name.
__all__ = ["nacka", "north", "region"]

pytestmark = pytest.mark.django_db

JANUARY = {"from": "2025-01", "to": "2025-01"}


@pytest.fixture
def started_in_january(area, nacka, other_area):
    """January 2025: 6 new in Södertörn, 7 in Nacka, 5 in Umeå (women of 44, none young)."""
    started(area, dt.date(2025, 1, 10), 6)
    started(nacka, dt.date(2025, 1, 12), 7)
    started(other_area, dt.date(2025, 1, 14), 5)


def new_in_period(response) -> int:
    return response.json()["data"]["period"]["all"]["count"]


def test_a_regional_manager_gets_the_sum_of_their_regions_areas(
    login, regional_manager, region, started_in_january
):
    client = login(regional_manager)

    summed = get(client, "inflow", region="vo-sthlm", **JANUARY)
    alone = [get(client, "inflow", area=code, **JANUARY) for code in ("sdt", "nacka")]

    assert summed.status_code == 200, summed.content[:300]
    body = summed.json()
    assert (body["region"], body["areas"], body["area"], body["national"]) == (
        "vo-sthlm",
        ["nacka", "sdt"],
        None,
        False,
    )
    assert body["suppressed"] is True  # a regional manager sees no cases: small cells hidden
    # 6 (Södertörn) + 7 (Nacka) = 13, Umeå's 5 left out; the same as the two areas asked apart
    assert [new_in_period(response) for response in alone] == [6, 7]
    assert new_in_period(summed) == 13
    assert body["data"]["months"]["2025-01"]["all"]["count"] == 13
    read = entries().filter(action=AccessLog.Action.VIEW, object_id="inflow").first()
    assert read.purpose == "rapport inflow 2025-01, region vo-sthlm (områdena nacka, sdt)"


def test_a_region_and_areas_are_summed_together_and_the_csv_says_so(
    login, analyst, region, started_in_january
):
    client = login(analyst)

    both = get(client, "inflow", region="vo-sthlm", area="ume", **JANUARY)
    as_csv = get(client, "inflow", region="vo-sthlm", format="csv", **JANUARY)
    with_area_csv = get(client, "inflow", region="vo-sthlm", area="ume", format="csv", **JANUARY)

    # 6 + 7 + 5
    assert (both.json()["areas"], new_in_period(both)) == (["nacka", "sdt", "ume"], 18)
    assert as_csv["Content-Disposition"] == (
        'attachment; filename="samverkan-inflow-2025-01-vo-sthlm.csv"'
    )
    assert with_area_csv["Content-Disposition"] == (
        'attachment; filename="samverkan-inflow-2025-01-vo-sthlm-ume.csv"'
    )
    export = entries().filter(action=AccessLog.Action.EXPORT).first()
    assert export.purpose.endswith("region vo-sthlm (områdena nacka, sdt) (CSV)")


def test_a_region_outside_the_managers_scope_is_404_and_logged(
    login, regional_manager, north, started_in_january
):
    response = get(login(regional_manager), "inflow", region="vo-norr", **JANUARY)

    assert response.status_code == 404
    entry = entries().get()
    assert (entry.action, entry.user, entry.object_type, entry.object_id, entry.purpose) == (
        AccessLog.Action.DENIED,
        regional_manager,
        "report",
        "vo-norr",
        "rapport inflow, region utanför behörigheten",
    )


@pytest.mark.parametrize("code", ["vo-okand", "vo\x00sthlm", "x" * 200, "å"])
def test_an_unknown_region_is_404_and_logged(login, analyst, region, code):
    response = get(login(analyst), "outcomes", region=code, **JANUARY)

    assert response.status_code == 404
    entry = entries().get()
    assert (entry.action, entry.object_type) == (AccessLog.Action.DENIED, "report")


def test_an_inactive_region_is_404_even_for_the_nation(login, analyst, region):
    region.is_active = False
    region.save()

    assert get(login(analyst), "inflow", region="vo-sthlm", **JANUARY).status_code == 404


def test_a_region_without_active_areas_is_400_naming_the_parameter(login, analyst, db):
    empty = Region.objects.create(
        agency=Agency.objects.get(code="AF"), code="mo-tom", name="MO Tom"
    )
    empty.areas.set([AreaFactory(code="stangt", name="Stängt", is_active=False)])

    response = get(login(analyst), "inflow", region="mo-tom", **JANUARY)

    assert response.status_code == 400
    assert response.json() == {"region": ["Regionen MO Tom har inga aktiva samverkansområden."]}
    assert not entries().filter(action=AccessLog.Action.VIEW).exists()


@pytest.mark.parametrize("who", ["fk_officer", "outsider", "coordinator"])
def test_an_area_role_cannot_use_a_region(request, login, region, north, who):
    """Even the region of their own area (Södertörn lies in VO Stockholm): a region is the
    regional managers' and the national roles' choice (accounts.Region.objects.visible_to)."""
    user = request.getfixturevalue(who)

    for code in ("vo-sthlm", "vo-norr"):
        assert get(login(user), "inflow", region=code, **JANUARY).status_code == 404
    assert entries().filter(action=AccessLog.Action.DENIED).count() == 2


def test_another_regional_manager_cannot_use_this_region(login, region, north):
    northern_manager = staff("fk_regional_manager", regions=[north], username="vo.norr")

    response = get(login(northern_manager), "inflow", region="vo-sthlm", **JANUARY)

    assert response.status_code == 404
    assert entries().get().object_id == "vo-sthlm"


# --- the report page, the same rule ---------------------------------------------------------------


def test_the_report_page_sums_a_region_with_a_chosen_area_and_names_both(
    login, analyst, region, started_in_january
):
    url = reverse("reporting:report", args=["nya-deltagare"])
    page = login(analyst).get(
        url, {"fran": "2025-01", "till": "2025-01", "region": "vo-sthlm", "omrade": "ume"}
    )

    assert page.status_code == 200
    assert page.context["place"] == "VO Stockholm och Umeå"
    assert page.context["data"]["period"]["all"]["count"] == 18  # 6 + 7 + 5
    assert "region=vo-sthlm" in page.context["xlsx_url"]
    # the other periods are of the same region and area
    assert all(url.endswith("omrade=ume&region=vo-sthlm") for url, _ in page.context["shortcuts"])
    xlsx = login(analyst).get(page.context["xlsx_url"])
    assert "-vo-sthlm-ume.xlsx" in xlsx["Content-Disposition"]


def test_the_report_page_says_a_region_has_no_active_areas(login, analyst, db):
    empty = Region.objects.create(
        agency=Agency.objects.get(code="AF"), code="mo-tom", name="MO Tom"
    )
    empty.areas.set([AreaFactory(code="stangt", name="Stängt", is_active=False)])

    page = login(analyst).get(
        reverse("reporting:report", args=["nya-deltagare"]),
        {"fran": "2025-01", "till": "2025-01", "region": "mo-tom"},
    )

    assert page.status_code == 200 and "tables" not in page.context
    assert page.context["form"].errors["region"] == [
        "Regionen MO Tom har inga aktiva samverkansområden."
    ]
