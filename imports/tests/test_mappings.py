"""The mappings import (SPEC §6): joint mappings held on the day in the file, with the decision
taken then, linked to the case active support opened."""

import datetime as dt

import pytest

from cases.models import Case
from imports.results import ImportRejected
from imports.services import import_file
from mapping.models import JointMapping, Meeting
from reporting.metrics.mappings import mapping_stats
from samverkan.services import AccessContext

from .conftest import ANNA, BO, CECILIA, csv_file, table_counts

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
CASES = csv_file("cases", f"{ANNA};sdt;sick_unemployed;;;;2020-02-05;2020-02-12;;")
MAPPINGS = csv_file(
    "mappings",
    f"{ANNA};sdt;FK;2020-01-20;sjukpenning;2019-09-01;joint_active_support",
    f"{BO};sdt;AF;2021-01-20;;;no_action",
    f"{CECILIA};sdt;FK;2021-02-03;rehabiliteringspenning;2020-09-01;",
)


@pytest.fixture
def imported_cases(imported_persons, coordinator):
    import_file(kind="cases", data=CASES, context=AccessContext.for_user(coordinator))


def test_mappings_are_recorded_as_held_on_the_day(imported_cases, coordinator, area):
    result = import_file(
        kind="mappings", data=MAPPINGS, context=AccessContext.for_user(coordinator)
    )

    assert result.as_dict() == {"kind": "mappings", "rows": 3, "created": 3, "existing": 0}
    anna = JointMapping.objects.get(person__personnummer=ANNA)
    day = D("2020-01-20")
    assert (anna.area, anna.initiated_by, anna.benefit) == (area, "FK", "sjukpenning")
    assert (anna.requested_on, anna.request_received_on, anna.first_meeting_on) == (day, day, day)
    assert anna.mapping_date == day
    assert anna.sick_leave_band == "90_180"  # day 142 of the sick-leave case
    # the decision was taken then: the mapping ended with it, linked to the case it opened
    assert (anna.decision, anna.decision_date, anna.ended_on) == ("joint_active_support", day, day)
    case = Case.objects.get(person__personnummer=ANNA)
    assert anna.case == case
    assert (anna.case_target_group, anna.case_phase, anna.case_date) == (
        "sick_unemployed",
        "referred",
        D("2020-02-05"),
    )
    # its first meeting is a meeting, as when the meeting is registered in the app
    (meeting,) = Meeting.objects.filter(mapping=anna)
    assert (meeting.kind, meeting.date, meeting.person_id) == (
        "avstamningsmote",
        day,
        anna.person_id,
    )

    bo = JointMapping.objects.get(person__personnummer=BO)
    assert (bo.decision, bo.ended_on, bo.case) == ("no_action", D("2021-01-20"), None)
    # no decision: the mapping is still going on
    cecilia = JointMapping.objects.get(person__personnummer=CECILIA)
    assert (cecilia.decision, cecilia.ended_on, cecilia.is_open) == ("", None, True)
    assert not cecilia.waiting_for_first_meeting


def test_imported_mappings_count_in_the_mapping_statistics(imported_cases, coordinator, area):
    import_file(kind="mappings", data=MAPPINGS, context=AccessContext.for_user(coordinator))

    stats = mapping_stats(
        months=[D("2020-01-01"), D("2021-01-01"), D("2021-02-01")], area_ids=[area.pk]
    )

    assert stats["rows"]["total"]["total"]["count"] == 3
    assert stats["rows"]["initiated_by"]["AF"]["count"] == 1
    # Anna on day 142 and Cecilia on day 156 of their sick-leave cases; Bo's is unknown
    assert stats["rows"]["sick_leave_band"]["90_180"]["count"] == 2
    assert stats["rows"]["sick_leave_band"]["unknown"]["count"] == 1


def test_reimporting_the_same_mappings_changes_nothing(imported_cases, coordinator):
    import_file(kind="mappings", data=MAPPINGS, context=AccessContext.for_user(coordinator))
    before = table_counts()

    result = import_file(
        kind="mappings", data=MAPPINGS, context=AccessContext.for_user(coordinator)
    )

    assert (result.created, result.existing) == (0, 3)
    after = table_counts()
    assert {t: n for t, n in after.items() if t != "audit_accesslog"} == {
        t: n for t, n in before.items() if t != "audit_accesslog"
    }


def test_active_support_needs_the_case_it_opened(imported_persons, coordinator):
    data = csv_file("mappings", f"{ANNA};sdt;FK;2020-01-20;;;joint_active_support")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="mappings", data=data, context=AccessContext.for_user(coordinator))

    assert "Importera ärendena först (filtyp cases)" in rejected.value.rows[0].message


def test_one_case_is_opened_by_one_mapping(imported_cases, coordinator):
    data = csv_file(
        "mappings",
        f"{ANNA};sdt;FK;2020-01-20;;;joint_active_support",
        f"{ANNA};sdt;AF;2020-01-27;;;joint_active_support",
    )

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="mappings", data=data, context=AccessContext.for_user(coordinator))

    (row,) = rejected.value.rows
    assert row.line == 3
    assert "Ärendet som började 2020-02-05 hör redan till en annan kartläggning." in row.message


def test_a_person_has_one_open_mapping(imported_persons, coordinator):
    data = csv_file("mappings", f"{BO};sdt;FK;2020-01-20;;;", f"{BO};sdt;AF;2020-03-20;;;")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="mappings", data=data, context=AccessContext.for_user(coordinator))

    (row,) = rejected.value.rows
    assert "en pågående kartläggning på rad 2" in row.message


def test_mapping_rows_are_checked(imported_persons, coordinator):
    data = csv_file(
        "mappings",
        f"{ANNA};sdt;KF;2020-01-20;;;",
        f"{BO};sdt;FK;20200120;;;",
        f"{CECILIA};sdt;FK;2020-01-20;;2020-02-01;maybe",
    )

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="mappings", data=data, context=AccessContext.for_user(coordinator))

    first, second, third = rejected.value.rows
    assert first.columns == ["initiated_by"]
    assert second.columns == ["date"]
    assert third.columns == ["decision", "sick_leave_start"]
    assert "Sjukfallets första dag kan inte ligga efter kartläggningen" in third.message


def test_a_mapping_with_other_values_that_day_is_rejected(imported_cases, coordinator):
    import_file(kind="mappings", data=MAPPINGS, context=AccessContext.for_user(coordinator))

    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="mappings",
            data=csv_file("mappings", f"{BO};sdt;FK;2021-01-20;;;no_action"),
            context=AccessContext.for_user(coordinator),
        )

    assert "Kartläggningen finns redan med andra uppgifter i initiated_by" in (
        rejected.value.rows[0].message
    )
