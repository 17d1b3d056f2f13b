"""The service kernel: what every write service of every app shares (CONVENTIONS §2–3).

A service is called alike from a page, the API, a command, an import or a Celery task: it takes
an explicit `AccessContext` (who acts, from where, why), never the HTTP request. Each write
locks the row it changes (`lock_for_update`), refuses a stale form (`ConcurrentEditError`, SPEC §7:
no silent overwrite), checks its dates (`require_plausible`, `require_not_future`), keeps history
and writes one access-log entry (`log_access`). A service that writes personal data without a
context fails loudly (`MissingAccessContext`): nothing is ever written unlogged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_subjects, client_address

from .dates import validate_plausible_date


class MissingAccessContext(TypeError):
    """A service that writes personal data was called without saying who acts (SPEC §7)."""


@dataclass(frozen=True)
class AccessContext:
    """Who acts and why, as the access log records it (SPEC §7).

    `user` is the acting staff member (None only for the product's own scheduled jobs, which
    then name themselves in `username`); `client_ip` and `path` say where a page or API call came
    from (empty for commands and tasks); `purpose` is the default purpose of the entries written;
    `reason` is a reason stated for opening a person outside one's caseload."""

    user: Any = None
    username: str = ""
    client_ip: str | None = None
    path: str = ""
    purpose: str = ""
    reason: str = ""

    @classmethod
    def from_request(cls, request, *, purpose: str = "", reason: str = "") -> AccessContext:
        """The context of a page or API call: its authenticated user, address and path."""
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        return cls(
            user=user,
            client_ip=client_address(request),
            path=request.path,
            purpose=purpose,
            reason=reason,
        )

    @classmethod
    def for_user(cls, user, *, purpose: str = "", username: str = "") -> AccessContext:
        """The context of a command, import or task run on behalf of `user`."""
        return cls(user=user, purpose=purpose, username=username)

    @classmethod
    def system(cls, job: str) -> AccessContext:
        """The product's own scheduled work (no user): the log names the job."""
        return cls(user=None, username=job, purpose=job)


def require_context(context) -> AccessContext:
    if not isinstance(context, AccessContext):
        raise MissingAccessContext(
            "a service that writes personal data needs an AccessContext (who acts and why)"
        )
    return context


def actor(context: AccessContext):
    """The user a change is recorded against (history, `created_by`, `by`)."""
    return require_context(context).user


def today_or(today: dt.date | None) -> dt.date:
    """The domain day: the one given (tests, backdated jobs) or today in Stockholm."""
    return today or timezone.localdate()


def log_access(context: AccessContext, *, action: str, obj=None, purpose: str = "", **fields):
    """One access-log entry for a change made in `context`."""
    context = require_context(context)
    purpose = purpose or context.purpose
    if context.reason:
        purpose = f"{purpose} (skäl: {context.reason})" if purpose else f"skäl: {context.reason}"
    return access_log_record(
        action=action,
        user=context.user,
        username=context.username,
        client_ip=context.client_ip,
        path=context.path,
        obj=obj,
        purpose=purpose,
        **fields,
    )


def log_access_subjects(
    context: AccessContext, *, action: str, subjects, outside_ids=frozenset()
) -> int:
    """One entry per subject (object_type, object_id, person_id, area_id, purpose), in one
    INSERT: writes of many records at once (the imports), the rows of an export (`outside_ids`:
    people off the user's caseload, reached with a stated reason)."""
    context = require_context(context)
    return access_log_record_subjects(
        action=action,
        subjects=subjects,
        outside_ids=outside_ids,
        user=context.user,
        username=context.username,
        client_ip=context.client_ip,
        path=context.path,
    )


class ConcurrentEditError(ValidationError):
    """Someone saved the record after the form was opened (SPEC §7: no silent overwrite)."""

    def __init__(self):
        super().__init__(
            _(
                "Någon annan har ändrat uppgifterna medan du skrev. Inget av det du skrev är "
                "sparat: jämför med de nya uppgifterna nedan och spara igen."
            ),
            code="concurrent_edit",
        )


def require_plausible(**days) -> None:
    """Every date a service stores lies within samverkan.dates' range (forms check it too; this
    covers the API and imports)."""
    for field, day in days.items():
        if day is not None:
            try:
                validate_plausible_date(day)
            except ValidationError as exc:
                raise ValidationError({field: exc.messages}) from None


def require_not_future(field: str, day, today: dt.date, message=None) -> None:
    require_plausible(**{field: day})
    if day and day > today:
        raise ValidationError({field: message or _("Datumet får inte ligga i framtiden.")})


def lock_for_update(model, pk, expected_version: int | None):
    """Row lock, then the optimistic check: the form's version must still be the stored one."""
    current = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def save_logged(record, *, context: AccessContext, action: str, purpose: str, update_fields=None):
    """Save a checked record: its history names the actor, the access log the change (SPEC §7)."""
    record._history_user = actor(context)
    record.save(update_fields=update_fields)
    log_access(context, action=action, obj=record, purpose=purpose)
    return record


def save_new_version(current, changed, *, context: AccessContext):
    """Save an edited record as its next version, with history and an access-log entry naming
    the changed fields (never their values)."""
    current.version += 1
    return save_logged(
        current,
        context=context,
        action=AccessLog.Action.UPDATE,
        purpose="ändrade: " + ", ".join(changed),
    )
