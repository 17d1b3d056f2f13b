"""API tokens for machine clients (SPEC §6, issue 6 point 2, ADR 0012).

A token is `Authorization: Token <secret>`. The secret's first eight characters are its prefix,
stored in clear for lookup and display; the rest of the secret exists only with the client, the
database holds its SHA-256 digest. The secret carries 256 random bits, so a fast hash is enough (a
slow password hash protects guessable secrets, which these are not) and every request stays cheap.

Creation and revocation go through `api_token_create` / `api_token_revoke`, which write the access
log; the admin and `manage.py api_token` only call them."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from audit.models import AccessLog
from audit.services import access_log_record

from .models import ApiToken, StaffProfile
from .scoping import first_area_id

PREFIX_LENGTH = 8
# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything else is refused before it
# reaches the database (a NUL byte in a query would be a server error, not a 401).
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{40,64}")
# last_used_at is written at most once a minute per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _area_of(user) -> int | None:
    """The token holder's area, so the access log entry reaches that area's coordinator."""
    return first_area_id(user)


@transaction.atomic
def api_token_create(
    *, user, name: str, expires_at=None, created_by=None, request=None, actor_name: str = ""
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the secret, which is never stored or shown again."""
    if not user.is_active:
        raise ValidationError({"user": _("Användaren är inaktiv.")})
    while True:
        secret = secrets.token_urlsafe(32)
        if secret.startswith("-"):
            # `api_token revoke PREFIX` would read a leading "-" as an option (1 in 64).
            continue
        if not ApiToken.objects.filter(prefix=secret[:PREFIX_LENGTH]).exists():
            break
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        digest=token_digest(secret),
        expires_at=expires_at,
        created_by=created_by,
    )
    token.full_clean()
    token.save()
    access_log_record(
        action=AccessLog.Action.CREATE,
        request=request,
        user=created_by,
        username=actor_name,
        obj=token,
        area_id=_area_of(user),
        purpose=f"API-nyckel {token.prefix} ({name}) skapad för {user.get_username()}",
    )
    return token, secret


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, revoked_by=None, request=None, actor_name: str = ""
) -> bool:
    """Revoke `token` (kept, not deleted). False if it was already revoked."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.revoked_by = revoked_by
    token.save(update_fields=["revoked_at", "revoked_by"])
    access_log_record(
        action=AccessLog.Action.UPDATE,
        request=request,
        user=revoked_by,
        username=actor_name,
        obj=token,
        area_id=_area_of(token.user),
        purpose=f"API-nyckel {token.prefix} ({token.name}) återkallad",
    )
    return True


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <secret>`. DRF's TokenAuthentication parses the header (and refuses
    malformed ones); the lookup is ours, against the digest. Every refusal is the same 401, so a
    client cannot tell a wrong secret from a revoked or expired one."""

    keyword = "Token"

    def authenticate(self, request):
        # An authenticator instance serves one request (DRF makes new ones per request).
        self._http_request = getattr(request, "_request", request)
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        now = timezone.now()
        token = None
        if SECRET_PATTERN.fullmatch(key):
            token = (
                ApiToken.objects.select_related("user").filter(prefix=key[:PREFIX_LENGTH]).first()
            )
        if token is None or not hmac.compare_digest(token.digest, token_digest(key)):
            self._refuse(key if token else "", "okänd")
        if not token.is_usable(now):
            self._refuse(token.prefix, "återkallad eller utgången")
        user = token.user
        if not user.is_active or not StaffProfile.objects.filter(user=user).exists():
            self._refuse(token.prefix, "användaren inaktiv eller utan personalprofil")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token

    def _refuse(self, key: str, why: str):
        # Logged without the request's user: asking a DRF request for its user here would run
        # authentication again. The secret itself never reaches the log, at most its prefix.
        access_log_record(
            action=AccessLog.Action.LOGIN_FAILED,
            request=getattr(self, "_http_request", None),
            user=AnonymousUser(),
            object_type="apitoken",
            object_id=key[:PREFIX_LENGTH],
            purpose=f"API-nyckel avvisad: {why}",
        )
        raise exceptions.AuthenticationFailed(_("Ogiltig API-nyckel."))


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema, as the `tokenAuth` security scheme."""

    target_class = "accounts.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                "API-nyckel för maskinklienter, skapad av en administratör: "
                "`Authorization: Token <nyckel>`."
            ),
        }
