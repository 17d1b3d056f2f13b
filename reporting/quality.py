"""Quality review (SPEC §5): a reproducible random draw of a quarter's active cases, recorded,
and the findings per case."""

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

from accounts.scoping import scope_for
from audit.models import AccessLog
from cases.models import Case
from samverkan.services import AccessContext, actor, log_access, require_not_future

from .models import QualityReview, QualityReviewItem

MAX_SIZE = 100

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


@transaction.atomic
def quality_review_draw(
    *,
    area,
    quarter: dt.date,
    size: int,
    seed: str | None = None,
    context: AccessContext,
    today=None,
) -> QualityReview:
    """Draw `size` random active cases of the quarter and record the draw (seed included), so
    that anyone can redo it and get the same cases."""
    acting = actor(context)
    _require_coordinator(acting, area)
    today = today or timezone.localdate()
    if quarter is None or quarter != quarter_start(quarter):
        raise ValidationError({"quarter": _("Välj ett kvartal.")})
    require_not_future("quarter", quarter, today, _("Kvartalet har inte börjat än."))
    if not isinstance(size, int) or not (1 <= size <= MAX_SIZE):
        raise ValidationError({"size": _("Dra mellan 1 och %(max)d ärenden.") % {"max": MAX_SIZE}})
    seed = (seed or secrets.token_hex(8)).strip()
    cases = list(
        draw_order(active_cases_in_quarter(area=area, quarter=quarter), seed).values_list(
            "pk", flat=True
        )[:size]
    )
    if not cases:
        raise ValidationError(_("Inga aktiva ärenden i området det kvartalet."))
    review = QualityReview.objects.create(
        area=area, quarter=quarter, size=size, seed=seed, drawn_by=acting
    )
    QualityReviewItem.objects.bulk_create(
        QualityReviewItem(review=review, case_id=case_id, position=n)
        for n, case_id in enumerate(cases, start=1)
    )
    log_access(
        context,
        action=AccessLog.Action.CREATE,
        obj=review,
        purpose=f"kvalitetsgranskning: {len(cases)} ärenden dragna",
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
    today=None,
) -> QualityReviewItem:
    """Record the review of one drawn case: every checklist question answered, the findings in
    words, the day."""
    acting = actor(context)
    current = QualityReviewItem.objects.select_for_update().select_related("review").get(pk=item.pk)
    _require_coordinator(acting, current.review.area)
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
    current.save(update_fields=["findings", "reviewed_on", "reviewed_by", "checklist"])
    log_access(
        context,
        action=AccessLog.Action.UPDATE,
        obj=current,
        purpose="kvalitetsgranskning: iakttagelser",
    )
    return current
