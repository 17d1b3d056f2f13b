"""The dry run changes nothing; the apply removes the identity from every table, keeps the
figures and the access log, records counts only, is idempotent, and is all or nothing."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db import connection

from audit.models import AccessLog
from cases.models import Case, Consent, Person
from exports.models import ExportJob
from exports.services import export_job_path
from reporting.metrics import month_figures
from reporting.models import MonthlySnapshot
from reporting.snapshots import snapshot_compute
from retention import purge, services
from retention.models import RetentionRun
from retention.purge import PERSON_BOUND, is_free_text
from samverkan.services import AccessContext

from .conftest import CUTOFF, TODAY, identity_of, make_full_person

pytestmark = pytest.mark.django_db

CONTEXT = AccessContext.system("gallring")


@pytest.fixture
def people(area, fk_officer, status_code, rule):
    """One person due (closed a day more than three years ago), one kept (a day less)."""
    due = make_full_person(area, fk_officer, status_code, closed_on=CUTOFF - dt.timedelta(days=1))
    kept = make_full_person(area, fk_officer, status_code, closed_on=CUTOFF + dt.timedelta(days=1))
    return due, kept


def _table_texts(*, leave_out=()) -> str:
    """Every row of every table of the database as text (what a dump would show)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in leave_out:
                continue
            cursor.execute(f'SELECT t::text FROM "{table}" AS t')
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks)


def _free_texts_of(person_id: int, case_ids: list[int]) -> list[str]:
    """The free-text values left in the person's rows and their history."""
    found = []
    for label, key in PERSON_BOUND:
        model = apps.get_model(label)
        ids = case_ids if key == "case_id" else [person_id]
        models_ = [model] + ([model.history.model] if hasattr(model, "history") else [])
        for m in models_:
            names = [f.name for f in m._meta.concrete_fields if is_free_text(f)]
            for row in m.objects.filter(**{f"{key}__in": ids}).values(*names):
                found.extend(str(v) for v in row.values() if v not in ("", [], {}, None))
    return found


def _case_ids(person):
    return list(Case.objects.filter(person=person).values_list("pk", flat=True))


def test_dry_run_lists_the_due_and_changes_nothing(people):
    due, kept = people
    before = _table_texts()

    plan = services.retention_plan(today=TODAY)

    assert [c.person_id for c in plan.candidates] == [due.pk]
    assert plan.counts["cases_person"] == 1
    assert plan.counts["cases_historicalperson"] == due.history.count()
    assert _table_texts() == before
    assert not RetentionRun.objects.exists()


def test_apply_removes_the_identity_from_every_table_and_history(people):
    due, kept = people
    due_identity = identity_of(due)
    kept_identity = identity_of(kept)
    case_ids = _case_ids(due)
    assert any(due.first_name in text for text in _free_texts_of(due.pk, case_ids))

    run = services.retention_apply(context=CONTEXT, today=TODAY)

    texts = _table_texts()
    for value in due_identity:
        assert value not in texts, value
    for value in kept_identity:
        assert value in texts, value
    left = set(_free_texts_of(due.pk, case_ids))
    assert left == {"Gallrad", "uppgift", f"0000{due.pk:08d}"}, left
    purged = Person.objects.get(pk=due.pk)
    assert purged.personnummer == f"0000{due.pk:08d}"
    assert (purged.first_name, purged.last_name, purged.phone, purged.email) == (
        "Gallrad",
        "uppgift",
        "",
        "",
    )
    assert purged.registered_by is None
    # What the figures count stays.
    assert (purged.sex, purged.birth_date, purged.area_id) == (due.sex, due.birth_date, due.area_id)
    case = Case.objects.get(person=due)
    assert (case.start_date, case.end_date, case.phase, case.target_group) == (
        dt.date(2019, 2, 1),
        CUTOFF - dt.timedelta(days=1),
        "closed",
        "sick_unemployed",
    )
    consent = Consent.objects.get(person=due)
    assert (consent.given_on, consent.covers_follow_up, consent.legal_basis) == (
        dt.date(2019, 1, 10),
        True,
        "",
    )
    assert not Person.history.filter(id=due.pk).exists()
    assert not Consent.history.filter(person_id=due.pk).exists()
    assert Person.history.filter(id=kept.pk).exists()
    entry = LogEntry.objects.get(object_id=str(due.pk))
    assert (entry.object_repr, entry.change_message) == ("Gallrad", "")
    # The record says what went, never whom.
    run.refresh_from_db()
    assert (run.persons_after_close, run.persons_without_case, run.failed) == (1, 0, False)
    assert run.counts["cases_person"] == 1
    assert run.counts["cases_historicalperson"] >= 3
    assert run.finished_at is not None
    assert set(run.counts) <= set(connection.introspection.table_names())


def test_apply_keeps_the_access_log_and_logs_the_purge_without_identities(people):
    due, _kept = people
    AccessLog.objects.create(action="view", person_id=due.pk, object_type="person", purpose="x")
    before = list(AccessLog.objects.order_by("pk").values())

    run = services.retention_apply(context=CONTEXT, today=TODAY)

    after = list(AccessLog.objects.order_by("pk").values())
    assert after[: len(before)] == before
    (entry,) = after[len(before) :]
    assert (entry["action"], entry["object_type"], entry["object_id"]) == (
        "delete",
        "gallring",
        str(run.pk),
    )
    assert entry["person_id"] is None and entry["username"] == "gallring"
    assert "1 deltagare" in entry["purpose"]


def test_monthly_figures_stay_the_same(people, area):
    month = dt.date(2019, 2, 1)
    stored, created = snapshot_compute(area=area, month=month)
    assert created
    figures_before = month_figures(month=dt.date(2020, 2, 1), area_ids=[area.pk])

    services.retention_apply(context=CONTEXT, today=TODAY)

    again, created = snapshot_compute(area=area, month=month)
    assert not created and again.pk == stored.pk
    assert MonthlySnapshot.objects.get(pk=stored.pk).figures == stored.figures
    assert month_figures(month=dt.date(2020, 2, 1), area_ids=[area.pk]) == figures_before


def test_a_second_apply_does_nothing_and_records_zero(people):
    first = services.retention_apply(context=CONTEXT, today=TODAY)
    assert first.persons == 1
    runs = RetentionRun._meta.db_table
    before = _table_texts(leave_out={runs})

    second = services.retention_apply(context=CONTEXT, today=TODAY)

    assert (second.persons, second.counts, second.export_files_removed) == (0, {}, 0)
    assert second.finished_at is not None and not second.failed
    # Nothing else changed: only the second run's own record is new.
    assert _table_texts(leave_out={runs}) == before
    assert RetentionRun.objects.count() == 2


def test_a_failure_leaves_the_batch_untouched(people, monkeypatch):
    due, _kept = people
    history_before = due.history.count()

    def failing_steps(scope):
        yield from list(purge.steps(scope))[:3]
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "steps", failing_steps)
    with pytest.raises(RuntimeError):
        services.retention_apply(context=CONTEXT, today=TODAY)

    person = Person.objects.get(pk=due.pk)
    assert (person.personnummer, person.first_name) == (due.personnummer, due.first_name)
    assert Case.objects.get(person=due).fk_notes != ""
    assert due.history.count() == history_before
    run = RetentionRun.objects.get()
    assert (run.failed, run.persons, run.counts) == (True, 0, {})
    assert not AccessLog.objects.filter(object_type="gallring").exists()


def test_batches_each_purge_completely(area, fk_officer, status_code, rule, settings):
    settings.RETENTION_BATCH_SIZE = 1
    first = make_full_person(area, fk_officer, status_code, closed_on=dt.date(2020, 1, 1))
    second = make_full_person(area, fk_officer, status_code, closed_on=dt.date(2020, 1, 1))
    done = []

    run = services.retention_apply(
        context=CONTEXT, today=TODAY, on_start=done.append, on_progress=done.append
    )

    assert done == [2, 1, 1]
    assert run.persons == 2
    assert AccessLog.objects.filter(object_type="gallring").count() == 2
    texts = _table_texts()
    for person in (first, second):
        assert person.personnummer not in texts


def test_export_files_written_before_the_purge_are_removed(people, fk_officer, settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    job = ExportJob.objects.create(
        user=fk_officer,
        export_id="abc",
        kind="participants",
        file_format="csv_semicolon",
        state=ExportJob.State.DONE,
        finished_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    path = export_job_path(job)
    path.write_text(people[0].personnummer)
    assert services.retention_plan(today=TODAY).export_files == 1
    assert path.exists()

    run = services.retention_apply(context=CONTEXT, today=TODAY)

    assert not path.exists()
    assert run.export_files_removed == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.EXPIRED


def test_nothing_due_removes_no_export_file(people, fk_officer, settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    job = ExportJob.objects.create(
        user=fk_officer,
        export_id="abc",
        kind="participants",
        file_format="csv_semicolon",
        state=ExportJob.State.DONE,
        finished_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    path = export_job_path(job)
    path.write_text("x")

    run = services.retention_apply(context=CONTEXT, today=CUTOFF)

    assert run.persons == 0
    assert path.exists()


def test_admin_log_entries_of_deleted_rows_lose_their_description(people, fk_officer, area):
    from django.contrib.admin.models import DELETION
    from django.contrib.contenttypes.models import ContentType

    from .conftest import make_person

    due, kept = people
    consent = Consent.objects.create(person=due, given_on=dt.date(2019, 1, 1), covers_sharing=True)
    mistaken = make_person(area)
    for obj in (consent, mistaken):
        LogEntry.objects.create(
            user=fk_officer,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=DELETION,
        )
    consent.delete()  # its history still names the person
    mistaken.delete()  # nothing of the person is left but the admin's entry
    kept_entry = LogEntry.objects.get(object_id=str(kept.pk), object_repr__contains=kept.last_name)

    services.retention_apply(context=CONTEXT, today=TODAY)

    texts = _table_texts()
    for value in (due.first_name, due.last_name, mistaken.first_name, mistaken.last_name):
        assert value not in texts, value
    kept_entry.refresh_from_db()
    assert kept.last_name in kept_entry.object_repr


def test_job_text_quoting_a_purged_person_is_emptied(people, fk_officer):
    due, kept = people

    def job(error):
        return ExportJob.objects.create(
            user=fk_officer,
            export_id="abc",
            kind="participants",
            file_format="csv_semicolon",
            state=ExportJob.State.FAILED,
            error=error,
        )

    quoting_number = job(f"rad 3: {due.personnummer[2:8]}-{due.personnummer[8:]} finns redan")
    quoting_name = job(f"fel för {due.first_name.upper()} {due.last_name}")
    about_kept = job(f"rad 4: {kept.personnummer}")
    plain = job("Exporten misslyckades.")

    run = services.retention_apply(context=CONTEXT, today=TODAY)

    errors = {j.pk: j.error for j in ExportJob.objects.all()}
    assert errors == {
        quoting_number.pk: "",
        quoting_name.pk: "",
        about_kept.pk: f"rad 4: {kept.personnummer}",
        plain.pk: "Exporten misslyckades.",
    }
    assert run.counts["exports_exportjob"] == 2


def test_purged_people_leave_every_list(people, coordinator):
    """A purged person keeps a row for the figures, but no list shows a record without an
    identity: the coordinator's person list (the whole area) no longer holds them."""
    from cases.selectors import person_list_on_caseload

    due, kept = people
    assert {due.pk, kept.pk} <= set(
        person_list_on_caseload(user=coordinator).values_list("pk", flat=True)
    )

    services.retention_apply(context=CONTEXT, today=TODAY)

    listed = set(person_list_on_caseload(user=coordinator).values_list("pk", flat=True))
    assert kept.pk in listed
    assert due.pk not in listed
