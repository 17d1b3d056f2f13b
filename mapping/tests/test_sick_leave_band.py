"""Time in the sick-leave case at the mapping (SPEC §4, §5 "Joint mapping statistics").

The band is computed twice: in Python for pages (`sick_leave_band`) and in SQL for reports
(`JointMapping.objects.with_sick_leave_band()`). Both count as Försäkringskassan counts: the first
day of the sick-leave case is day 1. The edges are checked by hand, and a property test holds
the two implementations together for arbitrary dates."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.models import (
    BAND_EDGES,
    Decision,
    JointMapping,
    SickLeaveBand,
    sick_leave_band,
    sick_leave_day,
)

START = dt.date(2025, 1, 10)


def day_number(n: int) -> dt.date:
    """The date of sick-leave day `n` (day 1 is the first day)."""
    return START + dt.timedelta(days=n - 1)


def ended_mappings(person, pairs):
    """Closed mappings (so a person can have many) for (sick_leave_start, mapping day) pairs,
    written in one statement."""
    return JointMapping.objects.bulk_create(
        JointMapping(
            person=person,
            area=person.area,
            initiated_by="FK",
            sick_leave_start=start,
            requested_on=on,
            decision=Decision.NO_ACTION,
            ended_on=on,
        )
        for start, on in pairs
    )


def sql_bands(mappings) -> dict[int, str | None]:
    rows = JointMapping.objects.filter(pk__in=[m.pk for m in mappings]).with_sick_leave_band()
    return dict(rows.values_list("pk", "sick_leave_band"))


# --- the edges, by hand -------------------------------------------------------------------------

EDGES = [
    (1, SickLeaveBand.UNDER_90),
    (89, SickLeaveBand.UNDER_90),
    (90, SickLeaveBand.FROM_90_TO_180),
    (179, SickLeaveBand.FROM_90_TO_180),
    (180, SickLeaveBand.FROM_180_TO_365),
    (365, SickLeaveBand.FROM_180_TO_365),
    (366, SickLeaveBand.OVER_365),
    (1000, SickLeaveBand.OVER_365),
]


def test_the_first_day_of_the_sick_leave_case_is_day_one():
    # given a sick-leave case that began on 10 January 2025
    # then that day is day 1, the next day 2, and day 90 is 89 days later (10 April)
    assert sick_leave_day(START, START) == 1
    assert sick_leave_day(START, dt.date(2025, 1, 11)) == 2
    assert day_number(90) == dt.date(2025, 4, 9)
    assert sick_leave_day(START, dt.date(2025, 4, 9)) == 90


@pytest.mark.parametrize(("day", "band"), EDGES)
def test_python_band_follows_the_published_edges(day, band):
    # given a mapping held on sick-leave day `day`
    # when the band is computed / then it is the band of the published table
    assert sick_leave_band(START, day_number(day)) == band


def test_the_edges_constant_says_what_the_bands_say():
    # the first day of each later band is the edge of the band before it
    assert [edge for edge, _ in BAND_EDGES] == [90, 180, 366]


def test_mapping_before_the_sick_leave_start_has_no_band():
    # given a mapping the day before the sick-leave case began (day 0)
    # then it has no band: the person was not on sick leave yet
    assert sick_leave_band(START, START - dt.timedelta(days=1)) is None
    assert sick_leave_band(START, START - dt.timedelta(days=400)) is None


def test_unknown_dates_give_no_band():
    assert sick_leave_band(None, START) is None
    assert sick_leave_band(START, None) is None


def test_band_uses_the_first_meeting_when_held_else_the_request(person):
    # given a mapping requested on day 85, its first meeting on day 95
    mapping = JointMapping(
        person=person,
        area=person.area,
        sick_leave_start=START,
        requested_on=day_number(85),
    )
    # when it has not been held yet, the request dates it: under 90 days
    assert mapping.mapping_date == day_number(85)
    assert mapping.sick_leave_band == SickLeaveBand.UNDER_90
    # when the first meeting is registered, the meeting dates it: 90–180 days
    mapping.first_meeting_on = day_number(95)
    assert mapping.mapping_date == day_number(95)
    assert mapping.sick_leave_band == SickLeaveBand.FROM_90_TO_180
    assert mapping.get_sick_leave_band_display() == "90–180 dagar"


# --- the same edges in SQL ----------------------------------------------------------------------


def test_sql_band_follows_the_same_edges(person):
    # given one closed mapping on each edge day, and one before the sick leave began
    days = [day for day, _ in EDGES] + [0, -30]
    mappings = ended_mappings(person, [(START, day_number(day)) for day in days])

    # when the reports' annotation computes the bands
    bands = sql_bands(mappings)

    # then they are the hand-checked ones, and no band before day 1
    expected = [band.value for _, band in EDGES] + [None, None]
    assert [bands[m.pk] for m in mappings] == expected


def test_sql_band_uses_the_first_meeting_when_held_else_the_request(person):
    # given two mappings requested on day 85, one of them held on day 95
    waiting, held = ended_mappings(person, [(START, day_number(85)), (START, day_number(85))])
    JointMapping.objects.filter(pk=held.pk).update(first_meeting_on=day_number(95))

    bands = sql_bands([waiting, held])

    assert bands[waiting.pk] == SickLeaveBand.UNDER_90
    assert bands[held.pk] == SickLeaveBand.FROM_90_TO_180


def test_sql_band_of_a_mapping_without_sick_leave_start_is_none_like_python(person):
    # given a mapping whose sick-leave start is unknown (e.g. a person on no sickness benefit)
    (mapping,) = ended_mappings(person, [(None, START)])

    # then the report's band is unknown too, as on the page
    assert sick_leave_band(None, START) is None
    assert sql_bands([mapping])[mapping.pk] is None


# --- the two agree, whatever the dates ----------------------------------------------------------

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31))
# Pairs near the edges are where a difference would hide, so most pairs are a start and an
# offset of up to two years either side; the rest are two arbitrary dates.
near_pairs = st.tuples(dates, st.integers(min_value=-60, max_value=800)).map(
    lambda p: (p[0], p[0] + dt.timedelta(days=p[1]))
)
pairs = st.lists(st.one_of(near_pairs, st.tuples(dates, dates)), min_size=1, max_size=25)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=pairs)
def test_python_and_sql_bands_agree_for_any_dates(person, pairs):
    # given closed mappings for arbitrary (sick-leave start, mapping day) pairs, in a savepoint
    # that is rolled back, so every example starts from the same empty table
    with transaction.atomic():
        mappings = ended_mappings(person, pairs)

        # when both implementations compute the bands
        bands = sql_bands(mappings)
        transaction.set_rollback(True)

    # then they agree on every mapping
    for mapping, (start, on) in zip(mappings, pairs, strict=True):
        assert bands[mapping.pk] == sick_leave_band(start, on), (start, on)
