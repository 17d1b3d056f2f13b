"""`manage.py retention`: one of --dry-run and --apply, anonymous output, Swedish errors; and the
nightly task, registered with django-celery-beat."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from cases.models import Person
from retention.models import RetentionRule, RetentionRun
from retention.tasks import retention_nightly

from .conftest import CUTOFF, identity_of, make_full_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(area, fk_officer, status_code, rule):
    return make_full_person(area, fk_officer, status_code, closed_on=CUTOFF - dt.timedelta(days=1))


def _run(*args) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize("args", [[], ["--dry-run", "--apply"]])
def test_one_of_dry_run_and_apply_is_required(args, rule):
    with pytest.raises(CommandError, match="Ange antingen --dry-run"):
        _run(*args)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--dry-run", "--today", "2026-13-01"], "Ange dagen som ÅÅÅÅ-MM-DD"),
        (["--dry-run", "--years", "tre"], "Ange antal år som ett heltal"),
    ],
)
def test_bad_input_is_a_swedish_message(args, message, rule):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_without_a_rule_the_command_says_so(db):
    RetentionRule.objects.all().delete()
    with pytest.raises(CommandError, match="Ingen gallringsregel gäller"):
        _run("--dry-run", "--today", "2026-06-15")


def test_dry_run_lists_ids_and_reasons_but_no_identity(due):
    out = _run("--dry-run", "--today", "2026-06-15")

    assert f"deltagare {due.pk}: avslutat ärende, sista ärendet avslutades 2023-06-14" in out
    assert "Skulle gallras: 1 deltagare (1 med avslutade ärenden, 0 utan ärende)" in out
    assert "cases_person: 1" in out
    assert "Provkörning: ingenting har ändrats." in out
    for value in identity_of(due):
        assert value not in out
    assert Person.objects.get(pk=due.pk).personnummer == due.personnummer


def test_apply_purges_and_prints_counts(due):
    err = StringIO()
    out = StringIO()
    call_command("retention", "--apply", "--today", "2026-06-15", stdout=out, stderr=err)

    assert "Gallrade: 1 deltagare" in out.getvalue()
    assert "cases_person: 1" in out.getvalue()
    assert Person.objects.get(pk=due.pk).first_name == "Gallrad"
    run = RetentionRun.objects.get()
    assert run.trigger == RetentionRun.Trigger.COMMAND


def test_years_shortens_the_periods_for_one_run(area, fk_officer, status_code, rule):
    recent = make_full_person(area, fk_officer, status_code, closed_on=dt.date(2025, 1, 1))
    assert f"deltagare {recent.pk}:" not in _run("--dry-run", "--today", "2026-06-15")
    assert f"deltagare {recent.pk}:" in _run("--dry-run", "--today", "2026-06-15", "--years", "1")


def test_the_nightly_task_purges_and_is_scheduled(due, monkeypatch):
    import retention.services as services

    monkeypatch.setattr(services, "today_or", lambda today: today or dt.date(2026, 6, 15))
    result = retention_nightly.delay().get()

    assert result["persons"] == 1
    assert RetentionRun.objects.get().trigger == RetentionRun.Trigger.SCHEDULE
    assert Person.objects.get(pk=due.pk).first_name == "Gallrad"
    # The migration's schedule names this task (as the other beat entries, editable in the
    # admin); the test database may have been emptied by a transactional test, so re-run it.
    from importlib import import_module

    from django.apps import apps

    migration = import_module("retention.migrations.0002_default_rule_and_schedule")
    migration.install(apps, None)
    task = PeriodicTask.objects.get(name="Gallring av personuppgifter")
    assert (task.task, task.crontab.hour, task.crontab.minute) == (
        "retention.tasks.retention_nightly",
        "3",
        "30",
    )


def test_a_second_apply_prints_that_nothing_went(due):
    _run("--apply", "--today", "2026-06-15")
    out = _run("--apply", "--today", "2026-06-15")
    assert "Gallrade: 0 deltagare" in out
    assert "(inga)" in out


def test_the_rule_and_the_runs_are_in_the_admin(due, admin_user, login):
    _run("--apply", "--today", "2026-06-15")
    client = login(admin_user)
    rules = client.get("/admin/retention/retentionrule/")
    runs = client.get("/admin/retention/retentionrun/")
    assert rules.status_code == 200 and "2010-01-01" in rules.content.decode()
    assert runs.status_code == 200
    page = runs.content.decode()
    assert "Kommando" in page
    for value in identity_of(due):
        assert value not in page
