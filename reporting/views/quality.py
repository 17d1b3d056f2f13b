"""Quality review pages (kvalitetsgranskning, SPEC §5): the area's coordinator draws N random
active cases of a quarter, records the findings per case and sees which were reviewed. The rules
(who may draw, which quarter, how many, the reproducible draw) live in reporting.quality; these
pages only call it.

The area's coordinators draw and follow the reviews; a drawn case is also open to the reviewer
named for it (a coordinator or an expert of the area), who finds it on their to-do list. Anyone
else, and another area's coordinator, gets 404 for a review or a drawn case (SPEC §7: another
area's object answers 404); the list page has no object, so a refusal there is a 403 like the
log review's, logged as a failed authorisation by samverkan.errors. The feedback to the case's
officers is reporting.views.quality_feedback."""

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
from ..forms.quality import (
    QualityReviewDrawForm,
    QualityReviewerForm,
    QualityReviewRecordForm,
    quarter_label,
)
from ..models import QualityReview, QualityReviewItem
from ..quality_feedback import feedback_officers

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


def _items(user):
    """The drawn cases the user may open: every case of their areas' reviews for a
    coordinator, the cases they are named to review for anyone else of the area."""
    scope = scope_for(user)
    if not scope.case_access:
        return QualityReviewItem.objects.none()
    return QualityReviewItem.objects.filter(
        Q(review__in=_reviews(user)) | Q(reviewer=user),
        review__area_id__in=scope.area_ids,
    )


def _item(request, pk, *, coordinator_only=False) -> QualityReviewItem:
    items = (
        QualityReviewItem.objects.filter(review__in=_reviews(request.user))
        if coordinator_only
        else _items(request.user)
    )
    item = get_visible_or_404(
        request=request,
        queryset=items.select_related(
            "review",
            "review__area",
            "case",
            "case__person",
            "case__fk_officer",
            "case__af_officer",
            "reviewed_by",
            "reviewer",
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
            chosen = form.cleaned_data["reviewer"]
            if chosen is not None and chosen != request.user:
                own = review.items.filter(reviewer=request.user).count()
                if own:
                    messages.info(
                        request,
                        _(
                            "%(count)d av ärendena handläggs av granskaren och granskas av dig "
                            "i stället."
                        )
                        % {"count": own},
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
    items = (
        review.items.select_related("case", "case__person", "reviewed_by", "reviewer")
        .annotate(
            feedback_count=Count("feedback_copies"),
            feedback_read=Count(
                "feedback_copies", filter=Q(feedback_copies__read_at__isnull=False)
            ),
        )
        .order_by("position")
    )
    rows = [
        {
            "item": item,
            "masked": item.case.person.masked_personnummer,
            "reviewed_by": user_label(item.reviewed_by) if item.reviewed_by else "",
            "reviewer": user_label(item.reviewer) if item.reviewer else "",
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


def _back(request, item: QualityReviewItem) -> str:
    """The review for its coordinators; the to-do list for a reviewer who is not one."""
    if scope_for(request.user).coordinates(item.review.area_id):
        return reverse("reporting:quality_review_detail", args=[item.review_id])
    return reverse("todo:inbox")


@require_http_methods(["GET", "POST"])
def quality_review_item(request, pk):
    item = _item(request, pk)
    review = item.review
    officers = feedback_officers(item)
    page = {
        "title": _("Granska %(case)s – %(name)s")
        % {"case": item.case, "name": item.case.person.full_name},
        "subject": _(
            "%(review)s, ärende nr %(position)d i dragningen, %(person)s. Granskare: %(who)s"
        )
        % {
            "review": _subject(review),
            "position": item.position,
            "person": item.case.person.masked_personnummer,
            "who": user_label(item.reviewer) or "–",
        },
        "cancel_url": _back(request, item),
    }
    if services.handles(request.user, item.case):
        return form_page(
            request,
            {**page, "intro": _("Du handlägger ärendet och kan inte granska det."), "form": None},
        )
    if request.method == "POST":
        form = QualityReviewRecordForm(request.POST, officers=officers)
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
                return redirect(_back(request, item))
    else:
        initial = {"findings": item.findings, "feedback": item.feedback}
        initial.update({f"check_{q}": answer for q, answer in item.checklist.items()})
        if item.reviewed_on:
            initial["reviewed_on"] = item.reviewed_on
        sent_to = set(item.feedback_copies.values_list("recipient_id", flat=True))
        initial["feedback_to"] = [u.pk for u in officers if u.pk in sent_to or not item.feedback]
        form = QualityReviewRecordForm(initial=initial, officers=officers)
    return form_page(
        request,
        {
            **page,
            "intro": _(
                "Svara på varje fråga i checklistan och skriv vad granskningen visade. Ärendet "
                "markeras då som granskat av dig det datum du anger. Vill du ge återkoppling "
                "till ärendets handläggare skriver du den längst ned."
            ),
            "form": form,
            "submit_label": _("Spara granskningen"),
        },
    )


@require_http_methods(["GET", "POST"])
def quality_review_reviewer(request, pk):
    """The coordinator names another reviewer for a drawn case not yet reviewed."""
    item = _item(request, pk, coordinator_only=True)
    form = bound_form(
        request,
        QualityReviewerForm,
        area_id=item.review.area_id,
        initial={"reviewer": item.reviewer_id},
    )
    back = reverse("reporting:quality_review_detail", args=[item.review_id])
    page = {
        "title": _("Byt granskare"),
        "subject": _("%(review)s, ärende nr %(position)d i dragningen")
        % {"review": _subject(item.review), "position": item.position},
        "cancel_url": back,
    }
    if item.reviewed_on is not None:
        return form_page(request, {**page, "intro": _("Ärendet är redan granskat."), "form": None})
    if request.method == "POST" and form.is_valid():
        try:
            services.quality_review_assign(
                item=item,
                reviewer=form.cleaned_data["reviewer"],
                context=AccessContext.from_request(request),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Granskaren är bytt."))
            return redirect(back)
    return form_page(
        request,
        {
            **page,
            "intro": _(
                "Granskaren är områdets samordnare eller en namngiven expert i området. Den "
                "som handlägger ärendet kan inte granska det. Granskaren ser ärendet under "
                "Att göra."
            ),
            "form": form,
            "submit_label": _("Spara granskare"),
        },
    )
