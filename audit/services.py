"""Writing to the access log. Every view, export, search or change of personal data calls
`access_log_record` (directly or through cases.access / samverkan.api)."""

from __future__ import annotations

from django.utils import timezone

from .logfilters import mask_personnummer
from .models import AccessLog


def _client_ip(request) -> str | None:
    if request is None:
        return None
    try:
        from ipware import get_client_ip

        ip, _routable = get_client_ip(request)
    except Exception:  # a malformed header must never stop the request
        ip = None
    return ip or request.META.get("REMOTE_ADDR") or None


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
) -> AccessLog:
    """Append one entry. `obj` may provide `audit_subject()` -> (person_id, area_id)."""
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
    return AccessLog.objects.create(
        occurred_at=timezone.now(),
        user=user,
        username=mask_personnummer(username or (user.get_username() if user else ""))[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        person_id=person_id,
        area_id=area_id,
        purpose=mask_personnummer(purpose),
        outside_caseload=outside_caseload,
        ip_address=_client_ip(request),
        path=(request.path[:300] if request is not None else ""),
    )
