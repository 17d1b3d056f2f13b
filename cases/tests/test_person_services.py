"""Writing people, their consent and the situation at start and end (SPEC §3) through
cases.services: derived sex and birth date, no duplicates, no silent overwrite, history kept,
and bad input refused with a message while nothing is saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.se import orgnr

from cases.models import Consent, Person, Phase, Situation
from cases.services import (
    case_open,
    consent_record,
    consent_withdraw,
    person_create,
    person_update,
    situation_save,
)
from cases.tests.factories import make_personnummer
from samverkan.services import AccessContext, ConcurrentEditError

TODAY = dt.date(2026, 6, 1)
DAY = dt.timedelta(days=1)
VALID_ORGNR = "556036-0793"
assert orgnr.is_valid(VALID_ORGNR)  # checked with python-stdnum before use


def coordination_number(birth: dt.date, serial: int) -> str:
    """Samordningsnummer: the personnummer with 60 added to the day."""
    ten = f"{birth:%y%m}{birth.day + 60:02d}{serial:03d}"
    return f"{birth:%Y}{ten[2:]}{luhn.calc_check_digit(ten)}"


def create(area, number, **fields):
    fields.setdefault("first_name", "Anna")
    fields.setdefault("last_name", "Andersson")
    user = fields.pop("user", None)
    context = AccessContext.for_user(user) if user else AccessContext.system("test")
    return person_create(personnummer=number, area=area, context=context, **fields)


# --- person_create -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "birth, serial, sex",
    [
        (dt.date(1980, 1, 1), 23, "M"),  # ninth digit odd: man
        (dt.date(1980, 1, 1), 24, "K"),  # ninth digit even: kvinna
        (dt.date(2000, 2, 29), 158, "K"),
        (dt.date(1996, 12, 31), 7, "M"),
    ],
)
def test_person_create_derives_sex_and_birth_date_from_the_number(
    area, fk_officer, birth, serial, sex
):
    number = make_personnummer(birth, serial=serial)

    person = create(area, number, user=fk_officer)

    assert (person.personnummer, person.birth_date, person.sex) == (number, birth, sex)
    assert person.is_coordination_number is False
    assert person.history.get().history_user == fk_officer


def test_a_ten_digit_number_with_hyphen_is_stored_with_twelve_digits(area):
    number = make_personnummer(dt.date(1985, 7, 14), serial=42)

    person = create(area, f"{number[2:8]}-{number[8:]}")

    assert person.personnummer == number
    assert person.birth_date == dt.date(1985, 7, 14)


def test_a_coordination_number_gives_the_birth_date_without_the_60(area):
    number = coordination_number(dt.date(1990, 5, 3), 102)

    person = create(area, number)

    assert person.personnummer == number and number[6:8] == "63"
    assert person.is_coordination_number is True
    assert (person.birth_date, person.sex) == (dt.date(1990, 5, 3), "K")


@pytest.mark.parametrize(
    "form",
    [
        lambda n: n,  # the same 12 digits
        lambda n: n[2:],  # the 10-digit form
        lambda n: f"{n[2:8]}-{n[8:]}",  # the 10-digit form with hyphen
        lambda n: f"{n[:8]}-{n[8:]}",  # 12 digits with hyphen
    ],
    ids=["12", "10", "10-hyphen", "12-hyphen"],
)
def test_a_person_is_never_registered_twice_in_any_form_of_the_number(area, other_area, form):
    number = make_personnummer(dt.date(1975, 11, 2), serial=311)
    create(area, number)

    with pytest.raises(ValidationError) as refused:
        create(other_area, form(number), first_name="Annan")

    assert refused.value.message_dict["personnummer"] == ["Personen finns redan registrerad."]
    assert Person.objects.count() == 1


def test_an_invalid_number_is_refused_and_nothing_is_saved(area):
    number = make_personnummer(dt.date(1975, 11, 2), serial=311)
    wrong_check = number[:-1] + str((int(number[-1]) + 1) % 10)

    with pytest.raises(ValidationError) as refused:
        create(area, wrong_check)

    assert "Kontrollsiffran stämmer inte." in refused.value.messages
    assert not Person.objects.exists()


# --- person_update: concurrency and history -----------------------------------------------------


def _stored(person):
    stored = Person.objects.get(pk=person.pk)
    return (stored.phone, stored.city, stored.version, stored.history.count())


def test_a_stale_person_edit_is_refused_and_the_row_is_unchanged(area, fk_officer, af_officer):
    person = create(area, make_personnummer(dt.date(1970, 3, 3), serial=55))
    opened_at = person.version
    person_update(
        person=person,
        expected_version=opened_at,
        data={"phone": "070-111 22 33"},
        context=AccessContext.for_user(fk_officer),
    )
    after_first = _stored(person)

    with pytest.raises(ConcurrentEditError):
        person_update(
            person=person,
            expected_version=opened_at,
            data={"phone": "070-999 88 77", "city": "Huddinge"},
            context=AccessContext.for_user(af_officer),
        )

    assert _stored(person) == after_first
    assert after_first[:3] == ("070-111 22 33", "", opened_at + 1)


def test_person_history_records_old_and_new_values_with_the_user(area, fk_officer, af_officer):
    person = create(
        area, make_personnummer(dt.date(1970, 3, 3), serial=57), city="Södertälje", user=fk_officer
    )

    person = person_update(
        person=person,
        expected_version=person.version,
        data={"city": "Huddinge", "education_level": "gymnasial"},
        context=AccessContext.for_user(af_officer),
    )

    latest = person.history.first()
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes == {
        "city": ("Södertälje", "Huddinge"),
        "education_level": ("okand", "gymnasial"),
    }
    assert latest.history_user == af_officer
    assert latest.prev_record.history_user == fk_officer


def test_an_unchanged_person_save_writes_no_version_or_history(area, fk_officer):
    person = create(area, make_personnummer(dt.date(1970, 3, 3), serial=59), city="Nykvarn")
    before = _stored(person)

    person_update(
        person=person,
        expected_version=person.version,
        data={"city": "Nykvarn"},
        context=AccessContext.for_user(fk_officer),
    )

    assert _stored(person) == before


def test_the_number_and_derived_facts_cannot_be_changed_through_person_update(person):
    with pytest.raises(ValueError):
        person_update(
            person=person,
            expected_version=person.version,
            data={"personnummer": "197001010000"},
            context=AccessContext.system("test"),
        )


# --- consent -----------------------------------------------------------------------------------


def test_a_consent_must_cover_something_and_cannot_be_dated_ahead(person, fk_officer):
    with pytest.raises(ValidationError) as nothing:
        consent_record(
            person=person,
            given_on=TODAY,
            covers_sharing=False,
            covers_follow_up=False,
            basis=Consent.Basis.WRITTEN,
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )
    assert "Ange vad samtycket" in nothing.value.messages[0]
    with pytest.raises(ValidationError) as ahead:
        consent_record(
            person=person,
            given_on=TODAY + DAY,
            covers_sharing=True,
            covers_follow_up=True,
            basis=Consent.Basis.WRITTEN,
            context=AccessContext.for_user(fk_officer),
            today=TODAY,
        )
    assert "given_on" in ahead.value.message_dict
    assert not Consent.objects.exists()

    consent = consent_record(
        person=person,
        given_on=TODAY,
        covers_sharing=True,
        covers_follow_up=True,
        basis=Consent.Basis.WRITTEN,
        context=AccessContext.for_user(fk_officer),
        today=TODAY,
    )
    assert consent.recorded_by == fk_officer


def test_a_withdrawal_before_the_consent_was_given_is_refused(person):
    given = dt.date(2026, 3, 10)
    consent = consent_record(
        person=person,
        given_on=given,
        covers_sharing=True,
        covers_follow_up=False,
        today=TODAY,
        context=AccessContext.system("test"),
    )

    with pytest.raises(ValidationError) as refused:
        consent_withdraw(
            consent=consent,
            withdrawn_on=given - DAY,
            today=TODAY,
            context=AccessContext.system("test"),
        )

    assert refused.value.message_dict["withdrawn_on"] == [
        "Återkallandet kan inte ligga före samtycket."
    ]
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    # The day it was given is the earliest allowed.
    assert (
        consent_withdraw(
            consent=consent, withdrawn_on=given, today=TODAY, context=AccessContext.system("test")
        ).withdrawn_on
        == given
    )


def test_a_consent_is_withdrawn_once_and_never_ahead(person, af_officer):
    consent = consent_record(
        person=person,
        given_on=dt.date(2026, 3, 10),
        covers_sharing=True,
        covers_follow_up=True,
        today=TODAY,
        context=AccessContext.system("test"),
    )
    with pytest.raises(ValidationError) as ahead:
        consent_withdraw(
            consent=consent,
            withdrawn_on=TODAY + DAY,
            today=TODAY,
            context=AccessContext.system("test"),
        )
    assert "withdrawn_on" in ahead.value.message_dict

    first = dt.date(2026, 4, 1)
    consent_withdraw(
        consent=consent, withdrawn_on=first, context=AccessContext.for_user(af_officer), today=TODAY
    )
    with pytest.raises(ValidationError) as twice:
        consent_withdraw(
            consent=consent,
            withdrawn_on=dt.date(2026, 5, 1),
            today=TODAY,
            context=AccessContext.system("test"),
        )

    assert twice.value.message_dict["withdrawn_on"] == ["Samtycket är redan återkallat."]
    consent.refresh_from_db()
    assert consent.withdrawn_on == first
    latest = consent.history.first()
    assert latest.history_user == af_officer
    assert latest.diff_against(latest.prev_record).changed_fields == ["withdrawn_on"]


# --- the situation at start and at end ---------------------------------------------------------


@pytest.fixture
def open_case(person):
    return case_open(
        person=person,
        phase=Phase.NEEDS_ANALYSIS,
        start_date=dt.date(2026, 2, 2),
        today=dt.date(2026, 2, 2),
        context=AccessContext.system("test"),
    )


def test_a_valid_organisation_number_is_stored_in_its_standard_form(open_case, fk_officer):
    situation = situation_save(
        case=open_case,
        moment=Situation.Moment.START,
        data={"employed": True, "employer_orgnr": "5560360793", "working": "unsubsidised"},
        context=AccessContext.for_user(fk_officer),
    )

    assert situation.employer_orgnr == VALID_ORGNR


def test_an_invalid_organisation_number_is_refused_and_nothing_is_saved(open_case):
    assert not orgnr.is_valid("556036-0794")

    with pytest.raises(ValidationError) as refused:
        situation_save(
            case=open_case,
            moment=Situation.Moment.START,
            data={"employed": True, "employer_orgnr": "556036-0794"},
            context=AccessContext.system("test"),
        )

    assert refused.value.message_dict["employer_orgnr"] == [
        "Organisationsnumret är inte giltigt (NNNNNN-NNNN)."
    ]
    assert not Situation.objects.exists()


def test_a_work_share_is_refused_for_someone_not_working_and_kept_for_someone_working(
    open_case,
):
    with pytest.raises(ValidationError) as refused:
        situation_save(
            case=open_case,
            moment=Situation.Moment.START,
            data={"working": Situation.Working.NO, "work_share_percent": 50},
            context=AccessContext.system("test"),
        )
    assert "work_share_percent" in refused.value.message_dict
    assert not Situation.objects.exists()

    situation = situation_save(
        case=open_case,
        moment=Situation.Moment.START,
        data={"working": Situation.Working.SUBSIDISED, "work_share_percent": 50},
        context=AccessContext.system("test"),
    )
    assert situation.work_share_percent == 50


def test_a_work_share_above_full_time_is_refused_with_a_message(open_case):
    """100 % = 40 hours a week; more is bad input, answered with a message (SPEC §7), not a
    database error."""
    with pytest.raises(ValidationError) as refused:
        situation_save(
            case=open_case,
            moment=Situation.Moment.START,
            data={"working": Situation.Working.UNSUBSIDISED, "work_share_percent": 150},
            context=AccessContext.system("test"),
        )

    assert "work_share_percent" in refused.value.message_dict
    assert not Situation.objects.exists()


def test_months_of_public_support_are_recorded_at_start_only(open_case):
    with pytest.raises(ValidationError) as refused:
        situation_save(
            case=open_case,
            moment=Situation.Moment.END,
            data={"public_support_months": 6},
            context=AccessContext.system("test"),
        )
    assert "public_support_months" in refused.value.message_dict

    start = situation_save(
        case=open_case,
        moment=Situation.Moment.START,
        data={"public_support_months": 6},
        context=AccessContext.system("test"),
    )
    assert start.public_support_months == 6


def test_a_second_save_of_the_same_moment_updates_it_with_history(open_case, fk_officer):
    situation_save(
        case=open_case,
        moment="start",
        data={"studying": False},
        context=AccessContext.for_user(fk_officer),
    )
    situation = situation_save(
        case=open_case,
        moment="start",
        data={"studying": True},
        context=AccessContext.for_user(fk_officer),
    )

    assert Situation.objects.filter(case=open_case).count() == 1
    latest = situation.history.first()
    assert latest.diff_against(latest.prev_record).changed_fields == ["studying"]
