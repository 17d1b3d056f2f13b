"""The officer's page for feedback from a quality review (SPEC §5, issue 15 point 6): which case,
which review, the checklist's answers and the reviewer's feedback, and the button that marks it
read (it then leaves their to-do list). Only the officer it was sent to opens it; anyone else,
another area's staff included, gets 404 (SPEC §7). The reviewer's own findings are not shown:
they are the review's record, the feedback is what was written for the officer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from audit.access import get_visible_or_404
from audit.models import AccessLog
from audit.services import access_log_record
from samverkan.display import user_label
from samverkan.services import AccessContext

from ..forms.quality import quarter_label
from ..models import QualityFeedback
from ..quality import ANSWERS, CHECKLIST
from ..quality_feedback import quality_feedback_read


def _mine(user):
    scope = scope_for(user)
    if not scope.case_access:
        return QualityFeedback.objects.none()
    return QualityFeedback.objects.filter(recipient=user, item__review__area_id__in=scope.area_ids)


@require_http_methods(["GET", "POST"])
def quality_feedback_detail(request, pk):
    feedback = get_visible_or_404(
        request=request,
        queryset=_mine(request.user).select_related(
            "item__review__area", "item__case__person", "item__reviewed_by", "item__reviewer"
        ),
        pk=pk,
        object_type="qualityfeedback",
    )
    item = feedback.item
    if request.method == "POST":
        try:
            quality_feedback_read(feedback=feedback, context=AccessContext.from_request(request))
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("Återkopplingen är markerad som läst."))
        return redirect("todo:inbox")
    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        obj=feedback,
        purpose="kvalitetsgranskning: återkoppling",
    )
    answers = dict(ANSWERS)
    return render(
        request,
        "reporting/quality_feedback.html",
        {
            "feedback": feedback,
            "item": item,
            "case": item.case,
            "quarter": quarter_label(item.review.quarter),
            "area": item.review.area.name,
            "reviewer": user_label(item.reviewed_by or item.reviewer) or "–",
            "checklist": [
                (text, answers.get(item.checklist.get(question), "–"))
                for question, text in CHECKLIST.items()
            ],
        },
    )
