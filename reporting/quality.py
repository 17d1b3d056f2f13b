"""Quality review (SPEC §5): a reproducible random draw of a quarter's active cases, recorded,
and the findings per case; who reviews each case (the coordinator or a named expert of the
area), and the feedback to the officers whose case it is (reporting.quality_feedback)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts.scoping import scope_for
from audit.models import AccessLog
from cases.models import Case
from samverkan.services import (
    AccessContext,
    actor,
    log_access,
    log_access_subjects,
    require_not_future,
)

from .models import QualityReview, QualityReviewItem
from .quality_feedback import feedback_send

MAX_SIZE = 100
# The Danish seed's practice: ten cases a quarter, unless the coordinator draws another number.
DEFAULT_SIZE = 10

# The questions every reviewed case is checked against (SPEC §3 rules and §7 consent), and the
# answers; the free-text findings say the rest.
CHECKLIST = {
    "plan": gettext_lazy("Finns en aktuell individuell plan?"),
    "follow_up": gettext_lazy("Har uppföljning skett minst var 28:e dag?"),
    "deadlines": gettext_lazy("Har tidsgränserna hållits (start inom 14 dagar, högst 365 dagar)?"),
    "documentation": gettext_lazy(
        "Är dokumentationen fullständig, slutdokumentation inom 21 dagar?"
    ),
    "consent": gettext_lazy("Finns samtycke eller rättsligt stöd för informationsutbytet?"),
}
ANSWERS = {"yes": gettext_lazy("Ja"), "no": gettext_lazy("Nej"), "na": gettext_lazy("Ej aktuellt")}


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(start: dt.date) -> dt.date:
    month = start.month + 3
    year = start.year + (month > 12)
    return dt.date(year, (month - 1) % 12 + 1, 1) - dt.timedelta(days=1)


def active_cases_in_quarter(*, area, quarter: dt.date):
    """Cases of the area in samverkan at some day of the quarter: registered on or before its
    last day and not ended before its first."""
    last = quarter_end(quarter)
    return Case.objects.filter(area=area, start_date__isnull=False, start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=quarter)
    )


def draw_order(cases, seed: str):
    """Ordered by md5(seed || id): the same seed gives the same order, in the database."""
    key = Func(
        Concat(Value(seed), Cast(F("pk"), TextField())), function="md5", output_field=TextField()
    )
    return cases.annotate(draw_key=key).order_by("draw_key", "pk")


def _require_coordinator(user, area):
    if not scope_for(user).coordinates(area.pk):
        raise PermissionDenied(_("Kvalitetsgranskningen görs av områdets samordnare."))


def reviewer_candidates(area_ids):
    """Who may review a case of the areas: their staff with case access (the coordinators,
    and officers named as experts), active."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__case_access=True,
            staff_profile__areas__in=list(area_ids),
            staff_profile__areas__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _require_reviewer(reviewer, area_id: int) -> None:
    if reviewer is None or not reviewer_candidates([area_id]).filter(pk=reviewer.pk).exists():
        raise ValidationError(
            {"reviewer": _("Välj en samordnare eller handläggare i området som granskare.")}
        )


def handles(user, case) -> bool:
    """The user is one of the case's officers: they do not review their own case."""
    return user is not None and user.pk in (case.fk_officer_id, case.af_officer_id)


def may_review(user, item: QualityReviewItem) -> bool:
    """The item's reviewer, or a coordinator of the review's area (who runs the review)."""
    scope = scope_for(user)
    area_id = item.review.area_id
    if scope.coordinates(area_id):
        return True
    return item.reviewer_id == user.pk and scope.case_access and area_id in scope.area_ids


@transaction.atomic
def quality_review_draw(
    *,
    area,
    quarter: dt.date,
    size: int = DEFAULT_SIZE,
    seed: str | None = None,
    reviewer=None,
    context: AccessContext,
    today=None,
) -> QualityReview:
    """Draw `size` random active cases of the quarter and record the draw (seed included), so
    that anyone can redo it and get the same cases. Every case gets `reviewer` (default: the
    coordinator drawing); a case the reviewer handles themselves goes to the coordinator."""
    acting = actor(context)
    _require_coordinator(acting, area)
    reviewer = reviewer or acting
    _require_reviewer(reviewer, area.pk)
    today = today or timezone.localdate()
    if quarter is None or quarter != quarter_start(quarter):
        raise ValidationError({"quarter": _("Välj ett kvartal.")})
    require_not_future("quarter", quarter, today, _("Kvartalet har inte börjat än."))
    if not isinstance(size, int) or not (1 <= size <= MAX_SIZE):
        raise ValidationError({"size": _("Dra mellan 1 och %(max)d ärenden.") % {"max": MAX_SIZE}})
    seed = (seed or secrets.token_hex(8)).strip()
    cases = list(
        draw_order(active_cases_in_quarter(area=area, quarter=quarter), seed).only(
            "pk", "person_id", "fk_officer_id", "af_officer_id"
        )[:size]
    )
    if not cases:
        raise ValidationError(_("Inga aktiva ärenden i området det kvartalet."))
    review = QualityReview.objects.create(
        area=area, quarter=quarter, size=size, seed=seed, drawn_by=acting
    )
    items = bulk_create_with_history(
        [
            QualityReviewItem(
                review=review,
                case_id=case.pk,
                position=n,
                reviewer=acting if handles(reviewer, case) else reviewer,
            )
            for n, case in enumerate(cases, start=1)
        ],
        QualityReviewItem,
        default_user=acting,
    )
    log_access(
        context,
        action=AccessLog.Action.CREATE,
        obj=review,
        purpose=f"kvalitetsgranskning: {len(cases)} ärenden dragna",
    )
    # Each drawn case is the person's: recorded in their log, since it opens the case to the
    # reviewer named for it.
    person_of = {case.pk: case.person_id for case in cases}
    log_access_subjects(
        context,
        action=AccessLog.Action.CREATE,
        subjects=(
            (
                "qualityreviewitem",
                item.pk,
                person_of[item.case_id],
                area.pk,
                "kvalitetsgranskning: ärendet draget",
            )
            for item in items
        ),
    )
    return review


@transaction.atomic
def quality_review_record(
    *,
    item: QualityReviewItem,
    findings: str,
    reviewed_on: dt.date,
    context: AccessContext,
    checklist: dict | None = None,
    feedback: str = "",
    feedback_to=(),
    today=None,
    now=None,
) -> QualityReviewItem:
    """Record the review of one drawn case: every checklist question answered, the findings in
    words, the day; and the feedback to the case's officers in `feedback_to` (user ids), each of
    whom finds it on their to-do list."""
    acting = actor(context)
    current = (
        QualityReviewItem.objects.select_for_update(of=("self",))
        .select_related("review", "case")
        .get(pk=item.pk)
    )
    if not may_review(acting, current):
        raise PermissionDenied(_("Ärendet granskas av den granskare som samordnaren har valt."))
    if handles(acting, current.case):
        raise ValidationError(_("Du handlägger ärendet och kan inte granska det."))
    today = today or timezone.localdate()
    if not (findings or "").strip():
        raise ValidationError({"findings": _("Skriv vad granskningen visade.")})
    if reviewed_on is None:
        raise ValidationError({"reviewed_on": _("Ange granskningsdatum.")})
    require_not_future("reviewed_on", reviewed_on, today)
    checklist = checklist or {}
    unanswered = {
        f"check_{question}": _("Svara på frågan.")
        for question in CHECKLIST
        if checklist.get(question) not in ANSWERS
    }
    if unanswered or set(checklist) - set(CHECKLIST):
        raise ValidationError(unanswered or _("Okänd fråga i checklistan."))
    current.findings = findings.strip()
    current.reviewed_on = reviewed_on
    current.reviewed_by = acting
    current.checklist = {question: checklist[question] for question in CHECKLIST}
    sent = feedback_send(
        item=current, feedback=feedback, recipient_ids=feedback_to, now=now or timezone.now()
    )
    current._history_user = acting
    current.save(
        update_fields=[
            "findings",
            "reviewed_on",
            "reviewed_by",
            "checklist",
            "feedback",
            "feedback_sent_at",
        ]
    )
    purpose = "kvalitetsgranskning: iakttagelser"
    if sent:
        purpose += f", återkoppling till {sent} handläggare"
    log_access(context, action=AccessLog.Action.UPDATE, obj=current, purpose=purpose)
    return current


@transaction.atomic
def quality_review_assign(
    *, item: QualityReviewItem, reviewer, context: AccessContext
) -> QualityReviewItem:
    """The coordinator names another reviewer for one drawn case, until it is reviewed."""
    acting = actor(context)
    current = (
        QualityReviewItem.objects.select_for_update(of=("self",))
        .select_related("review", "case")
        .get(pk=item.pk)
    )
    _require_coordinator(acting, current.review.area)
    if current.reviewed_on is not None:
        raise ValidationError(_("Ärendet är redan granskat."))
    _require_reviewer(reviewer, current.review.area_id)
    if handles(reviewer, current.case):
        raise ValidationError({"reviewer": _("Granskaren handlägger ärendet; välj någon annan.")})
    if current.reviewer_id == reviewer.pk:
        return current
    current.reviewer = reviewer
    current._history_user = acting
    current.save(update_fields=["reviewer"])
    log_access(
        context,
        action=AccessLog.Action.UPDATE,
        obj=current,
        purpose="kvalitetsgranskning: granskare",
    )
    return current
