"""The staffing the norms call for (funds.selectors.staffing) beside the work plan and the
officers' recorded working time, checked against figures made by hand: a management group
compares its area's need with its plan."""

import datetime as dt
from decimal import Decimal

import pytest

from cases.models import RuleSet
from cases.tests.factories import CaseFactory, PersonFactory
from funds.models import FteCost
from reporting.models import WorkPlan
from reporting.tests.html_tables import read_table

D = dt.date


@pytest.fixture
def participants(area, fk_officer, af_officer):
    # Seven cases open on 28 February 2026, one closed on 10 February, one starting in March.
    for _ in range(7):
        CaseFactory(person=PersonFactory(area=area), start_date=D(2026, 1, 15))
    CaseFactory(
        person=PersonFactory(area=area),
        start_date=D(2026, 1, 5),
        end_date=D(2026, 2, 10),
        phase="closed",
    )
    CaseFactory(person=PersonFactory(area=area), start_date=D(2026, 3, 2))
    WorkPlan.objects.create(area=area, year=2026, planned_fk_fte="1.5", planned_af_fte="2.0")
    af_officer.staff_profile.working_time_share = Decimal("0.50")
    af_officer.staff_profile.save(update_fields=["working_time_share"])
    FteCost.objects.create(year=2026, agency=fk_officer.staff_profile.agency, cost_per_fte=600000)
    FteCost.objects.create(year=2026, agency=af_officer.staff_profile.agency, cost_per_fte=480000)


def test_the_need_is_the_active_participants_over_the_rule_sets_norms(
    participants, management, login
):
    response = login(management).get(
        "/api/v1/funds/follow-up/", {"from": "2026-02", "to": "2026-03", "area": "sdt"}
    )
    february, march = response.json()["data"]["staffing"]
    rules = RuleSet.for_date(D(2026, 2, 28))
    assert (rules.norm_fk, rules.norm_af) == (70, 40)  # the 2010 plan's norms
    assert february["active"] == 7 and march["active"] == 8
    assert february["fk"]["need"] == "0.1"  # 7 / 70
    assert february["af"]["need"] == "0.2"  # 7 / 40 = 0.175, one decimal
    assert february["fk"]["planned"] == "1.5" and february["af"]["planned"] == "2.0"
    assert february["fk"]["recorded"] == "1.0" and february["af"]["recorded"] == "0.5"
    # the cost of the need: 7/70 × 600 000 / 12 and 7/40 × 480 000 / 12
    assert Decimal(february["fk"]["cost"]) == Decimal(7) / 70 * 600000 / 12
    assert Decimal(february["af"]["cost"]) == Decimal(7) / 40 * 480000 / 12
    assert Decimal(february["cost"]) == 5000 + 7000


def test_another_rule_set_changes_the_norm(participants, management, login):
    RuleSet.objects.create(name="Ny norm", valid_from=D(2026, 3, 1), norm_af=20, norm_fk=35)
    response = login(management).get(
        "/api/v1/funds/follow-up/", {"from": "2026-03", "to": "2026-03"}
    )
    march = response.json()["data"]["staffing"][0]
    assert march["af"]["need"] == "0.4" and march["fk"]["need"] == "0.2"  # 8/20, 8/35


def test_a_year_without_a_cost_per_fte_shows_none_and_the_page_shows_the_table(
    participants, management, login
):
    FteCost.objects.all().delete()
    client = login(management)
    data = client.get("/api/v1/funds/follow-up/", {"from": "2026-02", "to": "2026-02"}).json()
    assert data["data"]["staffing"][0]["cost"] is None
    page = client.get("/statistik/medel/", {"fran": "2026-02", "till": "2026-02"}).content.decode()
    rows = {header: cells for _s, header, cells in read_table(page, "table-bemanning")}
    assert rows["2026-02"][:4] == ["7", "0,1", "1,5", "1,0"]
    assert rows["2026-02"][-1] == "–"
