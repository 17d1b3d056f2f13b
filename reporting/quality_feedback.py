"""Feedback from the quality review to the officers whose case was reviewed (SPEC §5, issue 15
point 6). The reviewer writes one text; each officer it goes to gets a copy
(`QualityFeedback`) that waits on their to-do list ("Att göra") until they mark it read. Reading
it is the work the list asks for, so, unlike the list's other items (ADR 0022), the copy
records that it was read. Changed feedback is sent again: it is unread until read again."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog
from samverkan.services import AccessContext, actor, log_access

from .models import QualityFeedback, QualityReviewItem


def feedback_officers(item: QualityReviewItem) -> list:
    """Whom the feedback can go to: the case's officers, FK's first."""
    return [u for u in (item.case.fk_officer, item.case.af_officer) if u is not None]


def feedback_send(*, item: QualityReviewItem, feedback: str, recipient_ids, now) -> int:
    """Set the item's feedback (not saved: the caller saves the item) and its copies: a copy
    per recipient, sent again (unread) when the text changed, removed for an officer no longer
    among the recipients. Returns how many copies were (re)sent."""
    feedback = (feedback or "").strip()
    recipients = {int(pk) for pk in recipient_ids or ()}
    officers = {user.pk for user in feedback_officers(item)}
    if feedback and not recipients:
        raise ValidationError({"feedback_to": _("Välj vem återkopplingen går till.")})
    if not feedback:
        # Feedback is optional: with no text, the recipients ticked by default get nothing.
        recipients = set()
    if recipients - officers:
        raise ValidationError(
            {"feedback_to": _("Återkopplingen går till handläggarna i det granskade ärendet.")}
        )
    changed = feedback != item.feedback
    item.feedback = feedback
    QualityFeedback.objects.filter(item=item).exclude(recipient_id__in=recipients).delete()
    kept = set(
        QualityFeedback.objects.filter(item=item, recipient_id__in=recipients).values_list(
            "recipient_id", flat=True
        )
    )
    sent = 0
    if changed and kept:
        sent += QualityFeedback.objects.filter(item=item, recipient_id__in=kept).update(
            sent_at=now, read_at=None
        )
    new = recipients - kept
    QualityFeedback.objects.bulk_create(
        QualityFeedback(item=item, recipient_id=pk, sent_at=now) for pk in sorted(new)
    )
    sent += len(new)
    if not feedback:
        item.feedback_sent_at = None
    elif sent:
        item.feedback_sent_at = now
    return sent


@transaction.atomic
def quality_feedback_read(
    *, feedback: QualityFeedback, context: AccessContext, now=None
) -> QualityFeedback:
    """The officer marks the feedback read: it leaves their to-do list. Only theirs."""
    acting = actor(context)
    current = QualityFeedback.objects.select_for_update().get(pk=feedback.pk)
    if acting is None or current.recipient_id != acting.pk:
        raise PermissionDenied(_("Återkopplingen är skickad till någon annan."))
    if current.read_at is not None:
        return current
    current.read_at = now or timezone.now()
    current.save(update_fields=["read_at"])
    log_access(
        context,
        action=AccessLog.Action.UPDATE,
        obj=current,
        purpose="kvalitetsgranskning: återkoppling läst",
    )
    return current
