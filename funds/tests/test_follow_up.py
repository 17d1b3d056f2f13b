"""The funds follow-up's figures (funds.selectors) against sums made by hand, and who sees them
(the report pages' scope: each agency both agencies' figures, management their areas, analysts
the nation; another area is 404, logged)."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory
from funds.models import ActivityCategory, Allocation, Consumption
from mapping.tests.factories import InterventionFactory

D = dt.date
API = "/api/v1/funds/follow-up/"
PERIOD = {"from": "2026-02", "to": "2026-03"}


def category(code: str) -> ActivityCategory:
    return ActivityCategory.objects.get(code=code)


def spend(area, code: str, month: dt.date, amount: int):
    Consumption.objects.create(
        area=area, category=category(code), month=month, amount=amount, source="form"
    )


@pytest.fixture
def books(area, other_area):
    # FK: 1 000 in January and 2 000 in February; AF: 3 000 administration in February and
    # 500 programme in March; another area's FK 7 000 in February.
    spend(area, "hpl-fran-2011", D(2026, 1, 1), 1000)
    spend(area, "hpl-fran-2011", D(2026, 2, 1), 2000)
    spend(area, "forvaltningskostnader", D(2026, 2, 1), 3000)
    spend(area, "aktivitetsstod", D(2026, 3, 1), 500)
    spend(other_area, "hpl-fran-2011", D(2026, 2, 1), 7000)
    Allocation.objects.create(
        year=2026, area=area, category=category("hpl-fran-2011"), amount=12000
    )
    # AF's administration allocated for its whole samverkan, no area
    Allocation.objects.create(year=2026, category=category("forvaltningskostnader"), amount=24000)
    # Three new participants in the period, one with an intervention bought for 800 kr
    people = [PersonFactory(area=area) for _ in range(3)]
    for person, start in zip(people, (D(2026, 2, 3), D(2026, 2, 20), D(2026, 3, 1)), strict=True):
        CaseFactory(person=person, start_date=start, referral_date=start - dt.timedelta(days=5))
    bought = InterventionFactory(
        case=people[2].cases.get(), provider="purchased", cost=800, start_date=D(2026, 3, 10)
    )
    # not counted: no cost recorded, or started outside the period
    InterventionFactory(case=bought.case, provider="purchased", start_date=D(2026, 3, 11))
    InterventionFactory(case=bought.case, provider="purchased", cost=99, start_date=D(2026, 4, 2))


def blocks(response) -> dict:
    assert response.status_code == 200, response.content
    return {b["agency"]: b for b in response.json()["data"]["agencies"]}


def test_consumption_against_the_allocation_in_an_area(books, coordinator, login):
    data = login(coordinator).get(API, {**PERIOD, "area": "sdt"}).json()["data"]
    fk, af = ({b["agency"]: b for b in data["agencies"]}[a] for a in ("FK", "AF"))
    assert Decimal(fk["total"]["consumed"]) == 2000
    assert Decimal(fk["total"]["allocated"]) == 12000
    assert Decimal(fk["total"]["consumed_year"]) == 1000 + 2000  # January through March
    assert fk["share_used"] == 0.25
    assert data["share_of_year_gone"] == 0.25  # three months of twelve
    # AF: administration 3 000; programme 500 + the purchased intervention's 800
    assert Decimal(af["administration"]["consumed"]) == 3000
    assert Decimal(af["programme"]["consumed"]) == 500 + 800
    bought = next(row for row in af["rows"] if row["code"] == "kopta-insatser")
    assert Decimal(bought["consumed"]) == 800 and bought["kind"] == "programme"
    # the allocation without area belongs to no area
    assert Decimal(af["total"]["allocated"]) == 0 and af["share_used"] is None
    # cost per new participant: both agencies' 6 300 over three new participants
    total = data["total"]
    assert Decimal(total["consumed"]) == 2000 + 3000 + 500 + 800
    assert Decimal(total["cost_per_new_participant"]["amount"]) == Decimal(6300) / 3
    assert total["cost_per_work_or_education"] == {"amount": None, "hidden": False}


def test_the_nation_holds_every_area_and_allocation(books, analyst, login):
    fk, af = (blocks(login(analyst).get(API, PERIOD))[a] for a in ("FK", "AF"))
    assert Decimal(fk["total"]["consumed"]) == 2000 + 7000
    assert Decimal(af["total"]["allocated"]) == 24000
    # the year's AF consumption: administration, programme and the purchased intervention
    assert af["share_used"] == round((3000 + 500 + 800) / 24000, 4)


def test_management_sees_the_money_but_not_a_cost_per_fewer_than_five(books, management, login):
    data = login(management).get(API, PERIOD).json()["data"]
    assert Decimal(data["total"]["consumed"]) == 6300
    assert data["total"]["cost_per_new_participant"] == {"amount": None, "hidden": True}


def test_each_agency_sees_the_others_figures_on_the_page(books, af_officer, login):
    response = login(af_officer).get("/statistik/medel/", {"fran": "2026-02", "till": "2026-03"})
    html = response.content.decode()
    assert 'data-testid="table-forbrukning-fk"' in html
    assert "Kvarvarande HPL-samverkan från 2011" in html


def test_an_outsider_gets_404_for_another_area_and_sees_only_their_own(
    books, outsider, other_area, login
):
    client = login(outsider)
    assert client.get(API, {**PERIOD, "area": "sdt"}).status_code == 404
    assert (
        client.get(
            "/statistik/medel/", {"fran": "2026-02", "till": "2026-03", "omrade": "sdt"}
        ).status_code
        == 404
    )
    assert AccessLog.objects.filter(
        user=outsider, action=AccessLog.Action.DENIED, area_id__isnull=False
    ).exists()
    fk = blocks(client.get(API, PERIOD))["FK"]
    assert Decimal(fk["total"]["consumed"]) == 7000  # their own area only


def test_reads_and_downloads_are_logged_as_the_reports_are(books, management, login):
    client = login(management)
    client.get("/statistik/medel/", {"fran": "2026-02", "till": "2026-03"})
    csv = client.get(
        "/statistik/medel/", {"fran": "2026-02", "till": "2026-03", "csv": "forbrukning-af"}
    )
    assert csv["Content-Type"].startswith("text/csv")
    assert "Köpta insatser" in csv.content.decode("utf-8-sig")
    xlsx = client.get("/statistik/medel/", {"fran": "2026-02", "till": "2026-03", "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    actions = list(
        AccessLog.objects.filter(user=management, object_id="funds")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AccessLog.Action.VIEW, AccessLog.Action.EXPORT, AccessLog.Action.EXPORT]


def test_a_bad_period_is_a_swedish_message_not_an_error(management, login):
    client = login(management)
    response = client.get(API, {"from": "2026-13"})
    assert response.status_code == 400
    page = client.get("/statistik/medel/", {"fran": "2026-13", "till": "2026-01"})
    assert page.status_code == 200 and "Ange månaden som ÅÅÅÅ-MM" in page.content.decode()
