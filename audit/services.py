"""Writing to the access log. Every view, export, search or change of personal data calls
`access_log_record` (directly or through cases.access / samverkan.api)."""

from __future__ import annotations

from django.utils import timezone

from .logfilters import mask_personnummer
from .models import AccessLog


def client_address(request) -> str | None:
    """The client's address resolved exactly as django-axes resolves it for lock-outs: the
    forwarded header is trusted only when the deployment says it runs behind a proxy."""
    if request is None:
        return None
    try:
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request)
    except Exception:  # a malformed header must never stop the request
        ip = None
    return ip or request.META.get("REMOTE_ADDR") or None


def clean_log_text(text, limit: int | None = None) -> str:
    """Free text bound for the log: no personnummer, no NUL (PostgreSQL refuses it)."""
    text = mask_personnummer(str(text or "").replace("\x00", ""))
    return text[:limit] if limit else text


# The log sits below the organisation: which area a user belongs to is the organisation's to
# say, and accounts registers the answer here (accounts.apps).
_user_area_resolver = None


def resolve_user_area_with(resolver) -> None:
    """Register `resolver(user) -> area id or None`, the area of entries about no object."""
    global _user_area_resolver
    _user_area_resolver = resolver


def _default_area_id(user) -> int | None:
    """For entries about no particular object: the user's area, so the coordinator sees it."""
    if user is None or _user_area_resolver is None:
        return None
    return _user_area_resolver(user)


def access_log_record(
    *,
    action: str,
    request=None,
    user=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    person_id: int | None = None,
    area_id: int | None = None,
    purpose: str = "",
    outside_caseload: bool = False,
    username: str = "",
    client_ip: str | None = None,
    path: str = "",
) -> AccessLog:
    """Append one entry. `obj` may provide `audit_subject()` -> (person_id, area_id). The
    address and path come from `request`, or are given (a service's AccessContext)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
        if hasattr(obj, "audit_subject"):
            subject_person, subject_area = obj.audit_subject()
            person_id = person_id if person_id is not None else subject_person
            area_id = area_id if area_id is not None else subject_area
    if area_id is None and person_id is None:
        area_id = _default_area_id(user)
    return AccessLog.objects.create(
        occurred_at=timezone.now(),
        user=user,
        username=clean_log_text(username or (user.get_username() if user else ""), 150),
        action=action,
        object_type=clean_log_text(object_type, 50),
        object_id=clean_log_text(object_id, 64),
        person_id=person_id,
        area_id=area_id,
        purpose=clean_log_text(purpose),
        outside_caseload=outside_caseload,
        ip_address=client_address(request) if request is not None else client_ip,
        path=clean_log_text(request.path if request is not None else path, 300),
    )


def access_log_record_many(
    *, action: str, request, objects, purpose: str, outside_ids=frozenset()
) -> int:
    """One entry per object shown in a list or search result (one INSERT for all of them).
    `outside_ids` are the person ids shown although they are outside the user's caseload."""
    user = request.user if request.user.is_authenticated else None
    now = timezone.now()
    ip = client_address(request)
    path = clean_log_text(request.path, 300)
    entries = []
    for obj in objects:
        person_id, area_id = obj.audit_subject()
        entries.append(
            AccessLog(
                occurred_at=now,
                user=user,
                username=clean_log_text(user.get_username() if user else "", 150),
                action=action,
                object_type=obj._meta.model_name,
                object_id=str(obj.pk),
                person_id=person_id,
                area_id=area_id,
                purpose=clean_log_text(purpose),
                outside_caseload=person_id in outside_ids,
                ip_address=ip,
                path=path,
            )
        )
    AccessLog.objects.bulk_create(entries)
    return len(entries)


def access_log_record_subjects(
    *,
    action: str,
    subjects,
    request=None,
    user=None,
    username: str = "",
    client_ip: str | None = None,
    path: str = "",
    outside_ids=frozenset(),
) -> int:
    """One entry per subject in one INSERT, for writes of many records at once (the imports).
    `subjects` yields (object_type, object_id, person_id, area_id, purpose); without a request
    (the command line) `username` says who ran it. `outside_ids` are the person ids reached
    although they are outside the user's caseload (an export with a stated reason)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    now = timezone.now()
    ip = client_address(request) if request is not None else client_ip
    path = clean_log_text(request.path if request is not None else path, 300)
    name = clean_log_text(username or (user.get_username() if user else ""), 150)
    entries = [
        AccessLog(
            occurred_at=now,
            user=user,
            username=name,
            action=action,
            object_type=clean_log_text(object_type, 50),
            object_id=clean_log_text(object_id, 64),
            person_id=person_id,
            area_id=area_id,
            purpose=clean_log_text(purpose),
            outside_caseload=person_id in outside_ids,
            ip_address=ip,
            path=path,
        )
        for object_type, object_id, person_id, area_id, purpose in subjects
    ]
    AccessLog.objects.bulk_create(entries)
    return len(entries)
