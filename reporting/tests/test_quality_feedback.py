"""The quality review completed (issue 15 point 6): ten cases a quarter by default, a reviewer
for each drawn case (the coordinator or a named expert of the area, chosen when drawing or per
case), and feedback to the officers whose case it was, on their to-do list until they mark it
read. Everyone else gets 404 and changes nothing (SPEC §7)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import staff
from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory
from reporting.models import QualityFeedback, QualityReview, QualityReviewItem
from reporting.quality import (
    DEFAULT_SIZE,
    quality_review_assign,
    quality_review_draw,
    quality_review_record,
)
from reporting.quality_feedback import quality_feedback_read
from samverkan.services import AccessContext
from todo.selectors import todo_count, todo_items

TODAY = dt.date(2026, 7, 10)
Q2 = dt.date(2026, 4, 1)
CHECKED = {q: "yes" for q in ("plan", "follow_up", "deadlines", "documentation", "consent")}
FEEDBACK = "Planen saknade datum för uppföljning; lägg in dem framöver."


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(
        dt.datetime(2026, 7, 10, 10, tzinfo=ZoneInfo("Europe/Stockholm")), tick=False
    ):
        yield TODAY


@pytest.fixture
def expert(area):
    """An experienced AF officer of the area whom the coordinator names as reviewer."""
    return staff("af_officer", areas=[area], username="expert.sdt")


@pytest.fixture
def team_cases(area, fk_officer, af_officer):
    """Twelve cases of the team active in the second quarter of 2026."""
    return [
        CaseFactory(
            person=PersonFactory(area=area),
            fk_officer=fk_officer,
            af_officer=af_officer,
            start_date=dt.date(2026, 3, 1) + dt.timedelta(days=n),
        )
        for n in range(12)
    ]


def ctx(user):
    return AccessContext.for_user(user)


def draw(area, coordinator, **kwargs):
    return quality_review_draw(
        area=area, quarter=Q2, seed="s", context=ctx(coordinator), today=TODAY, **kwargs
    )


def record(item, user, **kwargs):
    return quality_review_record(
        item=item,
        findings="Planen saknar datum.",
        reviewed_on=TODAY,
        checklist={**CHECKED, "plan": "no"},
        context=ctx(user),
        today=TODAY,
        **kwargs,
    )


def kinds(user):
    return todo_items(user, today=TODAY)


# --- the draw and the reviewer ------------------------------------------------------------------


def test_a_quarter_draws_ten_cases_by_default(area, coordinator, team_cases, login):
    review = draw(area, coordinator)

    assert DEFAULT_SIZE == 10 and review.size == 10 and review.items.count() == 10
    # the coordinator drawing reviews them unless someone else is named
    assert set(review.items.values_list("reviewer", flat=True)) == {coordinator.pk}
    form = login(coordinator).get(reverse("reporting:quality_review_list")).content.decode()
    assert re.search(r'name="size"[^>]*value="10"', form)


def test_a_named_expert_reviews_except_the_cases_they_handle(
    area, coordinator, expert, team_cases, fk_officer
):
    handled = CaseFactory(
        person=PersonFactory(area=area), af_officer=expert, start_date=dt.date(2026, 4, 2)
    )

    review = draw(area, coordinator, size=13, reviewer=expert)

    reviewers = dict(review.items.values_list("case_id", "reviewer_id"))
    assert reviewers.pop(handled.pk) == coordinator.pk
    assert set(reviewers.values()) == {expert.pk}
    # the expert finds their cases on their to-do list, the coordinator the one left to them
    assert len(kinds(expert)["quality_review"]) == 12
    [own] = kinds(coordinator)["quality_review"]
    assert own.url == reverse(
        "reporting:quality_review_item", args=[review.items.get(case=handled).pk]
    )


def test_a_reviewer_from_outside_the_area_is_refused(
    area, coordinator, outsider, management, team_cases
):
    for user in (outsider, management):  # another area's officer; no case access
        with pytest.raises(ValidationError) as refused:
            draw(area, coordinator, reviewer=user)
        assert "reviewer" in refused.value.message_dict
    assert not QualityReview.objects.exists()


def test_the_coordinator_names_another_reviewer_for_one_case(
    area, coordinator, expert, af_officer, team_cases, login
):
    review = draw(area, coordinator, size=2)
    item = review.items.order_by("position").first()
    client = login(coordinator)
    url = reverse("reporting:quality_review_reviewer", args=[item.pk])
    detail = client.get(reverse("reporting:quality_review_detail", args=[review.pk]))
    assert f'href="{url}"' in detail.content.decode()

    # the case's own officer cannot review it: said at the field, nothing changes
    refused = client.post(url, {"reviewer": af_officer.pk})
    assert refused.status_code == 200
    assert "Granskaren handlägger ärendet; välj någon annan." in refused.content.decode()
    item.refresh_from_db()
    assert item.reviewer == coordinator

    response = client.post(url, {"reviewer": expert.pk})

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.reviewer == expert
    assert item.history.first().history_user == coordinator
    # once reviewed, the reviewer stays
    record(item, expert)
    with pytest.raises(ValidationError, match="redan granskat"):
        quality_review_assign(item=item, reviewer=coordinator, context=ctx(coordinator))


def test_the_named_expert_records_the_review_through_the_page(
    area, coordinator, expert, colleague, team_cases, login
):
    review = draw(area, coordinator, size=2, reviewer=expert)
    item = review.items.order_by("position").first()
    url = reverse("reporting:quality_review_item", args=[item.pk])

    # an officer of the area who is not named gets 404, like another area's staff
    assert login(colleague).get(url).status_code == 404
    client = login(expert)
    page = client.get(url).content.decode()
    assert "Granskare: " + expert.get_full_name() in page

    response = client.post(
        url,
        {
            **{f"check_{q}": a for q, a in CHECKED.items()},
            "findings": "Bra dokumenterat.",
            "reviewed_on": TODAY.isoformat(),
        },
    )

    assert response["Location"] == reverse("todo:inbox")  # not the coordinator's review page
    item.refresh_from_db()
    assert item.reviewed_by == expert and item.reviewed_on == TODAY
    assert len(kinds(expert)["quality_review"]) == 1  # the other drawn case is left


# --- feedback to the officers -------------------------------------------------------------------


def test_feedback_waits_on_each_officer_s_list_until_they_mark_it_read(
    area, coordinator, team_cases, fk_officer, af_officer, login
):
    review = draw(area, coordinator, size=1)
    item = review.items.get()

    record(item, coordinator, feedback=FEEDBACK, feedback_to=[fk_officer.pk, af_officer.pk])

    # both officers have it on their list; the count in the navigation includes it
    for officer in (fk_officer, af_officer):
        [todo] = kinds(officer)["quality_feedback"]
        copy = QualityFeedback.objects.get(recipient=officer)
        assert todo.url == reverse("reporting:quality_feedback_detail", args=[copy.pk])
    before = todo_count(af_officer)

    # the AF officer reads it: the feedback and the checklist, not the reviewer's findings
    client = login(af_officer)
    copy = QualityFeedback.objects.get(recipient=af_officer)
    url = reverse("reporting:quality_feedback_detail", args=[copy.pk])
    page = client.get(url).content.decode()
    assert FEEDBACK in page and "Finns en aktuell individuell plan?" in page
    assert "Planen saknar datum." not in page
    assert AccessLog.objects.filter(object_type="qualityfeedback", object_id=str(copy.pk)).exists()
    response = client.post(url)

    # and it leaves their list, not the FK officer's
    assert response["Location"] == reverse("todo:inbox")
    assert "quality_feedback" not in kinds(af_officer)
    assert todo_count(af_officer) == before - 1
    assert len(kinds(fk_officer)["quality_feedback"]) == 1
    assert "Markera som läst" not in client.get(url).content.decode()

    # changed feedback is sent again, unread
    record(item, coordinator, feedback=FEEDBACK + " Bra i övrigt.", feedback_to=[af_officer.pk])
    assert len(kinds(af_officer)["quality_feedback"]) == 1
    assert "quality_feedback" not in kinds(fk_officer)  # no longer among the recipients


@pytest.mark.parametrize(
    ("feedback", "to", "field"),
    [
        (FEEDBACK, "nobody", "feedback_to"),
        (FEEDBACK, "colleague", "feedback_to"),
    ],
    ids=["nobody", "not-the-case-s-officer"],
)
def test_bad_feedback_is_refused_and_changes_nothing(
    area, coordinator, team_cases, af_officer, colleague, feedback, to, field
):
    item = draw(area, coordinator, size=1).items.get()
    recipients = {"nobody": [], "af": [af_officer.pk], "colleague": [colleague.pk]}[to]

    with pytest.raises(ValidationError) as refused:
        record(item, coordinator, feedback=feedback, feedback_to=recipients)

    assert field in refused.value.message_dict
    item.refresh_from_db()
    assert item.reviewed_on is None and item.feedback == ""
    assert not QualityFeedback.objects.exists()


def test_no_feedback_text_sends_nothing_even_with_the_officers_ticked(
    area, coordinator, team_cases, af_officer
):
    """Feedback is optional; the officers are ticked by default, so a review without feedback
    text is recorded and nobody gets an empty feedback."""
    item = draw(area, coordinator, size=1).items.get()

    record(item, coordinator, feedback="", feedback_to=[af_officer.pk])

    item.refresh_from_db()
    assert item.reviewed_on is not None and item.feedback == ""
    assert not QualityFeedback.objects.exists()


def test_the_feedback_form_offers_the_case_s_officers(
    area, coordinator, team_cases, fk_officer, af_officer, login
):
    item = draw(area, coordinator, size=1).items.get()
    url = reverse("reporting:quality_review_item", args=[item.pk])
    client = login(coordinator)
    page = client.get(url).content.decode()
    assert f'value="{fk_officer.pk}"' in page and f'value="{af_officer.pk}"' in page

    response = client.post(
        url,
        {
            **{f"check_{q}": a for q, a in CHECKED.items()},
            "findings": "Planen saknar datum.",
            "reviewed_on": TODAY.isoformat(),
            "feedback": FEEDBACK,
            "feedback_to": [af_officer.pk],
        },
    )

    assert response.status_code == 302
    assert list(QualityFeedback.objects.values_list("recipient", flat=True)) == [af_officer.pk]
    detail = client.get(reverse("reporting:quality_review_detail", args=[item.review_id]))
    assert "Skickad till 1, 0 läst" in detail.content.decode()


def test_only_the_recipient_opens_or_marks_the_feedback(
    area, coordinator, team_cases, fk_officer, af_officer, colleague, outsider, login
):
    item = draw(area, coordinator, size=1).items.get()
    record(item, coordinator, feedback=FEEDBACK, feedback_to=[af_officer.pk])
    copy = QualityFeedback.objects.get()
    url = reverse("reporting:quality_feedback_detail", args=[copy.pk])

    for user in (fk_officer, colleague, coordinator, outsider):
        client = login(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    with pytest.raises(Exception, match="någon annan"):
        quality_feedback_read(feedback=copy, context=ctx(fk_officer))
    copy.refresh_from_db()
    assert copy.read_at is None


def test_the_outsider_gets_404_for_the_reviewer_page(
    area, coordinator, team_cases, outsider, other_coordinator, expert, login
):
    item = draw(area, coordinator, size=1).items.get()
    url = reverse("reporting:quality_review_reviewer", args=[item.pk])
    for user in (outsider, other_coordinator, expert):
        client = login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reviewer": user.pk}).status_code == 404
    item.refresh_from_db()
    assert item.reviewer == coordinator


def test_earlier_draws_get_their_coordinator_as_reviewer(area, coordinator, team_cases):
    # given an item drawn before reviewers were named
    review = draw(area, coordinator, size=1)
    QualityReviewItem.objects.update(reviewer=None)

    from importlib import import_module

    from django.apps import apps

    migration = import_module("reporting.migrations.0008_quality_reviewer_of_earlier_draws")
    migration.forwards(apps, None)

    assert review.items.get().reviewer == coordinator
