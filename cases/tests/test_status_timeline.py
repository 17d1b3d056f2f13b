"""AF's status timeline (SPEC §3, §5): dated entries per person from an admin-editable code list;
the status on a day is the latest entry on or before it, and a later entry never counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.models import WORK_OR_EDUCATION, OutcomeCategory, StatusCode, StatusEntry
from cases.services import status_entry_save
from cases.tests.factories import PersonFactory
from samverkan.services import AccessContext

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = dt.timedelta(days=1)
TODAY = dt.date(2026, 6, 1)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=STOCKHOLM)


def code(value: str) -> StatusCode:
    return StatusCode.objects.get(code=value)


def save(person, on, value, user=None, **kwargs):
    return status_entry_save(
        person=person,
        on=on,
        code=code(value),
        context=AccessContext.for_user(user),
        today=TODAY,
        **kwargs,
    )


def status(person, day):
    entry = StatusEntry.status_on(person, day)
    return entry.code.code if entry else None


def test_every_default_code_maps_to_one_outcome_category(db):
    codes = {c.code: c.outcome_category for c in StatusCode.objects.all()}
    assert set(codes.values()) == set(OutcomeCategory.values)
    assert {c for c, cat in codes.items() if cat in WORK_OR_EDUCATION} == {
        "work_unsubsidised",
        "work_subsidised",
        "education",
        "self_employed",
    }


def test_status_on_a_day_is_the_latest_entry_on_or_before_it(person, af_officer):
    save(person, dt.date(2026, 3, 1), "openly_unemployed", af_officer)
    save(person, dt.date(2026, 3, 10), "labour_market_programme", af_officer)
    save(person, dt.date(2026, 4, 20), "work_subsidised", af_officer)

    assert status(person, dt.date(2026, 2, 28)) is None
    assert status(person, dt.date(2026, 3, 1)) == "openly_unemployed"
    assert status(person, dt.date(2026, 3, 9)) == "openly_unemployed"
    assert status(person, dt.date(2026, 3, 10)) == "labour_market_programme"
    assert status(person, dt.date(2026, 4, 19)) == "labour_market_programme"
    assert status(person, dt.date(2026, 4, 20)) == "work_subsidised"
    assert status(person, dt.date(2027, 1, 1)) == "work_subsidised"


def test_an_entry_dated_after_the_day_never_counts_even_when_recorded_first(person, af_officer):
    # The later-dated entry is recorded first, so neither insertion order nor id can decide.
    save(person, dt.date(2026, 5, 1), "work_unsubsidised", af_officer)
    save(person, dt.date(2026, 2, 1), "openly_unemployed", af_officer)

    assert status(person, dt.date(2026, 4, 30)) == "openly_unemployed"
    assert status(person, dt.date(2026, 1, 31)) is None


def test_status_on_reads_only_the_persons_own_timeline(person, area, af_officer):
    other = PersonFactory(area=area)
    save(other, dt.date(2026, 3, 1), "work_unsubsidised", af_officer)
    save(person, dt.date(2026, 2, 1), "openly_unemployed", af_officer)

    assert status(person, dt.date(2026, 3, 5)) == "openly_unemployed"
    assert status(other, dt.date(2026, 2, 5)) is None


def test_a_second_save_the_same_day_replaces_the_entry_and_history_keeps_the_first(
    person, af_officer, colleague
):
    day = dt.date(2026, 3, 10)
    first = save(person, day, "openly_unemployed", af_officer, note="Inskriven")
    second = save(person, day, "work_subsidised", colleague, note="Rättad: lönebidrag")

    assert second.pk == first.pk
    assert StatusEntry.objects.filter(person=person).count() == 1
    assert status(person, day) == "work_subsidised"
    history = list(second.history.order_by("history_date"))
    assert [h.code.code for h in history] == ["openly_unemployed", "work_subsidised"]
    assert [h.history_user for h in history] == [af_officer, colleague]
    assert history[-1].diff_against(history[0]).changed_fields == ["code", "note"]


def test_an_inactive_code_is_refused_and_nothing_is_saved(person, af_officer):
    retired = code("other")
    retired.is_active = False
    retired.save()

    with pytest.raises(ValidationError) as refused:
        status_entry_save(
            person=person,
            on=dt.date(2026, 3, 1),
            code=retired,
            today=TODAY,
            context=AccessContext.system("test"),
        )

    assert refused.value.message_dict["code"] == ["Statuskoden används inte längre."]
    assert not StatusEntry.objects.exists()
    # An active code the same day is accepted.
    assert save(person, dt.date(2026, 3, 1), "openly_unemployed").code.code == "openly_unemployed"


def test_a_future_status_date_is_refused_and_today_is_allowed(person, af_officer):
    with time_machine.travel(noon(TODAY), tick=False):
        with pytest.raises(ValidationError) as refused:
            status_entry_save(
                person=person,
                on=TODAY + DAY,
                code=code("education"),
                context=AccessContext.for_user(af_officer),
            )
        assert refused.value.message_dict["date"] == ["Datumet får inte ligga i framtiden."]
        assert not StatusEntry.objects.exists()

        entry = status_entry_save(
            person=person,
            on=TODAY,
            code=code("education"),
            context=AccessContext.for_user(af_officer),
        )
    assert entry.date == TODAY and entry.created_by == af_officer
