"""The status import (SPEC §6): the AIS-style file of AF status entries."""

import datetime as dt

import pytest

from cases.models import StatusCode, StatusEntry
from cases.tests.factories import PersonFactory
from imports.results import ImportRejected
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import ANNA, BO, csv_file, table_counts

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
STATUS = csv_file(
    "status",
    f"{ANNA};2020-03-01;openly_unemployed",
    f"{ANNA};2021-01-15;work_subsidised",
    f"{BO};2021-04-01;education",
)


def test_status_entries_are_added_to_the_timeline(imported_persons, coordinator):
    result = import_file(kind="status", data=STATUS, context=AccessContext.for_user(coordinator))

    assert result.as_dict() == {"kind": "status", "rows": 3, "created": 3, "existing": 0}
    assert list(
        StatusEntry.objects.order_by("person__personnummer", "date").values_list(
            "person__personnummer", "date", "code__code", "created_by"
        )
    ) == [
        (ANNA, D("2020-03-01"), "openly_unemployed", coordinator.pk),
        (ANNA, D("2021-01-15"), "work_subsidised", coordinator.pk),
        (BO, D("2021-04-01"), "education", coordinator.pk),
    ]
    anna_entry = StatusEntry.objects.get(date=D("2021-01-15"))
    # the change history has the entry as simple_history records a creation
    record = anna_entry.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        coordinator,
        "import status",
    )
    assert (record.id, record.person_id, record.date, record.code_id, record.created_at) == (
        anna_entry.id,
        anna_entry.person_id,
        anna_entry.date,
        anna_entry.code_id,
        anna_entry.created_at,
    )
    assert anna_entry.created_at == anna_entry.updated_at
    # the status on a day is the latest entry on or before it (SPEC §3)
    assert StatusEntry.status_on(anna_entry.person, D("2020-12-31")).code.code == (
        "openly_unemployed"
    )


def test_reimporting_the_same_status_file_changes_nothing(imported_persons, coordinator):
    import_file(kind="status", data=STATUS, context=AccessContext.for_user(coordinator))
    before = table_counts()

    result = import_file(kind="status", data=STATUS, context=AccessContext.for_user(coordinator))

    assert (result.created, result.existing) == (0, 3)
    after = table_counts()
    assert {t: n for t, n in after.items() if t != "audit_accesslog"} == {
        t: n for t, n in before.items() if t != "audit_accesslog"
    }


def test_another_code_the_same_day_is_a_conflict(imported_persons, coordinator):
    import_file(kind="status", data=STATUS, context=AccessContext.for_user(coordinator))

    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="status",
            data=csv_file("status", f"{ANNA};2020-03-01;education"),
            context=AccessContext.for_user(coordinator),
        )

    assert "Personens status detta datum finns redan med andra uppgifter i status_code" in (
        rejected.value.rows[0].message
    )
    assert StatusEntry.objects.get(date=D("2020-03-01")).code.code == "openly_unemployed"


def test_two_codes_for_one_day_in_the_file_are_rejected(imported_persons, coordinator):
    data = csv_file("status", f"{ANNA};2020-03-01;education", f"{ANNA};2020-03-01;other")

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="status", data=data, context=AccessContext.for_user(coordinator))

    (row,) = rejected.value.rows
    assert (row.line, row.message) == (3, "Samma personnummer och datum som rad 2.")


def test_unknown_and_retired_codes_are_rejected(imported_persons, coordinator):
    StatusCode.objects.create(
        code="gammal", name="Gammal", outcome_category="other", is_active=False
    )
    data = csv_file(
        "status", f"{ANNA};2020-03-01;arbete", f"{ANNA};2020-03-02;gammal", f"{ANNA};2020-03-03;"
    )

    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="status", data=data, context=AccessContext.for_user(coordinator))

    first, second, third = (row.message for row in rejected.value.rows)
    assert "Okänd statuskod 'arbete'" in first
    assert "work_unsubsidised" in first  # the codes in use are listed
    assert "Statuskoden gammal används inte längre." in second
    assert "Statuskod saknas." in third


def test_a_person_of_another_area_reads_as_not_registered(other_area, coordinator, area):
    PersonFactory(personnummer=ANNA, area=other_area)

    with pytest.raises(ImportRejected) as rejected:
        import_file(
            kind="status",
            data=csv_file("status", f"{ANNA};2020-03-01;other"),
            context=AccessContext.for_user(coordinator),
        )

    assert "finns inte registrerad i dina samverkansområden" in rejected.value.rows[0].message
    assert not StatusEntry.objects.exists()


def test_the_access_log_says_who_imported_what_for_whom(imported_persons, coordinator, area):
    from audit.models import AccessLog

    import_file(
        kind="status",
        data=STATUS,
        context=AccessContext.for_user(coordinator),
        filename="ais-mars.csv",
    )

    per_person = AccessLog.objects.filter(object_type="statusentry").order_by("purpose")
    assert [(e.user, e.action, e.area_id, e.purpose) for e in per_person] == [
        (coordinator, "create", area.pk, "import status (ais-mars.csv): 1 ny statuspost"),
        (coordinator, "create", area.pk, "import status (ais-mars.csv): 2 nya statusposter"),
    ]
    summary = AccessLog.objects.get(object_type="import", object_id="status")
    assert summary.purpose == "import status (ais-mars.csv): 3 rader, 3 nya, 0 fanns redan"
    assert (summary.user, summary.area_id) == (coordinator, area.pk)
