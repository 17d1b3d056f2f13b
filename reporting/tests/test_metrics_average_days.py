"""Average days in samverkan (SPEC §5): over the cases ended in the period, and over those who
ended in work or education (status on the end date)."""

import datetime as dt

from reporting.metrics import average_days

from .test_metrics_given import case, person, status

MARCH_2025 = dt.date(2025, 3, 1)


def test_the_mean_days_of_the_cases_ended_in_the_period(area):
    # given three cases ended in March 2025 (days counted by hand, the start is day 0)
    first = person(area=area, sex="K")
    # 2025-01-01 → 2025-03-11: 31 (Jan) + 28 (Feb) + 10 = 69 days; work on the end date
    case(
        person=first,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 3, 11),
        target_group="sick_unemployed",
    )
    status(first, dt.date(2025, 3, 11), "work_subsidised")
    second = person(area=area, sex="M")
    # 2024-12-31 → 2025-03-31: 31 + 28 + 31 = 90 days; education since February
    case(
        person=second,
        start=dt.date(2024, 12, 31),
        end=dt.date(2025, 3, 31),
        target_group="young_activity_comp",
    )
    status(second, dt.date(2025, 2, 1), "education")
    third = person(area=area, sex="K")
    # 2025-03-01 → 2025-03-02: 1 day; work only the day after the end: not work or education
    case(
        person=third,
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 2),
        target_group="sick_unemployed",
    )
    status(third, dt.date(2025, 3, 3), "work_unsubsidised")
    # and cases that do not count: ended in April, ended before registration (no start), open
    case(person=person(area=area), start=dt.date(2025, 1, 1), end=dt.date(2025, 4, 1))
    case(
        person=person(area=area),
        start=None,
        end=dt.date(2025, 3, 5),
        referral_date=dt.date(2025, 3, 1),
    )
    case(person=person(area=area), start=dt.date(2025, 1, 1))

    rows = average_days(months=[MARCH_2025], area_ids=[area.pk])["rows"]

    # then all: 69 + 90 + 1 = 160 days over 3 → 53.3 → 53; work or education: 69 + 90 = 159
    # over 2 → 79.5 → 80 (halves up)
    assert rows["total"]["total"] == {
        "all": {"count": 3, "days_total": 160, "mean_days": 53},
        "work_or_education": {"count": 2, "days_total": 159, "mean_days": 80},
    }
    # women: 69 + 1 = 70 over 2 → 35, in work 69; men: 90
    assert rows["sex"]["K"] == {
        "all": {"count": 2, "days_total": 70, "mean_days": 35},
        "work_or_education": {"count": 1, "days_total": 69, "mean_days": 69},
    }
    assert rows["sex"]["M"]["all"]["mean_days"] == 90
    assert rows["target_group"]["sick_unemployed"]["all"] == {
        "count": 2,
        "days_total": 70,
        "mean_days": 35,
    }
    assert rows["target_group"]["young_activity_comp"]["work_or_education"]["mean_days"] == 90
    # and a group nobody ended in has no mean
    assert rows["target_group"]["exhausted_insurance"]["all"] == {
        "count": 0,
        "days_total": 0,
        "mean_days": None,
    }


def test_a_period_adds_up_its_months_and_areas_filter(area, other_area):
    # given a case ended in January (10 days) and one in February (21 days) in the area, and
    # one in the other area
    case(person=person(area=area), start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 11))
    case(person=person(area=area), start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 22))
    case(person=person(area=other_area), start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 2))
    period = [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]

    area_total = average_days(months=period, area_ids=[area.pk])["rows"]["total"]["total"]
    nation = average_days(months=period, area_ids=None)["rows"]["total"]["total"]

    # then 31 days over 2 → 15.5 → 16 in the area; 32 over 3 → 10.7 → 11 in the nation
    assert area_total["all"] == {"count": 2, "days_total": 31, "mean_days": 16}
    assert nation["all"] == {"count": 3, "days_total": 32, "mean_days": 11}
