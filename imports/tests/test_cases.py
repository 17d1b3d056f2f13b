"""The cases import (SPEC §6): cases in the phase their dates say, with their phase history,
never overlapping, for persons already registered."""

import datetime as dt

import pytest

from cases.models import Case, Consent, Phase, PhaseTransition
from cases.tests.factories import CaseFactory, PersonFactory
from imports.results import ImportRejected
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import ANNA, BO, CECILIA, csv_file, table_counts

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
CASES = csv_file(
    "cases",
    # Anna: a closed case, every column filled
    f"{ANNA};sdt;sick_unemployed;sjukpenning;2021-06-30;2019-11-01;2020-01-08;2020-01-20;"
    "2020-11-30;completed",
    # Bo: an open case registered straight into the needs analysis, unknowns left empty
    f"{BO};sdt;;;;;;2021-03-01;;",
    # Cecilia: referred to the preparation group, not yet started
    f"{CECILIA};sdt;exhausted_insurance;ingen;;;2021-05-04;;;",
)


def test_cases_are_created_in_the_phase_their_dates_say(imported_persons, coordinator, area):
    result = import_file(kind="cases", data=CASES, context=AccessContext.for_user(coordinator))

    assert result.as_dict() == {"kind": "cases", "rows": 3, "created": 3, "existing": 0}
    anna = Case.objects.get(person__personnummer=ANNA)
    assert anna.area == area
    assert (anna.phase, anna.exit_reason) == (Phase.CLOSED, "completed")
    assert (anna.referral_date, anna.start_date, anna.end_date) == (
        D("2020-01-08"),
        D("2020-01-20"),
        D("2020-11-30"),
    )
    assert (anna.target_group, anna.benefit) == ("sick_unemployed", "sjukpenning")
    assert (anna.benefit_end_date, anna.sick_leave_start) == (D("2021-06-30"), D("2019-11-01"))
    assert [
        (t.from_phase, t.to_phase, t.date) for t in PhaseTransition.objects.filter(case=anna)
    ] == [
        ("", Phase.REFERRED, D("2020-01-08")),
        (Phase.REFERRED, Phase.NEEDS_ANALYSIS, D("2020-01-20")),
        (Phase.NEEDS_ANALYSIS, Phase.CLOSED, D("2020-11-30")),
    ]
    bo = Case.objects.get(person__personnummer=BO)
    assert (bo.phase, bo.referral_date, bo.start_date, bo.target_group) == (
        Phase.NEEDS_ANALYSIS,
        None,
        D("2021-03-01"),
        "",
    )
    assert [(t.from_phase, t.to_phase) for t in bo.transitions.all()] == [
        ("", Phase.NEEDS_ANALYSIS)
    ]
    cecilia = Case.objects.get(person__personnummer=CECILIA)
    assert (cecilia.phase, cecilia.referral_date, cecilia.start_date) == (
        Phase.REFERRED,
        D("2021-05-04"),
        None,
    )
    assert anna.history.get().history_user == coordinator


def test_the_import_consent_is_moved_back_to_the_first_case_day(imported_persons, coordinator):
    import_file(kind="cases", data=CASES, context=AccessContext.for_user(coordinator))

    given = dict(
        Consent.objects.filter(source=Consent.Source.IMPORT).values_list(
            "person__personnummer", "given_on"
        )
    )
    assert given == {ANNA: D("2020-01-08"), BO: D("2021-03-01"), CECILIA: D("2021-05-04")}
    consent = Consent.objects.get(person__personnummer=ANNA)
    assert consent.history.count() == 2  # recorded, then moved: both in the history


def test_a_consent_recorded_in_the_app_is_never_moved(area, coordinator):
    person = PersonFactory(personnummer=ANNA, area=area)
    Consent.objects.create(person=person, given_on=D("2024-01-01"), covers_follow_up=True)

    import_file(
        kind="cases",
        data=csv_file("cases", f"{ANNA};sdt;;;;;;2021-03-01;;"),
        context=AccessContext.for_user(coordinator),
    )

    assert Consent.objects.get(person=person).given_on == D("2024-01-01")


def test_reimporting_the_same_cases_changes_nothing(imported_persons, coordinator):
    import_file(kind="cases", data=CASES, context=AccessContext.for_user(coordinator))
    before = table_counts()
    stored = list(Case.objects.order_by("pk").values())

    result = import_file(kind="cases", data=CASES, context=AccessContext.for_user(coordinator))

    assert (result.created, result.existing) == (0, 3)
    after = table_counts()
    assert {t: n for t, n in after.items() if t != "audit_accesslog"} == {
        t: n for t, n in before.items() if t != "audit_accesslog"
    }
    assert list(Case.objects.order_by("pk").values()) == stored


def test_a_case_with_other_values_is_rejected(imported_persons, coordinator):
    import_file(kind="cases", data=CASES, context=AccessContext.for_user(coordinator))
    changed = csv_file("cases", f"{BO};sdt;sick_unemployed;;;;;2021-03-01;2021-06-01;moved")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=changed, context=AccessContext.for_user(coordinator))

    message = rejected.value.rows[0].message
    assert (
        "Ärendet finns redan med andra uppgifter i end_date, exit_reason, target_group" in message
    )
    assert Case.objects.get(person__personnummer=BO).phase == Phase.NEEDS_ANALYSIS


def test_the_date_rules_of_a_case_apply(imported_persons, coordinator):
    data = csv_file(
        "cases",
        f"{ANNA};sdt;;;;;2020-02-01;2020-01-20;;",  # start before the preparation group
        f"{BO};sdt;;;;;;2021-03-01;2021-02-01;completed",  # ends before it starts
        f"{CECILIA};sdt;;;;;;;;",  # neither referral nor start
        f"{ANNA};sdt;;;;;;2022-03-01;2022-05-01;",  # ended without a reason
        f"{BO};sdt;;;;;;2023-03-01;;moved",  # a reason without an end
        f"{CECILIA};sdt;;;;;;2099-03-01;;",  # in the future
        f"{CECILIA};sdt;;;;;;1899-12-31;;",  # implausible
        f"{CECILIA};sdt;sjuk;;;;;2020-01-01;;",  # unknown target group
    )

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=data, context=AccessContext.for_user(coordinator))

    messages = {row.line: row.message for row in rejected.value.rows}
    assert "Starten kan inte ligga före beredningsgruppen." in messages[2]
    assert "Avslutet kan inte ligga före starten." in messages[3]
    assert "Ange referral_date" in messages[4]
    assert "Ange avslutsorsak" in messages[5]
    assert "Ange slutdatum" in messages[6]
    assert "framtiden" in messages[7]
    assert "1900-01-01" in messages[8]
    assert "Okänt värde 'sjuk'" in messages[9]
    assert not Case.objects.exists()


def test_cases_of_one_person_may_not_overlap(imported_persons, coordinator, area):
    person = imported_persons_anna()
    CaseFactory(person=person, start_date=D("2022-01-10"), referral_date=None)
    data = csv_file(
        "cases",
        f"{ANNA};sdt;;;;;;2020-01-01;2020-06-30;completed",  # before the open case: fine
        f"{ANNA};sdt;;;;;;2020-06-30;2021-01-01;completed",  # begins the day the last ended
        f"{ANNA};sdt;;;;;;2020-12-01;2021-02-01;completed",  # overlaps line 3
        f"{ANNA};sdt;;;;;;2023-01-01;;",  # a second open case
    )

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=data, context=AccessContext.for_user(coordinator))

    messages = {row.line: row.message for row in rejected.value.rows}
    assert sorted(messages) == [4, 5]
    assert "ärendet på rad 3" in messages[4]
    assert "registrerade ärende som började 2022-01-10" in messages[5]


def imported_persons_anna():
    from cases.models import Person

    return Person.objects.get(personnummer=ANNA)


def test_the_person_must_be_registered_first(area, coordinator):
    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=CASES, context=AccessContext.for_user(coordinator))

    assert len(rejected.value.rows) == 3
    assert "Importera personen först (filtyp persons)" in rejected.value.rows[0].message


def test_rows_of_another_area_are_rejected(imported_persons, coordinator, other_area):
    data = csv_file("cases", f"{ANNA};ume;;;;;;2021-03-01;;", f"{BO};xyz;;;;;;2021-03-01;;")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=data, context=AccessContext.for_user(coordinator))

    first, second = rejected.value.rows
    assert "Du kan inte importera till samverkansområdet 'ume'" in first.message
    assert "Okänt samverkansområde 'xyz'" in second.message


def test_from_the_command_line_the_case_follows_the_persons_area(imported_persons, other_area):
    data = csv_file("cases", f"{ANNA};ume;;;;;;2021-03-01;;")

    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="cases", data=data, context=AccessContext.for_user(None, username="kommandorad")
        )

    assert "Personen hör till ett annat samverkansområde än 'ume'" in rejected.value.rows[0].message
