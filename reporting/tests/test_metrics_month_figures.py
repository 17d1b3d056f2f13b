"""month_figures (SPEC §5 "Monthly job"): every figure of a report month as plain JSON with a
reproducible digest, the caseload on the month's last day, and the monthly job storing them."""

import datetime as dt
import json

from cases.models import RuleSet
from reporting import snapshots
from reporting.metrics import caseload_on, month_figures

from .test_metrics_given import case, mapping, person, status

MARCH_2025 = dt.date(2025, 3, 1)


def given_a_month_of_work(area, officers=(None, None)):
    fk, af = officers
    measured = person(area=area, sex="M")
    case(person=measured, start=dt.date(2024, 3, 3), end=dt.date(2025, 3, 3))
    status(measured, dt.date(2025, 3, 1), "work_subsidised")
    case(person=person(area=area), start=dt.date(2025, 3, 10), fk_officer=fk, af_officer=af)
    case(person=person(area=area), start=dt.date(2025, 2, 10), fk_officer=fk)
    mapping(person=person(area=area), first_meeting=dt.date(2025, 3, 12))


def test_a_month_is_plain_json_with_a_reproducible_digest(area):
    given_a_month_of_work(area)

    figures = month_figures(month=MARCH_2025, area_ids=[area.pk])

    # then every part is there, as plain JSON (no dates, decimals or lazy strings)
    assert set(figures) == {
        "month",
        "area_ids",
        "outcomes",
        "average_days",
        "mapping_stats",
        "inflow",
        "status_report",
        "caseload",
        "timeliness",
    }
    assert json.loads(json.dumps(figures)) == figures
    assert (figures["month"], figures["area_ids"]) == ("2025-03", [area.pk])
    # the cohort of March 2024: one man, in subsidised work on day 365 (2025-03-03)
    outcome = figures["outcomes"]["rows"]["sex"]["M"]
    assert outcome["counts"]["work_subsidised"] == 1 and outcome["total"] == 1
    # March's inflow, mappings, endings and the status on 31 March
    assert figures["inflow"]["period"]["all"]["count"] == 1
    assert figures["mapping_stats"]["rows"]["total"]["total"]["count"] == 1
    assert figures["average_days"]["rows"]["total"]["total"]["all"]["count"] == 1
    assert figures["status_report"]["day"] == "2025-03-31"
    assert figures["status_report"]["total"]["all"]["active"] == 2
    # and computing again gives the same text, so the same digest
    again = month_figures(month=MARCH_2025, area_ids=[area.pk])
    assert snapshots.figures_digest(again) == snapshots.figures_digest(figures)
    assert json.dumps(again, sort_keys=True) == json.dumps(figures, sort_keys=True)


def test_the_nation_has_no_area_ids(area):
    figures = month_figures(month=MARCH_2025, area_ids=None)
    assert figures["area_ids"] is None
    assert json.loads(json.dumps(figures)) == figures


def test_the_caseload_counts_the_cases_open_on_the_day_per_officer(area, fk_officer, af_officer):
    # given: two cases of the FK officer open on 31 March (one also the AF officer's), one
    # ended on 31 March (not open that day), one referred on 20 March, one starting in April
    case(
        person=person(area=area),
        start=dt.date(2025, 1, 1),
        fk_officer=fk_officer,
        af_officer=af_officer,
    )
    case(person=person(area=area), start=dt.date(2025, 3, 31), fk_officer=fk_officer)
    case(
        person=person(area=area),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 3, 31),
        fk_officer=fk_officer,
        af_officer=af_officer,
    )
    case(
        person=person(area=area),
        start=None,
        referral_date=dt.date(2025, 3, 20),
        phase="referred",
        af_officer=af_officer,
    )
    case(person=person(area=area), start=dt.date(2025, 4, 1), fk_officer=fk_officer)

    load = caseload_on(day=dt.date(2025, 3, 31), area_ids=[area.pk])

    rules = RuleSet.for_date(dt.date(2025, 3, 31))
    assert load == {
        "day": "2025-03-31",
        "open_cases": 3,
        "norm_fk": rules.norm_fk,
        "norm_af": rules.norm_af,
        "fk": {str(fk_officer.pk): 2},
        "af": {str(af_officer.pk): 2},
        "without_fk_officer": 1,
        "without_af_officer": 1,
    }


def test_the_monthly_job_stores_the_real_figures_once(area):
    # given a month of work, computed by the monthly job twice
    given_a_month_of_work(area)

    first, created = snapshots.snapshot_compute(area=area, month=MARCH_2025)
    again, created_again = snapshots.snapshot_compute(area=area, month=MARCH_2025)

    # then one snapshot holding the metrics
    assert created and not created_again and again.pk == first.pk
    assert first.figures["inflow"]["period"]["all"]["count"] == 1


def test_every_stored_code_has_a_label(area):
    from reporting.metrics.labels import CATEGORIES, DIMENSIONS, STATES, level_label

    figures = month_figures(month=MARCH_2025, area_ids=[area.pk])
    for part in ("outcomes", "inflow", "mapping_stats"):
        for dimension, levels in figures[part]["levels"].items():
            assert dimension in DIMENSIONS
            for level in levels:
                assert str(level_label(dimension, level)) != level
    assert set(figures["outcomes"]["rows"]["total"]["total"]["counts"]) == set(CATEGORIES)
    states = set(figures["status_report"]["total"]["all"]) - {"ended_occupation"}
    assert states == set(STATES)
