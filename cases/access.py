"""Object access for pages and API alike: scoping, the access log and break-the-glass (SPEC §7).

`get_visible_or_404` is how every view fetches one object: if the object is outside the user's
scope (or does not exist) the answer is 404 and the failed authorisation is logged. Opening a
person who is not on the user's own or team's caseload needs a stated reason, kept in the session
for a while and written to the log with every access it covers."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import Http404

from audit.models import AccessLog
from audit.services import access_log_record

from .models import Person
from .selectors import person_relation

SESSION_KEY = "break_glass"

PURPOSE_LABELS = {
    "area_wide": "samordnare för området",
    "own_caseload": "eget ärendebestånd",
    "team_caseload": "teamets ärendebestånd",
    "registered_by_user": "registrerade personen",
    "open_mapping": "pågående gemensam kartläggning",
}


def get_visible_or_404(*, request, queryset, pk, object_type: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        # The refusal is logged against the object's own area (if it exists), so that area's
        # coordinator sees who tried; the user learns nothing either way.
        target = None
        if str(pk).isdigit() and len(str(pk)) <= 18:
            target = queryset.model._base_manager.filter(pk=pk).first()
        access_log_record(
            action=AccessLog.Action.DENIED,
            request=request,
            obj=target,
            object_type=object_type,
            object_id=str(pk),
        )
        raise Http404 from None


def _grants(request) -> dict:
    return request.session.get(SESSION_KEY, {}) if hasattr(request, "session") else {}


def _grant_key(request, person: Person) -> str:
    # Keyed by user as well: a session cookie sent along with another user's API token must
    # not carry the first user's reason.
    return f"{request.user.pk}:{person.pk}"


def break_glass_reason(*, request, person: Person) -> str | None:
    grant = _grants(request).get(_grant_key(request, person))
    if not grant:
        return None
    if time.time() - grant["at"] > settings.BREAK_GLASS_VALID_SECONDS:
        return None
    return grant["reason"]


def break_glass_grant(*, request, person: Person, reason: str) -> None:
    """Record the stated reason; later accesses to the person in this session carry it."""
    access_log_record(
        action=AccessLog.Action.BREAK_GLASS,
        request=request,
        obj=person,
        purpose=reason,
        outside_caseload=True,
    )
    if hasattr(request, "session"):
        grants = dict(_grants(request))
        grants[_grant_key(request, person)] = {"reason": reason, "at": time.time()}
        request.session[SESSION_KEY] = grants


class ReasonRequired(Exception):
    def __init__(self, person):
        super().__init__(person)
        self.person = person


def person_access_purpose(*, request, person: Person) -> tuple[str, bool]:
    """(purpose, outside_caseload), or ReasonRequired when the glass must be broken first."""
    relation = person_relation(user=request.user, person=person)
    if relation is not None:
        return PURPOSE_LABELS[relation], False
    reason = break_glass_reason(request=request, person=person)
    if reason is None:
        access_log_record(
            action=AccessLog.Action.DENIED,
            request=request,
            obj=person,
            purpose="skäl krävs (utanför ärendebeståndet)",
            outside_caseload=True,
        )
        raise ReasonRequired(person)
    return f"skäl: {reason}", True


def grant_stated_reason(*, request, person: Person, reason: str) -> None:
    """A reason stated up front (the API's X-Access-Reason header, at least 10 characters) for a
    person outside the caller's caseload is granted before the access is checked, so the check
    does not first log a refusal. Inside the caseload, or with a grant in force, it is unused."""
    if len(reason) < 10 or person_relation(user=request.user, person=person) is not None:
        return
    if break_glass_reason(request=request, person=person) is None:
        break_glass_grant(request=request, person=person, reason=reason[:500])


def log_person_access(*, request, obj, person: Person, action=AccessLog.Action.VIEW) -> str:
    """Check the purpose for opening `obj` (the person or one of their records) and log it."""
    purpose, outside = person_access_purpose(request=request, person=person)
    access_log_record(
        action=action,
        request=request,
        obj=obj,
        purpose=purpose,
        outside_caseload=outside,
    )
    return purpose
