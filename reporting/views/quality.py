"""Quality review pages (kvalitetsgranskning, SPEC §5): the area's coordinator draws N random
active cases of a quarter, records the findings per case and sees which were reviewed. The rules
(who may draw, which quarter, how many, the reproducible draw) live in reporting.quality; these
pages only call it.

Only area-wide staff with case access (the coordinators) take part. Anyone else, and another
area's coordinator, gets 404 for a review or a drawn case (SPEC §7: another area's object answers
404); the list page has no object, so a refusal there is a 403 like the log review's, logged as a
failed authorisation by samverkan.errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from audit.access import get_visible_or_404
from audit.models import AccessLog
from audit.services import access_log_record
from cases.views.pages import form_page
from samverkan.display import user_label
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext
from samverkan.views import bound_form

from .. import quality as services
from ..forms.quality import QualityReviewDrawForm, QualityReviewRecordForm, quarter_label
from ..models import QualityReview, QualityReviewItem

PURPOSE = "kvalitetsgranskning"


# --- fetching and access ----------------------------------------------------------------------


def _is_coordinator(user) -> bool:
    return scope_for(user).is_coordinator


def _reviews(user):
    """The reviews the user takes part in: their own areas', and only for coordinators (an
    officer of the area has case access too, but the review is not theirs to see)."""
    if not _is_coordinator(user):
        return QualityReview.objects.none()
    return QualityReview.objects.visible_to(user)


def _review(request, pk) -> QualityReview:
    review = get_visible_or_404(
        request=request,
        queryset=_reviews(request.user).select_related("area", "drawn_by"),
        pk=pk,
        object_type="qualityreview",
    )
    access_log_record(action=AccessLog.Action.VIEW, request=request, obj=review, purpose=PURPOSE)
    return review


def _item(request, pk) -> QualityReviewItem:
    item = get_visible_or_404(
        request=request,
        queryset=QualityReviewItem.objects.filter(review__in=_reviews(request.user)).select_related(
            "review", "review__area", "case", "case__person", "reviewed_by"
        ),
        pk=pk,
        object_type="qualityreviewitem",
    )
    access_log_record(action=AccessLog.Action.VIEW, request=request, obj=item, purpose=PURPOSE)
    return item


def _subject(review: QualityReview) -> str:
    return _("%(area)s, %(quarter)s") % {
        "area": review.area.name,
        "quarter": quarter_label(review.quarter),
    }


# --- pages ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def quality_review_list(request):
    """The coordinator's reviews, newest first, and the form that draws a new one."""
    if not _is_coordinator(request.user):
        raise PermissionDenied
    scope = scope_for(request.user)
    form = bound_form(request, QualityReviewDrawForm, area_ids=scope.area_ids)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.quality_review_draw(
                context=AccessContext.from_request(request), **form.service_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(count)d ärenden är dragna för granskning.") % {"count": review.items.count()},
            )
            return redirect("reporting:quality_review_detail", pk=review.pk)
    # The list holds no personal data; the entry records that the coordinator looked.
    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        object_type="qualityreview",
        purpose=PURPOSE,
    )
    reviews = (
        _reviews(request.user)
        .select_related("area", "drawn_by")
        .annotate(
            drawn_count=Count("items"),
            reviewed_count=Count("items", filter=Q(items__reviewed_on__isnull=False)),
        )
        .order_by("-drawn_at", "-pk")
    )
    rows = [
        {
            "review": review,
            "quarter": quarter_label(review.quarter),
            "drawn_by": user_label(review.drawn_by),
        }
        for review in reviews
    ]
    return render(request, "reporting/quality_list.html", {"rows": rows, "form": form})


@require_http_methods(["GET", "POST"])
def quality_review_detail(request, pk):
    # POST is let through to the access check so that an outsider's POST answers 404 like
    # their GET; the page itself only shows.
    review = _review(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    items = review.items.select_related("case", "case__person", "reviewed_by").order_by("position")
    rows = [
        {
            "item": item,
            "masked": item.case.person.masked_personnummer,
            "reviewed_by": user_label(item.reviewed_by) if item.reviewed_by else "",
            "noes": sum(1 for answer in item.checklist.values() if answer == "no"),
        }
        for item in items
    ]
    # How the reviewed cases answered each question of the checklist.
    checklist = [
        {
            "question": text,
            **{
                answer: sum(1 for row in rows if row["item"].checklist.get(question) == answer)
                for answer in services.ANSWERS
            },
        }
        for question, text in services.CHECKLIST.items()
    ]
    return render(
        request,
        "reporting/quality_detail.html",
        {
            "review": review,
            "subject": _subject(review),
            "quarter": quarter_label(review.quarter),
            "drawn_by": user_label(review.drawn_by),
            "rows": rows,
            "checklist": checklist,
            "reviewed_count": sum(1 for row in rows if row["item"].reviewed_on),
        },
    )


@require_http_methods(["GET", "POST"])
def quality_review_item(request, pk):
    item = _item(request, pk)
    review = item.review
    if request.method == "POST":
        form = QualityReviewRecordForm(request.POST)
        if form.is_valid():
            try:
                services.quality_review_record(
                    item=item, context=AccessContext.from_request(request), **form.service_data()
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Granskningen av ärendet är sparad."))
                return redirect("reporting:quality_review_detail", pk=review.pk)
    else:
        initial = {"findings": item.findings}
        initial.update({f"check_{q}": answer for q, answer in item.checklist.items()})
        if item.reviewed_on:
            initial["reviewed_on"] = item.reviewed_on
        form = QualityReviewRecordForm(initial=initial)
    return form_page(
        request,
        {
            "title": _("Granska %(case)s – %(name)s")
            % {"case": item.case, "name": item.case.person.full_name},
            "subject": _("%(review)s, ärende nr %(position)d i dragningen, %(person)s")
            % {
                "review": _subject(review),
                "position": item.position,
                "person": item.case.person.masked_personnummer,
            },
            "intro": _(
                "Svara på varje fråga i checklistan och skriv vad granskningen visade. Ärendet "
                "markeras då som granskat av dig det datum du anger."
            ),
            "form": form,
            "submit_label": _("Spara granskningen"),
            "cancel_url": reverse("reporting:quality_review_detail", args=[review.pk]),
        },
    )
