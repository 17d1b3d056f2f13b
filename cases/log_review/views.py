"""The coordinator's log review page (logguppföljning)."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import StaffProfile
from accounts.scoping import scope_for
from audit import selectors
from audit.models import AccessLog
from audit.periods import month_bounds
from audit.services import access_log_record

from ..models import Person
from ..validators import parse_identity_number
from .forms import PersonLookupForm, ReviewFilterForm
from .lines import log_lines, staff_names, who
from .selectors import consent_events, person_log, sample_log


def _require_reviewer(request):
    if not scope_for(request.user).reviews_access_log:
        raise PermissionDenied  # logged as a failed authorisation by samverkan.errors


@require_http_methods(["GET", "POST"])
def review(request):
    _require_reviewer(request)
    scope = scope_for(request.user)
    staff_qs = (
        StaffProfile.objects.filter(areas__in=scope.area_ids)
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name")
    )
    staff_choices = [(p.user_id, str(p)) for p in staff_qs]
    lookup = PersonLookupForm(request.POST or None, prefix="lookup")
    if request.method == "POST" and lookup.is_valid():
        # Looked up by POST so the number never appears in an address; then shown by id.
        try:
            number = parse_identity_number(lookup.cleaned_data["personnummer"]).number
        except ValidationError as exc:
            lookup.add_error("personnummer", exc)
        else:
            person = Person.objects.filter(personnummer=number, area_id__in=scope.area_ids).first()
            if person is None:
                lookup.add_error("personnummer", _("Ingen person med det numret i dina områden."))
            else:
                return redirect(f"{reverse('audit:review')}?person={person.pk}")

    today = timezone.localdate()
    # With no choices made, the page opens on the current month's sample and unusual access.
    form = ReviewFilterForm(request.GET or {"month": f"{today:%Y-%m}"}, staff_choices=staff_choices)
    context = {"form": form, "lookup": lookup, "threshold": settings.AUDIT_UNUSUAL_PERSONS_PER_DAY}
    month = today.replace(day=1)
    if form.is_valid():
        month = form.cleaned_data["month"] or month
        start, end = month_bounds(month)
        data = form.cleaned_data
        if data["person"]:
            context["person_entries"] = log_lines(
                person_log(area_ids=scope.area_ids, person_id=data["person"]), user=request.user
            )
            context["person_label"] = _person_labels(scope, [data["person"]]).get(
                data["person"], _("(ej i dina områden)")
            )
        if data["staff"]:
            rows = list(
                selectors.persons_opened_by(
                    area_ids=scope.area_ids, staff_user_id=data["staff"], start=start, end=end
                )
            )
            labels = _person_labels(scope, [r["person_id"] for r in rows])
            for row in rows:
                row["label"] = labels.get(row["person_id"], _("(ej i dina områden)"))
            context["staff_rows"] = rows
            context["staff_label"] = dict(staff_choices).get(data["staff"], "")
        seed = data["seed"] or secrets.token_hex(4)
        size = data["size"] or 10
        context["seed"], context["size"] = seed, size
        context["sample"] = log_lines(
            sample_log(area_ids=scope.area_ids, seed=seed, size=size, start=start, end=end),
            user=request.user,
        )
        unusual = list(
            selectors.unusual_access(
                area_ids=scope.area_ids,
                start=start,
                end=end,
                threshold=settings.AUDIT_UNUSUAL_PERSONS_PER_DAY,
            )
        )
        break_glass = list(
            selectors.break_glass_summary(area_ids=scope.area_ids, start=start, end=end)
        )
        events = consent_events(area_ids=scope.area_ids, start=start, end=end)
        names = staff_names(
            [row["user_id"] for row in unusual + break_glass] + [e.entry.user_id for e in events]
        )
        for row in unusual + break_glass:
            row["who"] = who(row["user_id"], row["username"], names)
        context["unusual"], context["break_glass"] = unusual, break_glass
        labels = _person_labels(scope, [e.entry.person_id for e in events])
        context["consent_events"] = [
            (
                event,
                labels.get(event.entry.person_id, _("(ej i dina områden)")),
                who(event.entry.user_id, event.entry.username, names),
            )
            for event in events
        ]
        context["month"] = month
    access_log_record(
        action=AccessLog.Action.LOG_REVIEW,
        request=request,
        object_type="accesslog",
        person_id=form.cleaned_data.get("person") if form.is_valid() else None,
        purpose=f"logguppföljning {month:%Y-%m}",
    )
    return render(request, "log_review/review.html", context)


def _person_labels(scope, person_ids) -> dict[int, str]:
    # Names only for people still in the reviewer's areas (scoping applies here too).
    people = Person.objects.filter(pk__in=[p for p in person_ids if p], area_id__in=scope.area_ids)
    return {p.pk: f"{p.full_name} ({p.masked_personnummer})" for p in people}
