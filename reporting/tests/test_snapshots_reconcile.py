"""No month missing (SPEC §7, reporting.completeness): which area × month must have a snapshot,
the reconciliation that computes the missing ones, its schedule and its start with each worker,
and the monthly job waiting out a database that does not answer."""

import datetime as dt

import pytest
from celery.signals import worker_ready
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import OperationalError
from django_celery_beat.models import PeriodicTask

from accounts.tests.factories import AreaFactory
from reporting import snapshots, tasks
from reporting.completeness import month_ranges, months_due, snapshots_missing
from reporting.models import MonthlySnapshot
from samverkan.celery import app

JAN, FEB, MAR, APR = (dt.date(2026, m, 1) for m in (1, 2, 3, 4))
TODAY = dt.datetime(2026, 5, 14, 12, 0)  # the month just ended: April 2026


@pytest.fixture
def figures(monkeypatch):
    """Figures that say which area and month they are of, without the metrics' queries."""

    def fake(*, month, area_ids):
        return {"month": f"{month:%Y-%m}", "areas": area_ids}

    def fake_by_area(*, month, area_ids, nation):
        keys = [*area_ids, *([None] if nation else [])]
        return {key: fake(month=month, area_ids=[key] if key else None) for key in keys}

    monkeypatch.setattr(snapshots, "_figures", fake)
    monkeypatch.setattr("reporting.metrics.monthly.month_figures_by_area", fake_by_area)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def stored():
    return sorted(
        (f"{month:%Y-%m}", area_id or 0)
        for month, area_id in MonthlySnapshot.objects.values_list("month", "area_id")
    )


def test_with_nothing_stored_the_month_just_ended_is_due(db, today):
    assert months_due() == [APR]


def test_every_month_from_the_first_stored_to_the_month_just_ended_is_due(area, figures, today):
    snapshots.snapshot_compute(area=area, month=JAN)

    assert months_due() == [JAN, FEB, MAR, APR]


def test_missing_are_the_due_months_of_active_areas_and_the_nation_without_a_snapshot(
    area, other_area, figures, today
):
    # given January and March of both areas and the nation, February of one area only
    retired = AreaFactory(code="old", name="Nedlagt", is_active=False)
    snapshots.areas_month_run(areas=[area, other_area], month=JAN, nation=True)
    snapshots.areas_month_run(areas=[area, other_area], month=MAR, nation=True)
    snapshots.snapshot_compute(area=area, month=FEB)

    missing = {m.month: (set(m.area_ids), m.nation) for m in snapshots_missing()}

    # then February lacks the other area and the nation; April everyone; the inactive area
    # is never due
    assert missing == {
        FEB: ({other_area.pk}, True),
        APR: ({area.pk, other_area.pk}, True),
    }
    assert retired.pk not in {pk for ids, _n in missing.values() for pk in ids}


def test_reconciliation_computes_every_missing_snapshot_and_leaves_the_others(
    area, other_area, figures, today
):
    # given January complete and February of one area only (a worker killed mid-job)
    snapshots.areas_month_run(areas=[area, other_area], month=JAN, nation=True)
    kept, _ = snapshots.snapshot_compute(area=area, month=FEB)
    before = {s.pk: s.version for s in MonthlySnapshot.objects.all()}

    months = tasks.snapshots_reconcile.delay().get()

    # then February's missing two and all of March and April are there, one version each
    assert months == ["2026-02", "2026-03", "2026-04"]
    assert snapshots_missing() == []
    keys = [(m, a) for m in ("2026-01", "2026-02", "2026-03", "2026-04") for a in (area.pk, 0)]
    keys += [(m, other_area.pk) for m in ("2026-01", "2026-02", "2026-03", "2026-04")]
    assert stored() == sorted(keys)
    assert MonthlySnapshot.objects.filter(version__gt=1).count() == 0
    assert {pk: v for pk, v in before.items()} == {
        s.pk: s.version for s in MonthlySnapshot.objects.filter(pk__in=before)
    }
    assert MonthlySnapshot.objects.get(pk=kept.pk).figures["month"] == "2026-02"


def test_reconciliation_with_nothing_missing_queues_nothing(area, figures, today, monkeypatch):
    snapshots.areas_month_run(areas=[area], month=APR, nation=True)
    queued = []
    monkeypatch.setattr(tasks.areas_snapshot, "delay", lambda *args: queued.append(args))

    assert tasks.snapshots_reconcile.delay().get() == []
    assert queued == []


def test_reconciliation_splits_a_month_as_the_monthly_job_does(
    area, other_area, figures, today, monkeypatch, settings
):
    settings.MONTHLY_AREAS_PER_TASK = 1
    snapshots.snapshot_compute(area=None, month=APR)  # the nation's April exists
    queued = []
    monkeypatch.setattr(tasks.areas_snapshot, "delay", lambda *args: queued.append(args))

    tasks.snapshots_reconcile.delay().get()

    # one task per area, no task for the nation, whose snapshot is there
    assert sorted(queued) == sorted(
        [([area.pk], "2026-04", False), ([other_area.pk], "2026-04", False)]
    )


def test_the_beat_schedule_reconciles_every_night(db):
    entry = PeriodicTask.objects.get(task="reporting.tasks.snapshots_reconcile")
    assert entry.enabled
    assert (entry.crontab.hour, entry.crontab.minute, entry.crontab.day_of_month) == ("4", "0", "*")
    assert str(entry.crontab.timezone) == "Europe/Stockholm"


def test_a_starting_worker_queues_the_reconciliation_without_running_it(monkeypatch):
    queued, ran = [], []
    monkeypatch.setattr(tasks.snapshots_reconcile, "delay", lambda: queued.append(True))
    monkeypatch.setattr(tasks.snapshots_reconcile, "run", lambda: ran.append(True))

    worker_ready.send(sender=None)

    assert queued == [True] and ran == []


def test_a_starting_worker_starts_even_when_the_broker_refuses(monkeypatch):
    def refuse():
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.snapshots_reconcile, "delay", refuse)
    tasks.reconcile_when_a_worker_starts(sender=None)  # no exception


def test_the_monthly_job_waits_for_the_database_and_then_queues_the_month(
    area, figures, today, monkeypatch
):
    # given a database that does not answer the first three times
    real = tasks.areas_for_report
    failures = {"left": 3}

    def down_then_up(*args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("connection refused")
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "areas_for_report", down_then_up)
    # (the suite propagates a task's exceptions; a retry is one, so here it is not propagated)
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)

    result = tasks.monthly_report.apply(args=("2026-04",))

    assert result.get() == "2026-04" and failures["left"] == 0
    assert stored() == [("2026-04", 0), ("2026-04", area.pk)]


@pytest.mark.parametrize(
    "task",
    [tasks.monthly_report, tasks.areas_snapshot, tasks.snapshots_reconcile],
    ids=lambda t: t.name,
)
def test_the_retries_outlast_an_outage_of_many_minutes_and_stay_below_redelivery(task):
    waits = [
        get_exponential_backoff_interval(
            factor=task.retry_backoff,
            retries=n,
            maximum=task.retry_backoff_max,
            full_jitter=task.retry_jitter,
        )
        for n in range(task.max_retries)
    ]
    assert OperationalError in task.autoretry_for
    assert sum(waits) >= 30 * 60
    assert max(waits) < settings.TASK_REDELIVERY_SECONDS
    assert task.acks_late


def test_month_groups_without_the_nation_splits_the_areas_only():
    assert snapshots.month_groups([1, 2, 3], 2, nation=False) == [([1, 2], False), ([3], False)]
    assert snapshots.month_groups([1, 2, 3], 0, nation=False) == [([1, 2, 3], False)]
    assert snapshots.month_groups([], 0, nation=True) == [([], True)]
    assert snapshots.month_groups([], 2, nation=False) == []


def test_months_read_as_short_runs():
    assert month_ranges([APR, JAN, FEB, dt.date(2025, 12, 1)]) == ["2025-12–2026-02", "2026-04"]
    assert month_ranges([]) == []
