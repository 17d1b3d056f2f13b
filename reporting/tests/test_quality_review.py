"""Quality review (SPEC §5): a reproducible draw of a quarter's active cases, recorded, with the
findings per case and who reviewed it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory
from reporting.models import QualityReview
from reporting.quality import (
    active_cases_in_quarter,
    quality_review_draw,
    quality_review_record,
    quarter_end,
)
from samverkan.services import AccessContext

Q2 = dt.date(2026, 4, 1)
TODAY = dt.date(2026, 7, 10)
CHECKED = {
    "plan": "yes",
    "follow_up": "yes",
    "deadlines": "na",
    "documentation": "yes",
    "consent": "yes",
}


def case_in(area, *, start, end=None):
    return CaseFactory(
        person=PersonFactory(area=area),
        start_date=start,
        referral_date=start,
        phase="closed" if end else "needs_analysis",
        end_date=end,
        exit_reason="completed" if end else "",
    )


@pytest.fixture
def quarter_cases(area, other_area):
    """Six cases of the area active in Q2 2026, and four that are not."""
    active = [
        case_in(area, start=dt.date(2026, 1, 10)),  # running all quarter
        case_in(area, start=dt.date(2026, 6, 30)),  # starts on the last day
        case_in(area, start=dt.date(2025, 12, 1), end=dt.date(2026, 4, 1)),  # ends on day one
        case_in(area, start=dt.date(2026, 4, 15), end=dt.date(2026, 5, 1)),
        case_in(area, start=dt.date(2026, 2, 1)),
        case_in(area, start=dt.date(2026, 5, 5)),
    ]
    case_in(area, start=dt.date(2026, 7, 1))  # after the quarter
    case_in(area, start=dt.date(2025, 1, 1), end=dt.date(2026, 3, 31))  # ended before it
    case_in(other_area, start=dt.date(2026, 5, 1))  # another area
    CaseFactory(
        person=PersonFactory(area=area), phase="referred", start_date=None, referral_date=Q2
    )  # not started
    return active


def test_the_quarter_holds_the_cases_active_on_any_of_its_days(area, quarter_cases):
    assert quarter_end(Q2) == dt.date(2026, 6, 30)
    found = set(active_cases_in_quarter(area=area, quarter=Q2).values_list("pk", flat=True))
    assert found == {c.pk for c in quarter_cases}


def test_the_draw_is_recorded_and_the_same_seed_draws_the_same_cases(
    area, coordinator, quarter_cases
):
    first = quality_review_draw(
        area=area,
        quarter=Q2,
        size=3,
        seed="abc",
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )
    again = quality_review_draw(
        area=area,
        quarter=Q2,
        size=3,
        seed="abc",
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )
    other = quality_review_draw(
        area=area,
        quarter=Q2,
        size=6,
        seed="xyz",
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )

    drawn = list(first.items.values_list("case_id", flat=True))
    assert len(drawn) == 3 and len(set(drawn)) == 3
    assert drawn == list(again.items.values_list("case_id", flat=True))
    assert set(drawn) <= {c.pk for c in quarter_cases}
    # asking for all six gives every active case once
    assert set(other.items.values_list("case_id", flat=True)) == {c.pk for c in quarter_cases}
    assert first.seed == "abc" and first.drawn_by == coordinator
    assert AccessLog.objects.filter(user=coordinator, object_type="qualityreview").count() == 3


def test_each_drawn_case_is_logged_against_its_person(area, coordinator, quarter_cases):
    review = quality_review_draw(
        area=area,
        quarter=Q2,
        size=4,
        seed="abc",
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )

    # one "create" row per drawn case, naming its person and the area
    rows = AccessLog.objects.filter(user=coordinator, object_type="qualityreviewitem")
    items = {item.pk: item.case.person_id for item in review.items.select_related("case")}
    assert len(items) == 4
    assert sorted((int(r.object_id), r.person_id) for r in rows) == sorted(items.items())
    assert {(r.action, r.area_id) for r in rows} == {(AccessLog.Action.CREATE, area.pk)}


def test_a_draw_without_a_seed_gets_one_and_can_be_redone(area, coordinator, quarter_cases):
    first = quality_review_draw(
        area=area, quarter=Q2, size=4, context=AccessContext.for_user(coordinator), today=TODAY
    )
    redo = quality_review_draw(
        area=area,
        quarter=Q2,
        size=4,
        seed=first.seed,
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )
    assert first.seed
    assert list(first.items.values_list("case_id", flat=True)) == list(
        redo.items.values_list("case_id", flat=True)
    )


@pytest.mark.parametrize(
    ("quarter", "size", "field"),
    [
        (dt.date(2026, 5, 1), 3, "quarter"),  # not a quarter's first day
        (dt.date(2026, 10, 1), 3, "quarter"),  # not begun yet
        (Q2, 0, "size"),
        (Q2, 101, "size"),
    ],
)
def test_bad_draws_are_refused_and_record_nothing(
    area, coordinator, quarter_cases, quarter, size, field
):
    with pytest.raises(ValidationError) as exc:
        quality_review_draw(
            area=area,
            quarter=quarter,
            size=size,
            context=AccessContext.for_user(coordinator),
            today=TODAY,
        )
    assert field in exc.value.message_dict
    assert not QualityReview.objects.exists()


def test_only_the_areas_coordinator_draws(area, fk_officer, management, other_coordinator):
    for user in (fk_officer, management, other_coordinator):
        with pytest.raises(PermissionDenied):
            quality_review_draw(
                area=area, quarter=Q2, size=1, context=AccessContext.for_user(user), today=TODAY
            )


def test_findings_are_recorded_and_show_which_cases_were_reviewed(area, coordinator, quarter_cases):
    review = quality_review_draw(
        area=area,
        quarter=Q2,
        size=2,
        seed="s",
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )
    first, second = review.items.all()
    # every question of the checklist must be answered
    with pytest.raises(ValidationError) as unanswered:
        quality_review_record(
            item=first,
            findings="Planen saknade datum.",
            reviewed_on=dt.date(2026, 7, 9),
            checklist={**CHECKED, "plan": ""},
            context=AccessContext.for_user(coordinator),
            today=TODAY,
        )
    assert list(unanswered.value.message_dict) == ["check_plan"]
    quality_review_record(
        item=first,
        findings="Planen saknade datum.",
        reviewed_on=dt.date(2026, 7, 9),
        checklist={**CHECKED, "plan": "no"},
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )
    reviewed = review.items.filter(reviewed_on__isnull=False)
    assert list(reviewed) == [first]
    assert reviewed.get().checklist["plan"] == "no"
    assert reviewed.get().reviewed_by == coordinator
    with pytest.raises(ValidationError):
        quality_review_record(
            item=second,
            checklist=CHECKED,
            findings=" ",
            reviewed_on=TODAY,
            context=AccessContext.for_user(coordinator),
            today=TODAY,
        )
    assert review.items.filter(reviewed_on__isnull=False).count() == 1
