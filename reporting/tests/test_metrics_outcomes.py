"""The day-365 outcome (SPEC §5): the cohort, day 365 in leap years, the status timeline,
anonymous participants, periods, areas, age bands, and the table's invariants."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import DateField, F, Value
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import AreaFactory
from cases.models import CaseAreaMove, Person, StatusCode
from reporting.metrics import inflow, outcomes
from reporting.metrics.base import AgeOn
from samverkan.dates import age_on

from .test_metrics_given import case, person, status

MARCH_2025 = dt.date(2025, 3, 1)


def counts(figures, dimension="total", level="total"):
    return figures["rows"][dimension][level]["counts"]


def test_day_365_after_a_leap_day_is_the_anniversary(area):
    # given a case started 2024-03-01: 2024-03-01 + 365 days is 2025-03-01 (no 29 February
    # between them), with work on exactly that day
    someone = person(area=area)
    case(person=someone, start=dt.date(2024, 3, 1))
    status(someone, dt.date(2025, 2, 28), "openly_unemployed")
    status(someone, dt.date(2025, 3, 1), "work_unsubsidised")

    # when report month March 2025 (cohort March 2024) is computed
    figures = outcomes(months=[MARCH_2025], area_ids=[area.pk])

    # then the entry of 2025-03-01 is the outcome
    assert figures["cohort_months"] == ["2024-03"]
    row = figures["rows"]["total"]["total"]
    assert row["total"] == 1
    assert row["counts"]["work_unsubsidised"] == 1
    assert row["counts"]["work_or_education"] == 1
    assert row["shares"]["work_unsubsidised"] == "100%"
    assert row["shares"]["openly_unemployed"] == "0%"


def test_day_365_over_a_leap_day_falls_in_february_and_stays_in_the_march_cohort(area):
    # given a case started 2023-03-01: day 365 is 2024-02-29; the entry of 2024-03-01 is day 366
    someone = person(area=area)
    case(person=someone, start=dt.date(2023, 3, 1))
    status(someone, dt.date(2024, 2, 29), "education")
    status(someone, dt.date(2024, 3, 1), "openly_unemployed")

    # when report months February and March 2024 are computed
    february = outcomes(months=[dt.date(2024, 2, 1)], area_ids=[area.pk])
    march = outcomes(months=[dt.date(2024, 3, 1)], area_ids=[area.pk])

    # then the case belongs to the March cohort with the status of 29 February
    assert february["rows"]["total"]["total"]["total"] == 0
    assert counts(march)["education"] == 1
    assert counts(march)["openly_unemployed"] == 0


def test_an_entry_dated_day_366_is_ignored_and_no_entry_is_other(area):
    # given two cases started 2024-03-10: day 365 is 2025-03-10
    followed = person(area=area)
    case(person=followed, start=dt.date(2024, 3, 10))
    status(followed, dt.date(2024, 2, 1), "openly_unemployed")  # before the start: still counts
    status(followed, dt.date(2024, 6, 18), "labour_market_programme")  # day 100
    status(followed, dt.date(2025, 3, 11), "work_subsidised")  # day 366
    silent = person(area=area)
    case(person=silent, start=dt.date(2024, 3, 10))
    status(silent, dt.date(2025, 3, 11), "education")  # day 366, the only entry

    figures = outcomes(months=[MARCH_2025], area_ids=[area.pk])

    # then the programme of day 100 and `other` for the one without an entry by day 365
    assert counts(figures) == {
        "work_unsubsidised": 0,
        "work_subsidised": 0,
        "education": 0,
        "self_employed": 0,
        "work_or_education": 0,
        "labour_market_programme": 1,
        "openly_unemployed": 0,
        "other": 1,
    }
    assert figures["rows"]["total"]["total"]["shares"]["other"] == "50%"


def test_anonymous_participants_are_left_out_on_day_365(area):
    # given five cases started 2024-03-04 (day 365: 2025-03-04), all in work on day 365
    start, day_365 = dt.date(2024, 3, 4), dt.date(2025, 3, 4)
    people = {
        "consent": person(area=area),
        "protected": person(area=area, protected_identity=True),
        "no consent": person(area=area, consent_from=None),
        "withdrawn on day 365": person(area=area, consent_withdrawn=day_365),
        "consent given on day 365": person(area=area, consent_from=day_365),
    }
    for someone in people.values():
        case(person=someone, start=start)
        status(someone, start, "work_unsubsidised")

    figures = outcomes(months=[MARCH_2025], area_ids=[area.pk])

    # then only the two with a follow-up consent in force on day 365 are measured
    assert figures["rows"]["total"]["total"]["total"] == 2
    # while all five were new participants in March 2024
    assert inflow(months=[dt.date(2024, 3, 1)], area_ids=[area.pk])["period"]["all"]["count"] == 5
    # and the SQL agrees with Person.is_anonymous_on for each of them
    anonymous = {name: p.is_anonymous_on(day_365) for name, p in people.items()}
    assert anonymous == {
        "consent": False,
        "protected": True,
        "no consent": True,
        "withdrawn on day 365": True,
        "consent given on day 365": False,
    }


def test_a_tertial_is_the_sum_of_its_four_months(area):
    # given cases started December 2023 to May 2024 with different outcomes
    plan = [
        (dt.date(2023, 12, 31), "education"),  # cohort of report month December 2024
        (dt.date(2024, 1, 1), "education"),
        (dt.date(2024, 1, 31), "other"),
        (dt.date(2024, 2, 29), "work_subsidised"),
        (dt.date(2024, 3, 15), "labour_market_programme"),
        (dt.date(2024, 4, 30), "openly_unemployed"),
        (dt.date(2024, 5, 1), "self_employed"),  # cohort of report month May 2025
    ]
    for start, category in plan:
        someone = person(area=area, sex="M" if start.month % 2 else "K")
        case(person=someone, start=start)
        status(someone, start, category)
    tertial = [dt.date(2025, month, 1) for month in (1, 2, 3, 4)]

    whole = outcomes(months=tertial, area_ids=[area.pk])
    single = [outcomes(months=[month], area_ids=[area.pk]) for month in tertial]

    # then January–April 2025 measures the cohorts January–April 2024: five cases
    assert whole["cohort_months"] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert counts(whole) == {
        "work_unsubsidised": 0,
        "work_subsidised": 1,
        "education": 1,
        "self_employed": 0,
        "work_or_education": 2,
        "labour_market_programme": 1,
        "openly_unemployed": 1,
        "other": 1,
    }
    # and every count of every row is the sum of the four months' counts
    for dimension, levels in whole["rows"].items():
        for level, row in levels.items():
            for key, n in row["counts"].items():
                assert n == sum(m["rows"][dimension][level]["counts"][key] for m in single)


def test_an_area_filter_and_the_nation(area, other_area):
    # given two cases in the area, one in the other area, and one moved from the other area
    # into the area (its case's area is now the area: it counts there, its whole history too)
    start = dt.date(2024, 3, 5)
    for _ in range(2):
        case(person=person(area=area), start=start)
    case(person=person(area=other_area), start=start)
    mover = person(area=area)
    moved = case(person=mover, start=start, area=area)
    CaseAreaMove.objects.create(
        case=moved, from_area=other_area, to_area=area, date=dt.date(2024, 9, 1)
    )
    status(mover, dt.date(2024, 12, 1), "work_unsubsidised")
    third = AreaFactory(code="third")

    def total(area_ids):
        figures = outcomes(months=[MARCH_2025], area_ids=area_ids)
        return figures["rows"]["total"]["total"]["total"]

    # then the area has three, the other area one, both four, the nation four, an empty area 0
    assert total([area.pk]) == 3
    assert total([other_area.pk]) == 1
    assert total([area.pk, other_area.pk]) == 4
    assert total(None) == 4
    assert total([third.pk]) == 0
    # and the moved case's work counts in the area
    area_counts = counts(outcomes(months=[MARCH_2025], area_ids=[area.pk]))
    assert area_counts["work_unsubsidised"] == 1


def test_the_age_band_at_start_changes_on_the_birthday(area):
    # given people born 2000-06-15 starting the day before and on their 25th birthday, and
    # people born 29 February 2000 starting on 28 February and 1 March 2025 (a common year:
    # they turn 25 on 1 March), all measured in report months of 2026
    born = dt.date(2000, 6, 15)
    case(person=person(area=area, birth=born), start=dt.date(2025, 6, 14))  # 24
    case(person=person(area=area, birth=born), start=dt.date(2025, 6, 15))  # 25
    leapling = dt.date(2000, 2, 29)
    case(person=person(area=area, birth=leapling), start=dt.date(2025, 2, 28))  # 24
    case(person=person(area=area, birth=leapling), start=dt.date(2025, 3, 1))  # 25

    june = outcomes(months=[dt.date(2026, 6, 1)], area_ids=[area.pk])["rows"]["age_band"]
    feb_mar = outcomes(months=[dt.date(2026, 2, 1), dt.date(2026, 3, 1)], area_ids=[area.pk])
    bands = feb_mar["rows"]["age_band"]

    assert (june["18_24"]["total"], june["25_34"]["total"]) == (1, 1)
    assert (bands["18_24"]["total"], bands["25_34"]["total"]) == (1, 1)


def test_rows_by_background_variable_and_target_group(area):
    # given four measured cases of March 2024
    start = dt.date(2024, 3, 12)
    rows = [
        # sex, born 1990: 34 at start; abroad, disability, education, target group, status
        ("K", True, True, "gymnasial", "sick_unemployed", "work_unsubsidised"),
        ("K", False, None, "forgymnasial", "sick_unemployed", "openly_unemployed"),
        ("M", None, False, "gymnasial", "young_activity_comp", "education"),
        ("K", False, True, "okand", "", None),
    ]
    for sex, abroad, disability, education, target, category in rows:
        someone = person(
            area=area,
            sex=sex,
            birth=dt.date(1990, 1, 1),
            born_abroad=abroad,
            disability=disability,
            education_level=education,
        )
        case(person=someone, start=start, target_group=target)
        if category:
            status(someone, start, category)

    figures = outcomes(months=[MARCH_2025], area_ids=[area.pk])["rows"]

    # then (by hand) women: 3 of whom 1 in work (33%); men: 1 in education
    women = figures["sex"]["K"]
    assert women["total"] == 3
    assert women["counts"]["work_or_education"] == 1
    assert women["shares"]["work_or_education"] == "33%"
    assert women["shares"]["work_unsubsidised"] == "33%"
    assert women["shares"]["other"] == "33%"
    assert women["total_share"] == "100%"
    assert figures["sex"]["M"]["counts"]["education"] == 1
    assert figures["age_band"]["25_34"]["total"] == 4
    assert figures["age_band"]["65_plus"] == {
        "total": 0,
        "total_share": "–",
        "counts": dict.fromkeys(figures["age_band"]["65_plus"]["counts"], 0),
        "shares": dict.fromkeys(figures["age_band"]["65_plus"]["shares"], "–"),
    }
    assert {k: v["total"] for k, v in figures["born_abroad"].items()} == {
        "sweden": 2,
        "abroad": 1,
        "unknown": 1,
    }
    assert {k: v["total"] for k, v in figures["disability"].items()} == {
        "yes": 2,
        "no": 1,
        "unknown": 1,
    }
    assert figures["education_level"]["gymnasial"]["counts"]["work_or_education"] == 2
    assert figures["education_level"]["okand"]["counts"]["other"] == 1
    assert figures["target_group"]["sick_unemployed"]["shares"]["openly_unemployed"] == "50%"
    assert figures["target_group"]["unknown"]["total"] == 1
    assert figures["target_group"]["exhausted_insurance"]["total"] == 0


def test_the_number_of_queries_does_not_grow_with_the_cases(area, django_assert_max_num_queries):
    # given one measured case
    start = dt.date(2024, 3, 20)
    case(person=person(area=area), start=start)

    with CaptureQueriesContext(connection) as few:
        outcomes(months=[MARCH_2025], area_ids=[area.pk])

    # and then fifteen more, with status entries
    for n in range(15):
        someone = person(area=area, sex="M" if n % 2 else "K", birth=dt.date(1960 + n, 1, 1))
        case(person=someone, start=start, target_group="sick_unemployed")
        status(someone, start, "education")

    # then the same number of queries: one, a single pass for every dimension
    with django_assert_max_num_queries(len(few.captured_queries)):
        figures = outcomes(months=[MARCH_2025], area_ids=[area.pk])
    assert len(few.captured_queries) == 1
    assert "GROUPING SETS" in few.captured_queries[0]["sql"]
    assert figures["rows"]["total"]["total"]["total"] == 16


@pytest.mark.parametrize(
    ("birth", "day"),
    [
        (dt.date(2000, 6, 15), dt.date(2025, 6, 14)),
        (dt.date(2000, 6, 15), dt.date(2025, 6, 15)),
        (dt.date(2000, 2, 29), dt.date(2025, 2, 28)),
        (dt.date(2000, 2, 29), dt.date(2025, 3, 1)),
        (dt.date(2000, 2, 29), dt.date(2024, 2, 28)),
        (dt.date(2000, 2, 29), dt.date(2024, 2, 29)),
        (dt.date(2000, 3, 1), dt.date(2024, 2, 29)),
        (dt.date(1999, 12, 31), dt.date(2025, 1, 1)),
        (dt.date(1999, 1, 1), dt.date(2024, 12, 31)),
    ],
)
def test_the_age_in_sql_agrees_with_age_on_at_the_edges(area, birth, day):
    someone = person(area=area, birth=birth)
    in_sql = (
        Person.objects.filter(pk=someone.pk)
        .annotate(age=AgeOn(F("birth_date"), Value(day, output_field=DateField())))
        .values_list("age", flat=True)
        .get()
    )
    assert in_sql == age_on(birth, day)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    birth=st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
    day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
)
def test_the_age_in_sql_agrees_with_age_on_for_any_dates(db, birth, day):
    # any table with a row will do: the status codes come with the migrations
    in_sql = (
        StatusCode.objects.annotate(
            age=AgeOn(Value(birth, output_field=DateField()), Value(day, output_field=DateField()))
        )
        .values_list("age", flat=True)
        .first()
    )
    assert in_sql == age_on(birth, day)


CATEGORIES = [
    "work_unsubsidised",
    "work_subsidised",
    "education",
    "self_employed",
    "labour_market_programme",
    "openly_unemployed",
    "other",
]

participants = st.lists(
    st.fixed_dictionaries(
        {
            "sex": st.sampled_from(["K", "M"]),
            "birth_year": st.integers(1950, 2008),
            "abroad": st.sampled_from([True, False, None]),
            "disability": st.sampled_from([True, False, None]),
            "education": st.sampled_from(["forgymnasial", "gymnasial", "eftergymnasial", "okand"]),
            "target": st.sampled_from(["sick_unemployed", "young_activity_comp", ""]),
            "start_day": st.integers(1, 31),
            "anonymous": st.booleans(),
            # status entries by day number from the start (day 365 is the measuring day)
            # (the days around day 365 drawn often: that edge is what the property is about)
            "entries": st.dictionaries(
                st.one_of(st.sampled_from([364, 365, 366]), st.integers(-30, 400)),
                st.sampled_from(CATEGORIES),
                max_size=3,
            ),
        }
    ),
    max_size=7,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(population=participants)
def test_rows_add_up_for_any_small_population(area, population):
    with transaction.atomic():
        # given a random cohort of January 2024
        expected = dict.fromkeys(CATEGORIES, 0)
        for spec in population:
            start = dt.date(2024, 1, spec["start_day"])
            someone = person(
                area=area,
                sex=spec["sex"],
                birth=dt.date(spec["birth_year"], 7, 1),
                born_abroad=spec["abroad"],
                disability=spec["disability"],
                education_level=spec["education"],
                protected_identity=spec["anonymous"],
            )
            case(person=someone, start=start, target_group=spec["target"])
            for day_number, category in spec["entries"].items():
                status(someone, start + dt.timedelta(days=day_number), category)
            if not spec["anonymous"]:
                measured = [d for d in spec["entries"] if d <= 365]
                expected[spec["entries"][max(measured)] if measured else "other"] += 1

        # when report month January 2025 is computed
        rows = outcomes(months=[dt.date(2025, 1, 1)], area_ids=[area.pk])["rows"]

        # then the total row holds what the timeline says, worked out here from the entries
        total = rows["total"]["total"]
        assert {k: total["counts"][k] for k in CATEGORIES} == expected
        for levels in rows.values():
            for row in levels.values():
                # a row's total is the sum of its fine categories, work or education their part
                fine = [row["counts"][k] for k in CATEGORIES]
                assert row["total"] == sum(fine)
                assert row["counts"]["work_or_education"] == sum(fine[:4])
            # and the levels of every dimension add up to the total row
            for key in total["counts"]:
                assert sum(row["counts"][key] for row in levels.values()) == total["counts"][key]
            assert sum(row["total"] for row in levels.values()) == total["total"]
        transaction.set_rollback(True)
