"""The status report (SPEC §5): in a mapping, active, waiting and ended (with the occupation
after) on a day or for a period, by area and sex."""

import datetime as dt

import pytest
import time_machine

from mapping.tests.factories import InterventionFactory
from reporting.metrics import status_report, status_report_period

from .test_metrics_given import case, mapping, person, status

DAY = dt.date(2025, 3, 31)


@pytest.fixture
def population(area, other_area):
    """Registered on 1 March 2025 (interventions are planned from the day they are recorded)."""
    with time_machine.travel(dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        # open cases on the day: active without interventions, waiting for a planned one, active
        # in a running one
        case(person=person(area=area, sex="K"), start=dt.date(2025, 1, 1))
        waiting = case(person=person(area=area, sex="M"), start=dt.date(2025, 2, 1))
        InterventionFactory(case=waiting)  # planned, not started
        running = case(person=person(area=area, sex="K"), start=dt.date(2025, 2, 1))
        InterventionFactory(case=running, start_date=dt.date(2025, 3, 2))
        # ended on the day, in work since 20 March; ended the day before, no status: other
        ended = person(area=area, sex="M")
        case(person=ended, start=dt.date(2024, 6, 1), end=DAY)
        status(ended, dt.date(2025, 3, 20), "work_unsubsidised")
        case(
            person=person(area=area, sex="K"), start=dt.date(2024, 6, 1), end=DAY - dt.timedelta(1)
        )
        # referred, not started: not counted
        case(
            person=person(area=area),
            start=None,
            referral_date=dt.date(2025, 3, 20),
            phase="referred",
        )
        # mappings: held and open; requested, not held; ended on the day
        mapping(
            person=person(area=area, sex="K"),
            first_meeting=dt.date(2025, 3, 10),
            requested_on=dt.date(2025, 3, 1),
        )
        mapping(
            person=person(area=area, sex="K"), first_meeting=None, requested_on=dt.date(2025, 3, 20)
        )
        mapping(
            person=person(area=area, sex="M"),
            first_meeting=dt.date(2025, 3, 10),
            requested_on=dt.date(2025, 3, 1),
            ended_on=DAY,
            decision="no_action",
        )
        # the other area: one active case of a man
        case(person=person(area=other_area, sex="M"), start=dt.date(2025, 1, 1))


def row(**given):
    occupation = dict.fromkeys(
        [
            "work_unsubsidised",
            "work_subsidised",
            "education",
            "self_employed",
            "work_or_education",
            "labour_market_programme",
            "openly_unemployed",
            "other",
        ],
        0,
    )
    occupation.update(given.pop("ended_occupation", {}))
    states = dict.fromkeys(
        [
            "in_mapping",
            "waiting_for_mapping",
            "active",
            "waiting_for_intervention",
            "waiting",
            "ended",
        ],
        0,
    )
    return {**states, **given, "ended_occupation": occupation}


def test_the_states_on_a_day_by_area_and_sex(area, other_area, population):
    report = status_report(day=DAY, area_ids=[area.pk])

    assert report["day"] == "2025-03-31"
    assert report["total"]["all"] == row(
        in_mapping=1,
        waiting_for_mapping=1,
        active=2,
        waiting_for_intervention=1,
        waiting=2,
        ended=1,
        ended_occupation={"work_unsubsidised": 1, "work_or_education": 1},
    )
    assert report["total"]["K"] == row(in_mapping=1, waiting_for_mapping=1, active=2, waiting=1)
    assert report["total"]["M"] == row(
        waiting_for_intervention=1,
        waiting=1,
        ended=1,
        ended_occupation={"work_unsubsidised": 1, "work_or_education": 1},
    )
    assert list(report["areas"]) == [str(area.pk)]
    assert report["areas"][str(area.pk)]["all"] == report["total"]["all"]

    # and the nation adds the other area, shown as its own area
    nation = status_report(day=DAY, area_ids=None)
    assert nation["total"]["all"]["active"] == 3
    assert nation["areas"][str(other_area.pk)]["M"] == row(active=1)


def test_a_period_counts_the_states_on_its_last_day_and_everyone_ended_in_it(area, population):
    report = status_report_period(months=[dt.date(2025, 3, 1)], area_ids=[area.pk])

    assert (report["day"], report["months"]) == ("2025-03-31", ["2025-03"])
    assert report["total"]["all"] == row(
        in_mapping=1,
        waiting_for_mapping=1,
        active=2,
        waiting_for_intervention=1,
        waiting=2,
        ended=2,
        ended_occupation={"work_unsubsidised": 1, "work_or_education": 1, "other": 1},
    )
    assert report["total"]["K"]["ended_occupation"]["other"] == 1
