"""The national dataset (demo.national, `manage.py generate_dataset`): what it writes, that the
product's rules hold for it, that the reports count it as a hand count does, that it refuses
a database with cases and bad arguments in Swedish without writing anything, and that a seed
gives the same data."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client

from accounts.models import Area, StaffProfile
from audit.models import AccessLog
from cases.models import Case, Consent, Person, StatusCode, StatusEntry
from cases.validators import validate_identity_number
from demo import national
from demo.national import database, parallel, runner
from demo.national.lives import Lives
from demo.national.tables import KEY, TABLES
from mapping.models import Intervention, JointMapping, Meeting
from reporting.metrics.outcomes import outcomes

TODAY = dt.date(2026, 6, 15)
PARTICIPANTS = 300
AREAS = 4


def _generate(**options):
    options = {"areas": AREAS, "seed": 7, "progress": False, "today": TODAY, **options}
    return national.generate(options.pop("participants", PARTICIPANTS), **options)


def _scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _table_counts():
    return {table: _scalar(f"SELECT count(*) FROM {table}") for table in TABLES}  # noqa: S608


@pytest.fixture
def generated(db):
    return _generate()


def test_every_table_holds_the_rows_the_generator_reports(generated):
    counts = _table_counts()
    assert {table: n for table, n in counts.items() if n} == generated
    assert generated["cases_person"] == PARTICIPANTS
    assert generated["accounts_area"] == AREAS
    # six access-log entries per participant by default
    assert generated["audit_accesslog"] == 6 * PARTICIPANTS
    # a few participants have more than one case over the years
    assert PARTICIPANTS < generated["cases_case"] < 1.2 * PARTICIPANTS
    # the change history: at least a creation row per case, person, status entry and meeting
    assert _scalar("SELECT count(DISTINCT id) FROM cases_historicalcase") == counts["cases_case"]
    for table, history in (
        ("cases_person", "cases_historicalperson"),
        ("cases_statusentry", "cases_historicalstatusentry"),
        ("mapping_meeting", "mapping_historicalmeeting"),
        ("mapping_intervention", "mapping_historicalintervention"),
    ):
        created = _scalar(f"SELECT count(*) FROM {history} WHERE history_type = '+'")  # noqa: S608
        assert created == counts[table], table
    assert counts["cases_historicalcase"] > counts["cases_case"]  # phase changes were saved


def _analyze_counts(tables):
    _scalar("SELECT pg_stat_clear_snapshot() IS NULL")
    return {
        table: _scalar(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relid = %s::regclass", [table]
        )
        for table in tables
    }


def test_the_tables_are_analyzed_at_the_end(db):
    tables = ("cases_case", "mapping_meeting", "cases_statusentry")
    before = _analyze_counts(tables)
    _generate(participants=50)
    after = _analyze_counts(tables)
    assert all(after[table] > before[table] for table in tables), (before, after)


def test_log_rows_can_be_chosen(db):
    counts = _generate(participants=50, log_rows=7)
    assert counts["audit_accesslog"] == AccessLog.objects.count() == 7


def test_every_case_person_and_status_passes_the_models_own_validation(generated):
    for number in Person.objects.values_list("personnummer", flat=True):
        validate_identity_number(number)  # the date part and the Luhn check digit
    # The models' own validation (fields, choices, every constraint) on a sample; the rules
    # over all rows are checked in SQL below.
    for model in (Person, Case, StatusEntry, Consent, Meeting, Intervention, JointMapping):
        for row in model.objects.order_by("?")[:60]:
            row.full_clean()


def test_the_cases_follow_the_rules_of_the_process(generated):
    broken = _rows(
        """
        SELECT id, phase FROM cases_case
        WHERE (phase = 'closed') <> (end_date IS NOT NULL AND end_date <= %(today)s)
           OR (phase = 'closed') <> (exit_reason <> '')
           OR (phase NOT IN ('referred', 'closed') AND (start_date IS NULL
                                                       OR start_date > %(today)s))
           OR (phase = 'referred' AND start_date IS NOT NULL)
           OR start_date < referral_date
           OR end_date - start_date > 365
           OR referral_date > %(today)s
           OR (start_date IS NULL AND phase = 'closed' AND exit_reason <> 'not_admitted')
           OR (closing_doc_date IS NOT NULL AND (phase <> 'closed' OR closing_doc_date > %(today)s))
        """,
        {"today": TODAY},
    )
    assert broken == []
    # never two open cases at once: a later case is referred after the earlier one ended, and
    # after its day 365, so that the earlier case's outcome is not the later one's
    overlapping = _scalar(
        """
        SELECT count(*) FROM cases_case a JOIN cases_case b
          ON a.person_id = b.person_id AND a.id < b.id
        WHERE b.referral_date <= coalesce(a.end_date, %s) OR b.referral_date <= a.start_date + 365
        """,
        [TODAY],
    )
    assert overlapping == 0
    # the phase transitions run forward, ending in the case's phase
    last_phase = _rows(
        """
        SELECT c.id FROM cases_case c
        WHERE c.phase <> (SELECT t.to_phase FROM cases_phasetransition t WHERE t.case_id = c.id
                          ORDER BY t.date DESC, t.id DESC LIMIT 1)
        """
    )
    assert last_phase == []
    # a person is registered before their cases and mappings
    assert not _rows(
        """
        SELECT p.id FROM cases_person p
        WHERE p.created_at > (SELECT min(c.created_at) FROM cases_case c WHERE c.person_id = p.id)
           OR p.created_at > (SELECT min(m.created_at) FROM mapping_jointmapping m
                              WHERE m.person_id = p.id)
        """
    )
    # a person is 18–64 at the start of the first case
    ages = _rows(
        """
        SELECT min(date_part('year', age(c.start_date, p.birth_date))),
               max(date_part('year', age(first.start_date, p.birth_date)))
        FROM cases_case c JOIN cases_person p ON p.id = c.person_id
        JOIN LATERAL (SELECT start_date FROM cases_case f WHERE f.person_id = p.id
                      ORDER BY f.referral_date LIMIT 1) first ON true
        WHERE c.start_date IS NOT NULL AND first.start_date IS NOT NULL
        """
    )[0]
    assert ages[0] >= 18 and ages[1] <= 64
    # open cases on the day: about 8 000 per 15 000 yearly participants
    yearly = Case.objects.count() / 10
    open_now = Case.objects.open().count()
    assert 0.3 * yearly < open_now < 0.8 * yearly


def test_the_data_has_the_variety_the_reports_need(generated):
    # every person has a status timeline, and every outcome category occurs
    assert not Person.objects.filter(status_entries__isnull=True).exists()
    used = set(StatusEntry.objects.values_list("code__outcome_category", flat=True))
    assert used == set(StatusCode.objects.values_list("outcome_category", flat=True))
    # areas of unequal size
    sizes = sorted(Area.objects.filter(code__startswith="nat").values_list("id", flat=True))
    per_area = [Case.objects.filter(area_id=area).count() for area in sizes]
    assert max(per_area) > 2 * min(per_area)
    # several cases for some people
    assert _scalar(
        "SELECT count(*) FROM (SELECT person_id FROM cases_case GROUP BY 1 HAVING count(*) > 1) t"
    )
    # cases spread over the ten years before the day, in every year
    years = {
        row[0] for row in _rows("SELECT DISTINCT date_part('year', referral_date) FROM cases_case")
    }
    assert set(range(TODAY.year - 9, TODAY.year + 1)) <= {int(y) for y in years}
    # staff per area in proportion to its size, a coordinator in each
    staff = StaffProfile.objects.filter(role__code__in=["fk_officer", "af_officer"])
    assert staff.count() >= 2 * AREAS
    assert StaffProfile.objects.filter(role__code="coordinator").count() == AREAS
    # the log: mostly the officers' own caseload, each entry about a person of that area
    own = AccessLog.objects.filter(purpose="eget ärendebestånd").count()
    assert own > AccessLog.objects.count() / 2
    assert not _rows(
        """
        SELECT l.id FROM audit_accesslog l JOIN cases_person p ON p.id = l.person_id
        WHERE l.area_id <> p.area_id
        """
    )


def test_the_day_365_outcome_counts_the_cohort_as_a_hand_count(generated):
    months = [dt.date(2022, month, 1) for month in range(1, 13)]
    # The cohort: cases started in 2021; counted unless protected identity or no consent to
    # follow-up registration in force on day 365 (start + 365); the status on day 365 is the
    # latest entry on or before it.
    hand = dict(
        _rows(
            """
            WITH cohort AS (
                SELECT c.id, c.person_id, c.start_date + 365 AS day_365
                FROM cases_case c JOIN cases_person p ON p.id = c.person_id
                WHERE c.start_date >= '2021-01-01' AND c.start_date < '2022-01-01'
                  AND NOT p.protected_identity
                  AND EXISTS (SELECT 1 FROM cases_consent k WHERE k.person_id = c.person_id
                              AND k.covers_follow_up AND k.given_on <= c.start_date + 365
                              AND (k.withdrawn_on IS NULL OR k.withdrawn_on > c.start_date + 365))
            )
            SELECT coalesce((SELECT s.outcome_category FROM cases_statusentry e
                             JOIN cases_statuscode s ON s.id = e.code_id
                             WHERE e.person_id = cohort.person_id AND e.date <= cohort.day_365
                             ORDER BY e.date DESC LIMIT 1), 'other') AS category,
                   count(*)
            FROM cohort GROUP BY 1
            """
        )
    )
    started = Case.objects.filter(start_date__year=2021).count()

    report = outcomes(months=months, area_ids=None)

    total = report["rows"]["total"]["total"]
    assert total["total"] == sum(hand.values()) > 10
    for category, n in hand.items():
        assert total["counts"][category] == n
    assert started > total["total"]  # some participants are anonymous and left out


def test_a_generated_officer_logs_in_and_sees_the_people_of_their_area_only(generated, login):
    password = national.DEFAULT_PASSWORD
    response = Client().post("/konto/logga-in/", {"username": "fk1.nat001", "password": password})
    assert response.status_code == 302 and "logga-in" not in response["Location"]
    officer = get_user_model().objects.get(username="fk1.nat001")
    client = login(officer)
    own = Case.objects.filter(fk_officer=officer).select_related("person").first()
    other = Person.objects.exclude(area__code="nat001").first()
    assert client.get(f"/personer/{own.person_id}/").status_code == 200
    assert client.get(f"/personer/{other.pk}/").status_code == 404


def test_the_sequences_continue_after_the_generated_ids(generated):
    largest = {
        table: _scalar(f"SELECT max({KEY[table]}) FROM {table}")  # noqa: S608
        for table in ("cases_person", "cases_case", "cases_historicalcase", "audit_accesslog")
    }
    area = Area.objects.get(code="nat001")
    person = Person.objects.create(
        personnummer="199001011239",
        first_name="Ny",
        last_name="Person",
        sex="M",
        birth_date=dt.date(1990, 1, 1),
        area=area,
    )
    case = Case.objects.create(person=person, area=area)  # its history row too
    entry = AccessLog.objects.create(action="view", person_id=person.pk, area=area)
    assert person.pk > largest["cases_person"]
    assert case.pk > largest["cases_case"]
    assert case.history.get().history_id > largest["cases_historicalcase"]
    assert entry.pk > largest["audit_accesslog"]


def test_without_the_owner_the_sequences_are_moved_on_by_drawing_values(generated, monkeypatch):
    # The application's role may not setval; without the owner's URL it draws values instead.
    monkeypatch.delenv(database.OWNER_URL, raising=False)
    target = _scalar("SELECT max(id) FROM cases_person") + 500
    with connection.cursor() as cursor:
        database.sequences_advance(cursor, {"cases_person": target})
    person = Person.objects.create(
        personnummer="199001011239",
        first_name="Ny",
        last_name="Person",
        sex="M",
        birth_date=dt.date(1990, 1, 1),
        area=Area.objects.get(code="nat001"),
    )
    assert person.pk > target


# --- refusals ---------------------------------------------------------------------------------


def test_a_database_with_cases_is_refused_in_swedish_and_left_as_it_was(generated):
    before = _table_counts()
    with pytest.raises(CommandError) as refused:
        call_command("generate_dataset", "--participants", "10", "--areas", "2")
    message = str(refused.value)
    assert "innehåller redan" in message and "ärenden" in message
    assert "tom databas" in message and "migrate" in message
    assert _table_counts() == before


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["--participants", "0"], "minst 1"),
        (["--participants", "-5"], "minst 1"),
        (["--participants", "10", "--areas", "0"], "Antalet områden"),
        (["--participants", "10", "--log-rows", "-1"], "loggposter"),
        (["--participants", "tio"], "inget heltal"),
        (["--participants", "10", "--areas", "1000"], "högst 999"),
    ],
)
def test_bad_arguments_are_refused_in_swedish_and_nothing_is_written(db, arguments, words):
    before = _table_counts()
    with pytest.raises(CommandError) as refused:
        call_command("generate_dataset", *arguments)
    assert words in str(refused.value)
    assert _table_counts() == before


def test_a_failure_half_way_leaves_nothing_behind(db, monkeypatch):
    before = _table_counts()
    participant = Lives.participant

    def failing(self, index):
        if index == 120:
            raise RuntimeError("avbrott mitt i")
        return participant(self, index)

    monkeypatch.setattr(runner, "BATCH_PARTICIPANTS", 50)  # two batches are copied first
    monkeypatch.setattr(Lives, "participant", failing)
    with pytest.raises(RuntimeError):
        _generate()
    assert _table_counts() == before


def test_the_command_writes_the_dataset_and_says_what_it_wrote(db, capsys):
    call_command("generate_dataset", "--participants", "40", "--areas", "2", "--seed", "3")
    out = capsys.readouterr()
    assert Person.objects.count() == 40 and Area.objects.filter(code="nat002").exists()
    assert "cases_person: 40" in out.out and "rader/s" in out.out
    assert "Genererar deltagare" in out.err  # the progress bar, on stderr


# --- the same seed, the same data -------------------------------------------------------------


class _Undo(Exception):
    pass


def _fingerprint_of_a_run(seed: int) -> dict[str, str]:
    """Generate, take each table's checksum (rows in key order), and roll the run back."""
    sums = {}
    try:
        with transaction.atomic():
            _generate(participants=120, seed=seed)
            for table, key in KEY.items():
                sums[table] = _scalar(
                    f"SELECT md5(string_agg(t::text, '|' ORDER BY t.{key})) FROM {table} t"  # noqa: S608
                )
            raise _Undo
    except _Undo:
        pass
    return sums


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(db):
    # The same database to start from: its reference data (roles, status codes) in place, not
    # made anew by each run (after a transactional test has emptied the tables).
    runner.References()
    first = _fingerprint_of_a_run(11)
    assert not Person.objects.exists()  # rolled back
    second = _fingerprint_of_a_run(11)
    other = _fingerprint_of_a_run(12)
    assert first == second
    assert first["cases_person"] != other["cases_person"]
    assert first["audit_accesslog"] != other["audit_accesslog"]


# --- on its own: committed steps on two connections -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_on_its_own_the_run_uses_two_connections_and_writes_the_same_rows():
    counts = _generate(participants=150, areas=3)
    assert {table: n for table, n in _table_counts().items() if n} == counts
    assert counts["audit_accesslog"] == 900 and counts["cases_historicalcase"] > 150
    assert not _rows(
        "SELECT h.id FROM cases_historicalcase h LEFT JOIN cases_case c ON c.id = h.id "
        "WHERE c.id IS NULL"
    )
    largest = _scalar("SELECT max(history_id) FROM cases_historicalcase")
    person = Person.objects.first()
    case = Case.objects.create(person=person, area=person.area, phase="closed",
                               end_date=TODAY, exit_reason="other")  # fmt: skip
    assert case.history.get().history_id > largest


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["participants", "history commit"])
def test_on_its_own_a_failure_undoes_the_steps_already_committed(monkeypatch, where):
    before = _table_counts()
    if where == "participants":
        participant = Lives.participant

        def failing(self, index):
            if index == 120:
                raise RuntimeError("avbrott mitt i")
            return participant(self, index)

        monkeypatch.setattr(runner, "BATCH_PARTICIPANTS", 50)
        monkeypatch.setattr(Lives, "participant", failing)
    else:  # the last step: the organisation and the people are committed by then

        def failing_commit(self):
            assert Person.objects.count() == 150
            raise RuntimeError("anslutningen bröts")

        monkeypatch.setattr(parallel.Side, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        _generate(participants=150, areas=3)
    assert _table_counts() == before
