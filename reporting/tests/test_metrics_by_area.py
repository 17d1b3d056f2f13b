"""The monthly job's one pass over many areas gives each area exactly the figures it gets when
computed alone (reporting.metrics.month_figures_by_area), with a fixed number of queries."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AreaFactory
from reporting.metrics import month_figures
from reporting.metrics.inflow import inflow, inflow_by_area
from reporting.metrics.mappings import mapping_stats, mapping_stats_by_area
from reporting.metrics.monthly import month_figures_by_area
from reporting.metrics.outcomes import (
    average_days,
    average_days_by_area,
    outcomes,
    outcomes_by_area,
)
from reporting.models import MonthlySnapshot
from reporting.snapshots import areas_month_run, month_groups, snapshot_compute

from .published_population import AREA_CODE, import_files
from .test_metrics_given import case, mapping, person, status
from .test_metrics_month_figures import MARCH_2025, given_a_month_of_work

pytestmark = pytest.mark.django_db


def same(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.fixture
def three_areas(area, other_area, fk_officer, af_officer):
    """Two areas with different work in March 2025, a third with nothing."""
    given_a_month_of_work(area, officers=(fk_officer, af_officer))
    given_a_month_of_work(area)
    given_a_month_of_work(other_area)
    woman = person(area=other_area, sex="K")
    case(person=woman, start=dt.date(2024, 3, 20), target_group="sick_unemployed")
    status(woman, dt.date(2024, 12, 1), "education")
    mapping(person=person(area=other_area), first_meeting=dt.date(2025, 3, 2))
    empty = AreaFactory(code="tom", name="Tomt område")
    return [area, other_area, empty]


def test_each_area_gets_exactly_its_own_figures(three_areas):
    ids = [a.pk for a in three_areas]

    together = month_figures_by_area(month=MARCH_2025, area_ids=ids)

    assert set(together) == set(ids)
    for area_id in ids:
        alone = month_figures(month=MARCH_2025, area_ids=[area_id])
        assert same(together[area_id], alone), area_id
    # and with the nation, from the same pass: the nation exactly as computed alone, the areas
    # unchanged
    with_nation = month_figures_by_area(month=MARCH_2025, area_ids=ids[:2], nation=True)
    assert set(with_nation) == {*ids[:2], None}
    assert same(with_nation[None], month_figures(month=MARCH_2025, area_ids=None))
    for area_id in ids[:2]:
        assert same(with_nation[area_id], together[area_id])
    # and the areas differ, so a mix-up would show
    first, second, empty = (together[i] for i in ids)
    assert first["inflow"]["period"]["all"]["count"] == 2
    assert second["outcomes"]["rows"]["total"]["total"]["total"] == 2
    assert empty["outcomes"]["rows"]["total"]["total"]["total"] == 0


def test_the_queries_do_not_grow_with_the_number_of_areas(three_areas):
    ids = [a.pk for a in three_areas]
    with CaptureQueriesContext(connection) as one:
        month_figures_by_area(month=MARCH_2025, area_ids=ids[:1])
    with CaptureQueriesContext(connection) as three:
        month_figures_by_area(month=MARCH_2025, area_ids=ids)
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_job_for_several_areas_stores_what_one_area_at_a_time_stores(three_areas):
    month = MARCH_2025
    results = areas_month_run(areas=three_areas, month=month, nation=True, task_id="t")

    assert [snapshot.area_id for snapshot, _created, _opened in results] == [
        *(a.pk for a in three_areas),
        None,
    ]
    assert all(created for _snapshot, created, _opened in results)
    # the single-area path finds exactly these figures and writes no new version
    for area in [*three_areas, None]:
        snapshot, created = snapshot_compute(area=area, month=month)
        assert not created and snapshot.version == 1
    assert MonthlySnapshot.objects.filter(month=month).count() == 4


def test_the_job_is_one_task_by_default_or_groups_of_areas_and_the_nation():
    areas = list(range(1, 8))
    assert month_groups(areas, 0) == [(areas, True)]
    assert month_groups(areas, 3) == [
        ([1, 2, 3], False),
        ([4, 5, 6], False),
        ([7], False),
        ([], True),
    ]
    assert month_groups(areas, 10) == [(areas, True)]
    assert month_groups([], 0) == [([], True)]


@pytest.mark.bench  # a minute: imports the whole published population; runs with make bench
def test_the_published_population_by_area(tmp_path, other_area):
    """Tabell 1–6's population in its area, next to another area's cases: every dimension of
    the outcomes, average days, inflow and mappings is the same split as alone."""
    published = AreaFactory(code=AREA_CODE, name="Tabellområdet")
    for kind, text in import_files().items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        options = {"area": AREA_CODE} if kind == "persons" else {}
        call_command("import_data", kind, str(path), stdout=io.StringIO(), **options)
    given_a_month_of_work(other_area)
    ids = [published.pk, other_area.pk]
    for months in (
        [dt.date(2024, m, 1) for m in range(1, 5)],
        [dt.date(2025, m, 1) for m in range(1, 5)],
    ):
        for alone, by_area in (
            (outcomes, outcomes_by_area),
            (average_days, average_days_by_area),
            (inflow, inflow_by_area),
            (mapping_stats, mapping_stats_by_area),
        ):
            together = by_area(months=months, area_ids=ids, nation=True)
            for area_id in ids:
                assert same(together[area_id], alone(months=months, area_ids=[area_id]))
            assert same(together[None], alone(months=months, area_ids=None))
    # the published cohort is really there
    figures = outcomes_by_area(months=[dt.date(2024, m, 1) for m in range(1, 5)], area_ids=ids)
    assert figures[published.pk]["rows"]["total"]["total"]["total"] == 3740
