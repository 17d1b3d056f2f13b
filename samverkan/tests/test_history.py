"""The change history every page shows (samverkan.history, SPEC §7): who changed what, old →
new, newest first; a change of only fields the reader may not see is left out altogether."""

from cases.services import person_update
from samverkan.history import HistorySource, history_rows
from samverkan.services import AccessContext


def _update(person, user, **data):
    return person_update(
        person=person, expected_version=None, data=data, context=AccessContext.for_user(user)
    )


def test_a_new_record_lists_what_it_was_registered_with_and_a_change_old_and_new(
    person, fk_officer
):
    # given a person registered with a city, then given a new one by the FK officer
    _update(person, fk_officer, city="Umeå")
    _update(person, fk_officer, city="Luleå")

    # when the history shows the first name, the city and the protected identity
    rows = history_rows(
        HistorySource(
            records=person.history.all(),
            fields=("first_name", "city", "protected_identity"),
            label=lambda record: "Deltagare",
        )
    )

    # then the newest change comes first, by whom, with the old and the new value
    assert [row["kind"] for row in rows] == ["Ändrad", "Ändrad", "Registrerad"]
    assert rows[0]["changes"] == [("Ort", "Umeå", "Luleå")]
    assert rows[0]["who"] == fk_officer.get_full_name() and rows[0]["object"] == "Deltagare"
    # and the registration lists its values, but not an empty city or an unticked box
    assert rows[2]["changes"] == [("Förnamn", "–", person.first_name)]


def test_a_change_of_only_fields_not_shown_is_left_out(person, fk_officer):
    # given a change of the phone number only
    _update(person, fk_officer, phone="070-123 45 67")

    # when the history shows the city but not the phone number
    rows = history_rows(HistorySource(records=person.history.all(), fields=("city",)))

    # then only the registration is there (its date alone would reveal the change), and a
    # source without a label says nothing about which record a row is about
    assert [row["kind"] for row in rows] == ["Registrerad"]
    assert "object" not in rows[0]


def test_a_source_names_its_own_kinds_and_may_leave_out_the_registered_values(person):
    rows = history_rows(
        HistorySource(
            records=person.history.all(),
            fields=("first_name",),
            kinds={"+": "Öppnad"},
            registered_values=False,
        )
    )
    assert [(row["kind"], row["changes"]) for row in rows] == [("Öppnad", [])]


def test_changes_a_source_compares_itself_come_first(person, fk_officer):
    # given a change of the city
    _update(person, fk_officer, city="Kiruna")

    def months(before, record):
        return [("Namn", "–" if before is None else before.last_name, record.last_name)]

    # when the source adds its own comparison
    rows = history_rows(
        HistorySource(
            records=person.history.all(), fields=("city",), show=lambda f, v: v, changes=months
        )
    )

    # then it is listed before the fields', for the registration and for each change
    assert rows[0]["changes"] == [
        ("Namn", person.last_name, person.last_name),
        ("Ort", "", "Kiruna"),
    ]
    assert rows[1]["changes"] == [("Namn", "–", person.last_name)]
