"""Joint mapping statistics (SPEC §5, as Tabell 1): mappings held in the period by sex, age,
sick-leave band, benefit and initiating agency."""

import datetime as dt

from reporting.metrics import mapping_stats

from .test_metrics_given import mapping, person

MARCH_2025 = dt.date(2025, 3, 1)


def test_mappings_held_in_the_month_by_band(area, other_area):
    # given five mappings held in March 2025 (sick-leave day: its first day is day 1)
    mapping(  # day 1 → under 90; 25 on the meeting day
        person=person(area=area, sex="K", birth=dt.date(2000, 3, 5)),
        first_meeting=dt.date(2025, 3, 5),
        sick_leave_start=dt.date(2025, 3, 5),
        initiated_by="FK",
        benefit="sjukpenning",
    )
    mapping(  # 2025-01-01 → 2025-03-31 is 89 days later: day 90 → 90–180; 24 (birthday 1 April)
        person=person(area=area, sex="M", birth=dt.date(2000, 4, 1)),
        first_meeting=dt.date(2025, 3, 31),
        sick_leave_start=dt.date(2025, 1, 1),
        initiated_by="AF",
        benefit="",
        requested_on=dt.date(2025, 2, 20),
    )
    mapping(  # 2024-09-17 → 2025-03-15 is 179 days later: day 180 → 180 days–1 year
        person=person(area=area, sex="K", birth=dt.date(1985, 1, 1)),
        first_meeting=dt.date(2025, 3, 15),
        sick_leave_start=dt.date(2024, 9, 17),
        initiated_by="FK",
        benefit="sjukpenning",
    )
    mapping(  # 2024-03-20 → 2025-03-20 is 365 days later: day 366 → over 1 year; 65
        person=person(area=area, sex="K", birth=dt.date(1960, 3, 20)),
        first_meeting=dt.date(2025, 3, 20),
        sick_leave_start=dt.date(2024, 3, 20),
        initiated_by="FK",
        benefit="tidsbegransad_sjukersattning",
    )
    mapping(  # no sick-leave start: unknown band
        person=person(area=area, sex="M", birth=dt.date(1985, 1, 1)),
        first_meeting=dt.date(2025, 3, 10),
        sick_leave_start=None,
        initiated_by="AF",
        benefit="ingen",
    )
    # and mappings that do not count: requested in March but held in April, held in February,
    # requested and not held, held in March in the other area
    mapping(
        person=person(area=area),
        first_meeting=dt.date(2025, 4, 1),
        requested_on=dt.date(2025, 3, 3),
    )
    mapping(person=person(area=area), first_meeting=dt.date(2025, 2, 28))
    mapping(person=person(area=area), first_meeting=None, requested_on=dt.date(2025, 3, 3))
    mapping(person=person(area=other_area), first_meeting=dt.date(2025, 3, 3))

    figures = mapping_stats(months=[MARCH_2025], area_ids=[area.pk])["rows"]

    def counted(dimension):
        return {level: row["count"] for level, row in figures[dimension].items() if row["count"]}

    # then five, shares of five (Tabell 1: 20 % each)
    assert figures["total"]["total"] == {"count": 5, "share": "100%"}
    assert figures["sex"] == {"K": {"count": 3, "share": "60%"}, "M": {"count": 2, "share": "40%"}}
    assert counted("age_band") == {"18_24": 1, "25_34": 1, "35_44": 2, "65_plus": 1}
    assert counted("sick_leave_band") == {
        "under_90": 1,
        "90_180": 1,
        "180_365": 1,
        "over_365": 1,
        "unknown": 1,
    }
    assert figures["sick_leave_band"]["over_365"]["share"] == "20%"
    assert counted("benefit") == {
        "sjukpenning": 2,
        "tidsbegransad_sjukersattning": 1,
        "ingen": 1,
        "unknown": 1,
    }
    assert figures["benefit"]["aktivitetsersattning"] == {"count": 0, "share": "0%"}
    assert counted("initiated_by") == {"FK": 3, "AF": 2}
    # and the nation has the other area's mapping too
    nation = mapping_stats(months=[MARCH_2025], area_ids=None)["rows"]
    assert nation["total"]["total"]["count"] == 6


def test_no_mappings_print_dashes(area):
    figures = mapping_stats(months=[MARCH_2025], area_ids=[area.pk])["rows"]
    assert figures["total"]["total"] == {"count": 0, "share": "–"}
    assert figures["initiated_by"]["FK"] == {"count": 0, "share": "–"}
