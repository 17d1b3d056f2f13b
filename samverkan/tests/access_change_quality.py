"""The valid changes of the quality review (kvalitetsgranskning, SPEC §5): the coordinator draws
the quarter's cases, names another reviewer for a drawn case and records its review; the case's
officer marks the feedback read. For access_change_payloads.PAYLOADS: builder(person, case) ->
(the object the address names or None, the data sent, a check that the record changed). Data as
reporting/tests/test_quality_pages.py and test_quality_feedback.py send it. conftest.py's case
is the one active case of the area this quarter, so a draw of one finds it."""

from django.utils import timezone

CHECKED = {
    "check_plan": "yes",
    "check_follow_up": "no",
    "check_deadlines": "yes",
    "check_documentation": "na",
    "check_consent": "yes",
}
FINDINGS = "Uppföljningen har inte skett var 28:e dag."


def _quarter():
    from reporting.quality import quarter_start

    return quarter_start(timezone.localdate())


def _area_user(case, role, **more):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(staff_profile__areas=case.area, **more)
    return users.filter(staff_profile__role__code=role).get()


def _coordinator(case):
    return _area_user(case, "coordinator")


def _item(case):
    """The case drawn for review by the area's coordinator, who reviews it."""
    from reporting.quality import quality_review_draw
    from samverkan.services import AccessContext

    review = quality_review_draw(
        area=case.area,
        quarter=_quarter(),
        size=1,
        seed="abc",
        context=AccessContext.for_user(_coordinator(case)),
    )
    return review.items.get()


def _draw(person, case):
    from reporting.models import QualityReviewItem

    data = {"area": case.area_id, "quarter": _quarter().isoformat(), "size": "1", "seed": "abc"}
    drawn = QualityReviewItem.objects.filter(case=case, review__area=case.area)
    return None, data, lambda: drawn.exists()


def _record(person, case):
    item = _item(case)
    data = {
        **CHECKED,
        "findings": FINDINGS,
        "reviewed_on": timezone.localdate().isoformat(),
        "feedback": "Boka uppföljningsmöten var fjärde vecka.",
        "feedback_to": [case.fk_officer_id],
    }

    def changed():
        item.refresh_from_db()
        return item.findings == FINDINGS and item.feedback_copies.exists()

    return item, data, changed


def _reviewer(person, case):
    """Another reviewer: the colleague, an AF officer of the area not handling the case."""
    item = _item(case)
    colleague = _area_user(case, "af_officer", staff_profile__teams=None)

    def changed():
        item.refresh_from_db()
        return item.reviewer_id == colleague.pk

    return item, {"reviewer": colleague.pk}, changed


def _feedback_read(person, case):
    """The review's feedback sent to the case's FK officer, who marks it read."""
    from reporting.quality import quality_review_record
    from samverkan.services import AccessContext

    item = quality_review_record(
        item=_item(case),
        findings=FINDINGS,
        reviewed_on=timezone.localdate(),
        checklist={question.removeprefix("check_"): a for question, a in CHECKED.items()},
        feedback="Boka uppföljningsmöten var fjärde vecka.",
        feedback_to=[case.fk_officer_id],
        context=AccessContext.for_user(_coordinator(case)),
    )
    feedback = item.feedback_copies.get()

    def changed():
        feedback.refresh_from_db()
        return feedback.read_at is not None

    return feedback, {}, changed


QUALITY = {
    "reporting:quality_review_list": _draw,
    "reporting:quality_review_item": _record,
    "reporting:quality_review_reviewer": _reviewer,
    "reporting:quality_feedback_detail": _feedback_read,
}
