"""An imported population counts in the day-365 outcome (SPEC §5): registered by personnummer is
registered in follow-up, recorded by the import as a consent from the first case day."""

import datetime as dt

import pytest

from cases.tests.factories import PersonFactory
from imports.services import import_file
from reporting.metrics.outcomes import outcomes
from samverkan.services import AccessContext

from .conftest import ANNA, BO, CECILIA, PERSONS, csv_file

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def test_imported_people_are_counted_in_the_day_365_outcome(area, coordinator):
    # given three people imported today, with cases that started in January 2023
    import_file(
        kind="persons",
        data=PERSONS,
        context=AccessContext.for_user(coordinator),
        today=D("2026-03-02"),
    )
    import_file(
        kind="cases",
        data=csv_file(
            "cases",
            f"{ANNA};sdt;sick_unemployed;;;;2023-01-02;2023-01-10;2023-10-31;completed",
            f"{BO};sdt;sick_unemployed;;;;;2023-01-16;;",
            f"{CECILIA};sdt;sick_unemployed;;;;;2023-01-20;2023-06-30;moved",
        ),
        context=AccessContext.for_user(coordinator),
    )
    # and their status from AF: Anna in work, Bo openly unemployed on day 365; Cecilia's
    # only entry comes after her day 365 and never counts
    import_file(
        kind="status",
        data=csv_file(
            "status",
            f"{ANNA};2023-11-01;work_unsubsidised",
            f"{BO};2023-03-01;openly_unemployed",
            f"{CECILIA};2024-02-01;education",
        ),
        context=AccessContext.for_user(coordinator),
    )

    # when the outcome of report month January 2024 (cohort January 2023) is computed
    table = outcomes(months=[D("2024-01-01")], area_ids=[area.pk])

    # then all three are in the population
    total = table["rows"]["total"]["total"]
    assert total["total"] == 3
    assert total["counts"]["work_unsubsidised"] == 1
    assert total["counts"]["openly_unemployed"] == 1
    assert total["counts"]["other"] == 1


def test_without_the_import_consent_a_person_is_anonymous_and_left_out(area, coordinator):
    # a person registered in the app without consent to follow-up
    PersonFactory(personnummer=ANNA, area=area)
    import_file(
        kind="cases",
        data=csv_file("cases", f"{ANNA};sdt;;;;;;2023-01-10;;"),
        context=AccessContext.for_user(coordinator),
    )

    table = outcomes(months=[D("2024-01-01")], area_ids=[area.pk])

    assert table["rows"]["total"]["total"]["total"] == 0
