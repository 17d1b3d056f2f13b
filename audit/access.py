"""Fetching one object and breaking the glass, for pages and API alike (SPEC §7).

`get_visible_or_404` is how every view fetches one object: if the object is outside the user's
scope (or does not exist) the answer is 404 and the failed authorisation is logged against the
object's own area. Opening a person outside one's caseload needs a stated reason, kept in the
session for a while (`break_glass_grant`) and written to the log with every access it covers;
which people need one is the caseload's rule (cases.selectors, cases.access)."""

from __future__ import annotations

import time
import unicodedata

from django.conf import settings
from django.http import Http404

from .models import AccessLog
from .services import access_log_record

SESSION_KEY = "break_glass"


class ReasonRequired(Exception):
    """The person is outside the user's caseload: a reason must be stated first."""

    def __init__(self, person):
        super().__init__(person)
        self.person = person


# A stated reason (break the glass, an export beyond the caseload, a suggestion marked not
# relevant, a decision sent back) has at least this many visible characters: shorter says
# nothing to the next reader.
REASON_MIN_LENGTH = 10


def readable_reason(text: str) -> str:
    """A stated reason as a reviewer will read it: control and invisible format characters
    (zero-width spaces and the like) removed, runs of white space made one space. Every length
    rule is checked on this, so a reason cannot pass while showing nothing in the log."""
    visible = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    return " ".join(visible.split())


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


def _grant_key(request, person) -> str:
    # Keyed by user as well: a session cookie sent along with another user's API token must
    # not carry the first user's reason.
    return f"{request.user.pk}:{person.pk}"


def break_glass_reason(*, request, person) -> str | None:
    grant = _grants(request).get(_grant_key(request, person))
    if not grant:
        return None
    if time.time() - grant["at"] > settings.BREAK_GLASS_VALID_SECONDS:
        return None
    return grant["reason"]


def break_glass_grant(*, request, person, reason: str) -> None:
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
