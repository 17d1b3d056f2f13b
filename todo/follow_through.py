"""The kinds of to-do that follow work through to its end (issue 15 points 5 and 6): the
closing documentation AF writes and FK confirms, the follow-up of an employer consultation, and
the feedback from a quality review to the officers whose case it was. Each is a queryset (for
the navigation's count, todo.selectors.QUERIES) and its items (todo.selectors.todo_items); the
rules behind them live in mapping.services.closing_documents, mapping.services.meetings and
reporting.quality_feedback."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.flags import DUE_SOON_DAYS, INFO, level_for
from cases.selectors import person_list_on_caseload
from mapping.models import ClosingDocument, Meeting
from reporting.models import QualityFeedback

from .base import Todo, areas, local_day, name, officer_agency

# --- the querysets --------------------------------------------------------------------------


def closing_docs_to_confirm(user) -> QuerySet:
    """Closing documents AF sent that the user confirms for FK: the case's FK officer, or while
    the case names none, an FK officer who has the person on their caseload (as a mapping
    decision; the rule is mapping.services.closing_documents')."""
    if officer_agency(user) != "FK":
        return ClosingDocument.objects.none()
    return ClosingDocument.objects.awaiting_confirmation().filter(
        Q(case__fk_officer=user)
        | Q(case__fk_officer__isnull=True, case__person__in=person_list_on_caseload(user=user)),
        case__area_id__in=areas(user),
    )


def employer_follow_ups(user) -> QuerySet:
    """Employer consultations of mine whose follow-up is due within the week (or overdue) and
    has no result yet: mine as an officer of their case or mapping, or as the one who
    registered the meeting."""
    horizon = timezone.localdate() + dt.timedelta(days=DUE_SOON_DAYS)
    return Meeting.objects.filter(
        Q(created_by=user)
        | Q(case__fk_officer=user)
        | Q(case__af_officer=user)
        | Q(mapping__fk_officer=user)
        | Q(mapping__af_officer=user),
        kind=Meeting.Kind.EMPLOYER_CONSULTATION,
        follow_up_on__lte=horizon,
        follow_up_result="",
        person__area_id__in=areas(user),
    )


def quality_feedback(user) -> QuerySet:
    """Feedback from a quality review of the user's case, until they mark it read."""
    return QualityFeedback.objects.filter(
        recipient=user, read_at__isnull=True, item__review__area_id__in=areas(user)
    )


# --- the items ------------------------------------------------------------------------------


def _closing_due(case, rules) -> dt.date:
    return case.end_date + dt.timedelta(days=rules.closing_doc_days)


def closing_doc_items(cases: QuerySet, *, user, today: dt.date, rules) -> list[Todo]:
    """The closing documentation due on `cases` (todo.selectors' "closing_doc" kind): the AF
    officer's item opens the form; the FK officer sees it waiting too, since the 21 days are
    both agencies' (theirs opens the document)."""
    items = []
    cases = cases.select_related("person", "closing_document__returned_by")
    for case in cases.order_by("end_date", "pk"):
        doc = getattr(case, "closing_document", None)
        text = _("Avslutat %(day)s") % {"day": case.end_date.isoformat()}
        if doc is not None and doc.returned_at:
            text = _("Skickad tillbaka av %(who)s: %(reason)s") % {
                "who": name(doc.returned_by),
                "reason": doc.return_reason,
            }
        elif doc is not None:
            text = _("Utkast sparat, inte skickat till Försäkringskassan")
        page = "closing_document_edit" if case.af_officer_id == user.pk else "closing_document"
        due = _closing_due(case, rules)
        items.append(
            Todo(
                "closing_doc",
                text,
                case.person.full_name,
                reverse(f"mapping:{page}", args=[case.pk]),
                level_for(due, today),
                due=due,
                logged=case,
            )
        )
    return items


def closing_doc_confirm_items(user, *, today: dt.date, rules) -> list[Todo]:
    documents = (
        closing_docs_to_confirm(user)
        .select_related("case__person", "submitted_by")
        .order_by("case__end_date", "pk")
    )
    return [
        Todo(
            "closing_doc_confirm",
            _("Skickad av %(who)s %(day)s")
            % {"who": name(doc.submitted_by), "day": local_day(doc.submitted_at).isoformat()},
            doc.case.person.full_name,
            reverse("mapping:closing_document", args=[doc.case_id]),
            level_for(_closing_due(doc.case, rules), today),
            due=_closing_due(doc.case, rules),
            logged=doc,
        )
        for doc in documents
    ]


def employer_follow_up_items(user, *, today: dt.date) -> list[Todo]:
    return [
        Todo(
            "employer_follow_up",
            _("Möte %(day)s%(employer)s")
            % {
                "day": m.date.isoformat(),
                "employer": f", {m.employer_name}" if m.employer_name else "",
            },
            m.person.full_name,
            reverse("mapping:meeting_edit", args=[m.pk]),
            level_for(m.follow_up_on, today),
            due=m.follow_up_on,
            logged=m,
        )
        for m in employer_follow_ups(user).select_related("person").order_by("follow_up_on")
    ]


def quality_feedback_items(user) -> list[Todo]:
    feedback = (
        quality_feedback(user)
        .select_related("item__review__area", "item__case__person")
        .order_by("sent_at", "pk")
    )
    return [
        Todo(
            "quality_feedback",
            _("Granskning %(review)s") % {"review": f.item.review},
            f.item.case.person.full_name,
            reverse("reporting:quality_feedback_detail", args=[f.pk]),
            INFO,
            since=local_day(f.sent_at),
            logged=f.item.case,
        )
        for f in feedback
    ]
