"""Opening a person, for pages and API alike (SPEC §7): the purpose logged with every access to a
person's records, from the caseload's rule (cases.selectors.person_relation), or the reason
stated to break the glass (audit.access keeps the grant)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from audit.access import ReasonRequired, break_glass_grant, break_glass_reason
from audit.models import AccessLog
from audit.services import access_log_record

from .models import Person
from .selectors import person_relation

# Logged in Swedish (the log is the agency's record); shown in the reader's language by
# purpose_display.
PURPOSE_LABELS = {
    "area_wide": gettext_noop("samordnare för området"),
    "own_caseload": gettext_noop("eget ärendebestånd"),
    "team_caseload": gettext_noop("teamets ärendebestånd"),
    "registered_by_user": gettext_noop("registrerade personen"),
    "open_mapping": gettext_noop("pågående gemensam kartläggning"),
}
REASON_REQUIRED = gettext_noop("skäl krävs (utanför ärendebeståndet)")
STATED = "skäl: "


def purpose_display(purpose: str) -> str:
    """A purpose this module logged, in the interface's language: the caseload's purposes are
    translated, a stated reason keeps the words the person wrote. Anything else as written."""
    if purpose.startswith(STATED):
        return gettext("skäl: %(reason)s") % {"reason": purpose[len(STATED) :]}
    if purpose in PURPOSE_LABELS.values() or purpose == REASON_REQUIRED:
        return gettext(purpose)
    return purpose


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
            purpose=REASON_REQUIRED,
            outside_caseload=True,
        )
        raise ReasonRequired(person)
    return f"{STATED}{reason}", True


def grant_stated_reason(*, request, person: Person, reason: str) -> None:
    """A reason stated up front (the API's X-Access-Reason header, at least 10 characters) for a
    person outside the caller's caseload is granted before the access is checked, so the check
    does not first log a refusal. Inside the caseload, or with a grant in force, it is unused."""
    if len(reason) < 10 or person_relation(user=request.user, person=person) is not None:
        return
    if break_glass_reason(request=request, person=person) is None:
        break_glass_grant(request=request, person=person, reason=reason[:500])


def log_person_access(*, request, obj, person: Person, action=AccessLog.Action.VIEW) -> str:
    """Check the purpose for opening `obj` (the person or one of their records) and log it;
    return the purpose as the page shows it (purpose_display)."""
    purpose, outside = person_access_purpose(request=request, person=person)
    access_log_record(
        action=action,
        request=request,
        obj=obj,
        purpose=purpose,
        outside_caseload=outside,
    )
    return purpose_display(purpose)
