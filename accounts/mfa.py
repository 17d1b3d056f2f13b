"""The second factor of a login (SPEC §7, ADR 0015): whether this session has given one, and how.

A session counts as two-factor once one of these has happened after the password (or the
identity provider's login): a TOTP code, a one-time recovery code, or an identity provider whose
authentication-strength claim (`acr`/`amr`) the settings accept. Until then
`accounts.middleware.SecondFactorRequiredMiddleware` sends every page to the code page, and
`SecondFactorSessionAuthentication` refuses every API call made with the session. API tokens
(`accounts.tokens`) are machine credentials issued by an administrator and are not affected.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

SESSION_SECOND_FACTOR = "second_factor"

# Methods proven by one of the user's django-otp devices. The session also holds that device
# (django_otp.login), and counts only while the device exists: an administrator's reset of a lost
# phone ends the sessions it opened. An identity provider's login ("sso") has no device here.
DEVICE_METHODS = frozenset({"totp", "recovery"})


def mark_second_factor(request, method: str) -> None:
    """Record in the session that the login is two-factor; `method` is "totp", "recovery" or
    "sso"."""
    request.session[SESSION_SECOND_FACTOR] = method


def has_second_factor(request) -> bool:
    session = getattr(request, "session", None)
    method = session.get(SESSION_SECOND_FACTOR) if session is not None else None
    if not method:
        return False
    if method in DEVICE_METHODS:
        # django_otp.middleware.OTPMiddleware sets is_verified(); without it, nothing counts.
        is_verified = getattr(getattr(request, "user", None), "is_verified", None)
        return bool(is_verified is not None and is_verified())
    return True


def second_factor_not_required(view_func):
    """Marks a view a half-logged-in user (password given, code not yet) may open: the code and
    enrolment pages and logging out. Views for anonymous visitors (`login_not_required`) are
    open to them anyway; nothing else may be, since every other page can show personal data."""
    view_func.second_factor_required = False
    return view_func


class SecondFactorSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, refusing a session whose login lacks the second factor.

    Enforced here rather than in a middleware because only DRF knows which credential a call
    uses: a call carrying a token is the token's (the first authentication class), one carrying
    another Authorization scheme falls through to the session and must still be refused."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not has_second_factor(request._request):
            raise exceptions.AuthenticationFailed(
                _(
                    "Inloggningen är inte klar: ange koden från autentiseringsappen "
                    "i webbläsaren först."
                )
            )
        return result


class SecondFactorSessionScheme(SessionScheme):
    """The session in the OpenAPI schema, as drf-spectacular describes Django's session."""

    target_class = "accounts.mfa.SecondFactorSessionAuthentication"
