"""The monthly job (SPEC §5): immutable versioned snapshots, idempotent runs, a dying worker,
two runs at once, the Celery tasks and beat schedule, and the synchronous command."""

import datetime as dt
import io
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django_celery_beat.models import PeriodicTask

from reporting import snapshots, tasks
from reporting.models import MonthlySnapshot

MONTH = dt.date(2026, 4, 1)


@pytest.fixture
def figures(monkeypatch):
    """The figures the metrics would give, controllable by the test: {area_id: value}."""
    current = {"value": 1}

    def fake(*, month, area_ids):
        return {"month": f"{month:%Y-%m}", "areas": area_ids, "value": current["value"]}

    monkeypatch.setattr(snapshots, "_figures", fake)
    return current


def test_a_month_is_stored_once_and_a_second_run_writes_nothing(area, figures):
    first, created = snapshots.snapshot_compute(area=area, month=MONTH)
    again, created_again = snapshots.snapshot_compute(area=area, month=MONTH)

    assert created and not created_again
    assert again.pk == first.pk and first.version == 1
    assert MonthlySnapshot.objects.count() == 1
    assert first.figures == {"month": "2026-04", "areas": [area.pk], "value": 1}


def test_changed_data_makes_a_new_version_and_keeps_the_old_one(area, figures):
    first, _ = snapshots.snapshot_compute(area=area, month=MONTH)
    figures["value"] = 2  # e.g. status entries registered late

    second, created = snapshots.snapshot_compute(area=area, month=MONTH)

    assert created and second.version == 2
    assert MonthlySnapshot.objects.get(pk=first.pk).figures["value"] == 1
    newest = MonthlySnapshot.objects.filter(area=area, month=MONTH).latest_versions().get()
    assert newest.pk == second.pk


def test_the_nation_has_its_own_snapshot(area, figures):
    national, created = snapshots.snapshot_compute(area=None, month=MONTH)
    assert created and national.area is None and national.figures["areas"] is None
    again, created_again = snapshots.snapshot_compute(area=None, month=MONTH)
    assert not created_again and again.pk == national.pk


def test_the_database_refuses_to_change_or_delete_a_snapshot(area, figures):
    snapshot, _ = snapshots.snapshot_compute(area=area, month=MONTH)
    for change in (
        lambda: MonthlySnapshot.objects.filter(pk=snapshot.pk).update(version=9),
        lambda: MonthlySnapshot.objects.filter(pk=snapshot.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert MonthlySnapshot.objects.get(pk=snapshot.pk).version == 1


def test_a_worker_dying_mid_run_leaves_nothing_and_the_rerun_one_snapshot(
    area, figures, monkeypatch
):
    # given a run that dies after writing its row, before the transaction commits
    real_create = MonthlySnapshot.objects.create

    def create_then_die(**kwargs):
        real_create(**kwargs)
        raise SystemExit("worker killed")

    monkeypatch.setattr(MonthlySnapshot.objects, "create", create_then_die)
    with pytest.raises(SystemExit):
        snapshots.snapshot_compute(area=area, month=MONTH)
    assert MonthlySnapshot.objects.count() == 0

    # when the task runs again (acks_late hands it to another worker)
    monkeypatch.setattr(MonthlySnapshot.objects, "create", real_create)
    snapshots.snapshot_compute(area=area, month=MONTH)
    snapshots.snapshot_compute(area=area, month=MONTH)

    # then there is exactly one snapshot for the area and month
    assert MonthlySnapshot.objects.filter(area=area, month=MONTH).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_for_the_same_month_write_one_snapshot(area, monkeypatch):
    # given a slow computation, so that the second run starts while the first one computes
    started = threading.Event()

    def slow(*, month, area_ids):
        started.set()
        time.sleep(0.5)
        return {"value": 1}

    monkeypatch.setattr(snapshots, "_figures", slow)
    results, errors = [], []

    def run():
        try:
            results.append(snapshots.snapshot_compute(area=area, month=MONTH)[1])
        except Exception as exc:  # noqa: BLE001  (recorded for the assertion)
            errors.append(repr(exc))
        finally:
            connection.close()

    first = threading.Thread(target=run)
    first.start()
    started.wait(5)
    second = threading.Thread(target=run)
    second.start()
    first.join(20)
    second.join(20)

    # then both finished, one wrote and the other found the same figures
    assert not errors
    assert sorted(results) == [False, True]
    assert MonthlySnapshot.objects.filter(area=area, month=MONTH).count() == 1


def test_only_ended_months_are_compiled(area, figures):
    with pytest.raises(ValidationError):
        snapshots.snapshot_compute(area=area, month=dt.date.today())
    assert not MonthlySnapshot.objects.exists()


def test_the_beat_schedule_runs_the_job_on_the_first_of_each_month(db):
    entry = PeriodicTask.objects.get(task="reporting.tasks.monthly_report")
    assert entry.enabled
    assert entry.crontab.day_of_month == "1"
    assert str(entry.crontab.timezone) == "Europe/Stockholm"


def test_the_tasks_are_safe_to_repeat():
    for task in (tasks.area_snapshot, tasks.areas_snapshot, tasks.national_snapshot):
        assert task.acks_late and task.reject_on_worker_lost


def test_the_job_writes_every_active_area_and_the_nation(area, other_area, figures):
    label = tasks.monthly_report.delay("2026-04").get()

    assert label == "2026-04"
    stored = MonthlySnapshot.objects.filter(month=MONTH)
    assert {s.area_id for s in stored} == {area.pk, other_area.pk, None}
    # running the whole job again changes nothing
    tasks.monthly_report.delay("2026-04").get()
    assert MonthlySnapshot.objects.filter(month=MONTH).count() == 3


def test_the_job_without_a_month_takes_the_month_just_ended(area, figures, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 1, 2, 0))
    assert tasks.monthly_report.delay().get() == "2026-04"
    assert MonthlySnapshot.objects.filter(month=MONTH, area=area).exists()


def test_the_command_runs_one_area_or_all(area, other_area, figures):
    out = io.StringIO()
    call_command("run_monthly_report", "--month", "2026-04", "--area", area.code, stdout=out)
    assert MonthlySnapshot.objects.filter(month=MONTH).count() == 1
    assert "1 sammanställningar, 1 nya versioner" in out.getvalue()

    out = io.StringIO()
    call_command("run_monthly_report", "--month", "2026-04", stdout=out)
    assert MonthlySnapshot.objects.filter(month=MONTH).count() == 3
    assert "3 sammanställningar, 2 nya versioner" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "april"], "ÅÅÅÅ-MM"),
        (["--month", "2026-13"], "ÅÅÅÅ-MM"),
        (["--month", "1999-12"], "mellan år 2000 och 2100"),
        (["--month", "2026-04", "--area", "finnsinte"], "Okänt samverkansområde"),
    ],
)
def test_the_command_refuses_bad_input_with_a_clear_message(area, figures, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("run_monthly_report", *args, stdout=io.StringIO())
    assert not MonthlySnapshot.objects.exists()
