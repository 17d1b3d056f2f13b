"""Inflow (SPEC §5): new participants per month by target group and background variable (as
Tabell 2), the young participants' inflow and share, women and men side by side; anonymous
participants are counted (SPEC §3)."""

import datetime as dt

from cases.flags import is_young
from cases.models import RuleSet
from reporting.metrics import inflow

from .test_metrics_given import case, person

JANUARY, FEBRUARY = dt.date(2025, 1, 1), dt.date(2025, 2, 1)


def test_new_participants_per_month_young_and_by_sex(area):
    # given four cases started in January and February 2025
    case(  # 30 on the start day: not young
        person=person(area=area, sex="K", birth=dt.date(1995, 1, 10)),
        start=dt.date(2025, 1, 10),
        target_group="sick_unemployed",
    )
    case(  # 29 (turns 30 the day after): young; anonymous (protected, no consent): counted
        person=person(
            area=area,
            sex="K",
            birth=dt.date(1995, 1, 21),
            protected_identity=True,
            consent_from=None,
        ),
        start=dt.date(2025, 1, 20),
        target_group="young_activity_comp",
    )
    case(  # 24: young
        person=person(area=area, sex="M", birth=dt.date(2000, 6, 1), born_abroad=True),
        start=dt.date(2025, 2, 3),
        target_group="young_activity_comp",
    )
    case(  # 65
        person=person(area=area, sex="M", birth=dt.date(1960, 1, 1), born_abroad=False),
        start=dt.date(2025, 2, 28),
        target_group="employed_cannot_return",
    )
    # and cases started just outside the period
    case(person=person(area=area), start=dt.date(2024, 12, 31))
    case(person=person(area=area), start=dt.date(2025, 3, 1))

    figures = inflow(months=[JANUARY, FEBRUARY], area_ids=[area.pk])

    # then per month: January two women, one young; February two men, one young
    assert figures["months"]["2025-01"] == {
        "all": {"count": 2, "young": 1, "young_share": "50%"},
        "K": {"count": 2, "young": 1, "young_share": "50%"},
        "M": {"count": 0, "young": 0, "young_share": "–"},
    }
    assert figures["months"]["2025-02"]["M"] == {"count": 2, "young": 1, "young_share": "50%"}
    assert figures["period"] == {
        "all": {"count": 4, "young": 2, "young_share": "50%"},
        "K": {"count": 2, "young": 1, "young_share": "50%"},
        "M": {"count": 2, "young": 1, "young_share": "50%"},
    }
    # and as Tabell 2: target group counts and shares of the row total
    total = figures["rows"]["total"]["total"]
    assert total["total"] == 4
    assert total["counts"]["young_activity_comp"] == 2
    assert total["shares"] == {
        "sick_unemployed": "25%",
        "unemployed_sickness_comp": "0%",
        "young_activity_comp": "50%",
        "employed_cannot_return": "25%",
        "exhausted_insurance": "0%",
        "unknown": "0%",
    }
    assert figures["rows"]["sex"]["K"]["shares"]["sick_unemployed"] == "50%"
    assert figures["rows"]["age_band"]["25_34"]["counts"]["sick_unemployed"] == 1
    assert figures["rows"]["age_band"]["25_34"]["counts"]["young_activity_comp"] == 1
    assert figures["rows"]["age_band"]["65_plus"]["total"] == 1
    assert figures["rows"]["born_abroad"]["abroad"]["shares"]["young_activity_comp"] == "100%"
    assert figures["rows"]["born_abroad"]["unknown"]["total"] == 2
    assert figures["rows"]["age_band"]["45_54"]["total_share"] == "–"


def test_young_follows_the_rule_set_of_the_cases_referral(area):
    # given a rule set from 15 January 2025 where young is at most 25
    RuleSet.objects.create(name="Skärpt", valid_from=dt.date(2025, 1, 15), young_max_age=25)
    born = dt.date(1997, 6, 1)  # 27 on 1 February 2025
    referred_before = case(
        person=person(area=area, birth=born),
        start=dt.date(2025, 2, 1),
        referral_date=dt.date(2025, 1, 10),
    )
    referred_after = case(
        person=person(area=area, birth=born),
        start=dt.date(2025, 2, 1),
        referral_date=dt.date(2025, 1, 20),
    )

    figures = inflow(months=[FEBRUARY], area_ids=[area.pk])

    # then the case referred under the 2010 set (29) is young, the other (25) is not
    assert figures["period"]["all"] == {"count": 2, "young": 1, "young_share": "50%"}
    # as the worklist's young flag says
    assert [is_young(c) for c in (referred_before, referred_after)] == [True, False]


def test_inflow_by_area_and_for_the_nation(area, other_area):
    case(person=person(area=area), start=dt.date(2025, 1, 2))
    case(person=person(area=other_area), start=dt.date(2025, 1, 3))

    assert inflow(months=[JANUARY], area_ids=[area.pk])["period"]["all"]["count"] == 1
    assert inflow(months=[JANUARY], area_ids=None)["period"]["all"]["count"] == 2
    assert inflow(months=[JANUARY], area_ids=[])["period"]["all"]["count"] == 0


def test_the_months_and_every_background_variable_come_from_one_query(area, db):
    # One pass over the new cases (GROUPING SETS) gives the months by sex with the young and the
    # Tabell 2 rows: a second scan of the same cases would double the report's cost.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        inflow(months=[dt.date(2025, 1, 1), dt.date(2025, 2, 1)], area_ids=[area.pk])

    scans = [q["sql"] for q in queries if '"cases_case"' in q["sql"]]
    assert len(scans) == 1 and "GROUPING SETS" in scans[0]
