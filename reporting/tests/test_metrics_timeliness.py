"""The timeliness figures (issue 15 point 3, reporting.metrics.timeliness) on a population small
enough to count by hand: every expected figure is worked out in the comments, never read back
from the code. The rule set is the 2010 plan's defaults: 14 days to start, 21 days to the closing
documentation, a follow-up at least every 28 days."""

import datetime as dt

import pytest

from cases.models import PhaseTransition
from mapping.models import PlanVersion
from mapping.tests.factories import InterventionFactory, MeetingFactory
from reporting.metrics.timeliness import due_items, timeliness, timeliness_months

from .test_metrics_given import case, person

pytestmark = pytest.mark.django_db

D = dt.date
JAN_FIRST, JAN_LAST = D(2025, 1, 1), D(2025, 1, 31)
TODAY = D(2025, 2, 15)


def meeting(c, day, kind="follow_up"):
    return MeetingFactory(person=c.person, case=c, kind=kind, date=day)


def intervention(c, start, end=None):
    return InterventionFactory(case=c, start_date=start, end_date=end)


def introduction(c, day, *, plan_recorded: D, plan_from: D | None = None):
    """The move to introduction and trial on `day`, the plan recorded on `plan_recorded`."""
    PhaseTransition.objects.create(
        case=c, from_phase="needs_analysis", to_phase="introduction_trial", date=day
    )
    plan = PlanVersion.objects.create(
        case=c, version=1, goal="Mål", activities="Aktiviteter", start_date=plan_from
    )
    recorded = dt.datetime.combine(plan_recorded, dt.time(12), tzinfo=dt.UTC)
    PlanVersion.objects.filter(pk=plan.pk).update(created_at=recorded)


@pytest.fixture
def population(area, other_area, fk_officer, af_officer, colleague, outsider):
    """January 2025 in Södertörn (sdt), and one case in Umeå (ume). Today is 15 February.

    FK officer and AF officer are Team 1; the colleague is in no team.

    A  referred 20 Dec, started 2 Jan: start due 3 Jan, met 2 Jan → on time.
       follow-up due 30 Jan (start + 28), meeting 25 Jan → on time; next due 22 Feb (not Jan).
       intervention from 10 Jan: enrolled 2–31 Jan = 30 days, active 10–31 Jan = 22 days.
    B  referred 28 Dec, started 20 Jan: start due 11 Jan, met 20 Jan → late.
       follow-up due 17 Feb (not Jan). enrolled 20–31 Jan = 12 days, active 0.
    C  referred 10 Jan, not started: start due 24 Jan, unmet on 15 Feb → late (missed).
    D  started 1 Nov (referred 25 Oct), meetings 20 Nov and 30 Dec, ended 10 Jan: the follow-up
       due 27 Jan (30 Dec + 28) comes after the end → not owed. Closing documentation due
       31 Jan (10 Jan + 21), written 20 Jan → on time. enrolled 1–9 Jan = 9 days (the end day
       is not enrolled), intervention 15 Nov–10 Jan → active 9 days.
    E  started 1 Oct, ended 20 Dec: closing documentation due 10 Jan, none → late.
    F  started 1 Dec (referred 25 Nov), meetings 10 Dec and 12 Jan: the follow-up due 7 Jan
       (10 Dec + 28) was met on 12 Jan → late. Moved to introduction on 5 Jan, plan recorded
       8 Jan → late. Interventions 5–20 Jan and 15–25 Jan overlap: active 5–25 Jan = 21 days
       of 31.
    G  anonymous (no consent): started 6 Jan, referred 5 Jan: left out of every figure.
    I  started 2 Jan (referred the same day): start due 16 Jan → on time; follow-up due 30 Jan,
       meeting 20 Jan → on time. Moved to introduction on 20 Jan, the plan recorded 25 Jan but
       dated from 15 Jan → on time. enrolled 2–31 Jan = 30 days, no intervention.
    H  Umeå: started 3 Jan (referred 1 Jan): start on time; follow-up due 31 Jan, no meeting
       → late. enrolled 3–31 Jan = 29 days, none active.

    Officers: A–D FK officer and AF officer; E and F FK officer and the colleague (AF); I only
    the colleague; H the outsider."""
    team = {"fk_officer": fk_officer, "af_officer": af_officer}
    other = {"fk_officer": fk_officer, "af_officer": colleague}

    a = case(person=person(area=area), start=D(2025, 1, 2), referral_date=D(2024, 12, 20), **team)
    meeting(a, D(2025, 1, 25))
    intervention(a, D(2025, 1, 10))

    case(person=person(area=area), start=D(2025, 1, 20), referral_date=D(2024, 12, 28), **team)

    case(
        person=person(area=area),
        start=None,
        referral_date=D(2025, 1, 10),
        phase="referred",
        **team,
    )

    d = case(
        person=person(area=area),
        start=D(2024, 11, 1),
        referral_date=D(2024, 10, 25),
        end=D(2025, 1, 10),
        closing_doc_date=D(2025, 1, 20),
        **team,
    )
    meeting(d, D(2024, 11, 20))
    meeting(d, D(2024, 12, 30))
    intervention(d, D(2024, 11, 15), D(2025, 1, 10))
    introduction(d, D(2024, 11, 15), plan_recorded=D(2024, 11, 10))

    case(person=person(area=area), start=D(2024, 10, 1), end=D(2024, 12, 20), **other)

    f = case(person=person(area=area), start=D(2024, 12, 1), referral_date=D(2024, 11, 25), **other)
    meeting(f, D(2024, 12, 10))
    meeting(f, D(2025, 1, 12))
    introduction(f, D(2025, 1, 5), plan_recorded=D(2025, 1, 8))
    intervention(f, D(2025, 1, 5), D(2025, 1, 20))
    intervention(f, D(2025, 1, 15), D(2025, 1, 25))

    case(
        person=person(area=area, consent_from=None),
        start=D(2025, 1, 6),
        referral_date=D(2025, 1, 5),
        **team,
    )

    i = case(person=person(area=area), start=D(2025, 1, 2), af_officer=colleague)
    meeting(i, D(2025, 1, 20))
    introduction(i, D(2025, 1, 20), plan_recorded=D(2025, 1, 25), plan_from=D(2025, 1, 15))

    case(
        person=person(area=other_area),
        start=D(2025, 1, 3),
        referral_date=D(2025, 1, 1),
        fk_officer=outsider,
    )


def cell(on_time, late, open_=0, share=None):
    return {
        "cases": on_time + late + open_,
        "on_time": on_time,
        "late": late,
        "open": open_,
        "share": share,
    }


def days(cases, enrolled, active, share):
    return {"cases": cases, "days": enrolled, "active_days": active, "share": share}


def test_the_area_figures_are_the_hand_counted_ones(area, population):
    figures = timeliness(first=JAN_FIRST, last=JAN_LAST, area_ids=[area.pk], today=TODAY)

    # start: A, I on time; B late, C missed (G anonymous, not counted)
    # follow-up: A, I on time; F late (D's next was due after its end)
    # closing documentation: D on time, E missed; plan: I on time (dated 15 Jan), F late
    # active days: A 22/30, B 0/12, D 9/9, F 21/31, I 0/30 → 52 of 112 = 46.4 %
    assert (
        figures["areas"][str(area.pk)]
        == figures["total"]
        == {
            "start": cell(2, 2, share="50%"),
            "follow_up": cell(2, 1, share="67%"),
            "closing_doc": cell(1, 1, share="50%"),
            "plan": cell(1, 1, share="50%"),
            "active_days": days(5, 112, 52, "46%"),
        }
    )
    assert figures["goals"] == {
        "start": 90,
        "follow_up": 90,
        "closing_doc": 90,
        "plan": 100,
        "active_days": 80,
    }
    assert "officers" not in figures and "teams" not in figures


def test_the_nation_adds_umea(area, other_area, population):
    figures = timeliness(first=JAN_FIRST, last=JAN_LAST, area_ids=None, today=TODAY)

    # Umeå's H: start on time, follow-up missed, 29 enrolled days without support
    assert figures["areas"][str(other_area.pk)]["start"] == cell(1, 0, share="100%")
    assert figures["areas"][str(other_area.pk)]["follow_up"] == cell(0, 1, share="0%")
    assert figures["total"]["start"] == cell(3, 2, share="60%")
    assert figures["total"]["follow_up"] == cell(2, 2, share="50%")
    # 52 of 112 + 29 = 141 days: 36.9 %
    assert figures["total"]["active_days"] == days(6, 141, 52, "37%")


def test_officers_and_teams_count_each_case_of_theirs(
    area, population, fk_officer, af_officer, colleague, team
):
    figures = timeliness(
        first=JAN_FIRST, last=JAN_LAST, area_ids=[area.pk], today=TODAY, breakdown=True
    )
    officers = figures["officers"]

    # FK officer: A–F. start A on time, B and C late; follow-up A on time, F late; closing D on
    # time, E late; plan F late; active A, B, D, F: 52 of 82 days = 63.4 %
    assert officers[str(fk_officer.pk)] == {
        "start": cell(1, 2, share="33%"),
        "follow_up": cell(1, 1, share="50%"),
        "closing_doc": cell(1, 1, share="50%"),
        "plan": cell(0, 1, share="0%"),
        "active_days": days(4, 82, 52, "63%"),
    }
    # AF officer: A–D. plan: none in January; active A, B, D: 31 of 51 = 60.8 %
    assert officers[str(af_officer.pk)]["plan"] == cell(0, 0, share="–")
    assert officers[str(af_officer.pk)]["follow_up"] == cell(1, 0, share="100%")
    assert officers[str(af_officer.pk)]["active_days"] == days(3, 51, 31, "61%")
    # the colleague: E, F, I. follow-up F late, I on time; plan F late, I on time; active F and
    # I: 21 of 61 = 34.4 %
    assert officers[str(colleague.pk)]["follow_up"] == cell(1, 1, share="50%")
    assert officers[str(colleague.pk)]["plan"] == cell(1, 1, share="50%")
    assert officers[str(colleague.pk)]["active_days"] == days(2, 61, 21, "34%")
    # Team 1 is the FK and the AF officer: the cases of either, each once (A–F)
    assert figures["teams"] == {str(team.pk): officers[str(fk_officer.pk)]}


def test_a_deadline_not_yet_passed_is_open_and_out_of_the_share(area, fk_officer):
    # given a case referred on 14 January, not started: its start is due 28 January, and one
    # referred on 2 January, not started: due 16 January
    case(person=person(area=area), start=None, referral_date=D(2025, 1, 14), phase="referred")
    case(person=person(area=area), start=None, referral_date=D(2025, 1, 2), phase="referred")

    # when January is counted on 25 January
    figures = timeliness(first=JAN_FIRST, last=JAN_LAST, area_ids=[area.pk], today=D(2025, 1, 25))

    # then the first is open, the second missed: 0 of 1
    assert figures["total"]["start"] == cell(0, 1, 1, share="0%")


def test_a_case_closed_without_starting_owes_no_start(area):
    # not admitted: referred 2 January, closed 10 January without a start
    case(
        person=person(area=area),
        start=None,
        referral_date=D(2025, 1, 2),
        phase="closed",
        end_date=D(2025, 1, 10),
        exit_reason="other",
    )

    figures = timeliness(first=JAN_FIRST, last=JAN_LAST, area_ids=[area.pk], today=TODAY)

    assert figures["total"]["start"] == cell(0, 0, share="–")
    assert figures["total"]["closing_doc"] == cell(0, 0, share="–")


def test_whole_months_run_from_the_first_month_to_the_end_of_the_last(area, population):
    figures = timeliness_months(months=[D(2024, 12, 1), JAN_FIRST], area_ids=[area.pk])

    assert (figures["from"], figures["to"]) == ("2024-12-01", "2025-01-31")
    # December adds F's follow-up due 29 Dec (start 1 Dec + 28), met 10 Dec (F stays late for
    # its January one), and D's due 18 Dec (20 Nov + 28), met 30 Dec → D late: A and I on
    # time, D and F late
    assert figures["total"]["follow_up"] == cell(2, 2, share="50%")


def test_the_weekly_items_list_each_deadline_with_its_state(area, population):
    # the week of 6–12 January
    items = due_items(
        cases=area.cases.all(), first=D(2025, 1, 6), last=D(2025, 1, 12), today=D(2025, 1, 9)
    )

    # F's follow-up due 7 Jan (not met by the 9th), E's closing documentation due 10 Jan
    # (open on the 9th), B's start due 11 Jan (open), and F's plan: due 5 Jan, not this week
    got = [(item["measure"], item["due"], item["state"]) for item in items]
    assert got == [
        ("follow_up", D(2025, 1, 7), "overdue"),
        ("closing_doc", D(2025, 1, 10), "open"),
        ("start", D(2025, 1, 11), "open"),
    ]
