"""The second factor of a login (SPEC §7): whether this session has given one, and how.

A session counts as two-factor once one of these has happened after the password (or the
identity provider's login): a TOTP code, a one-time recovery code, or an identity provider whose
authentication-strength claim (`acr`/`amr`) the settings accept. The middleware that holds back
every page and session-authenticated API call until then reads `has_second_factor`.
"""

from __future__ import annotations

SESSION_SECOND_FACTOR = "second_factor"


def mark_second_factor(request, method: str) -> None:
    """Record in the session that the login is two-factor; `method` is "totp", "recovery" or
    "sso"."""
    request.session[SESSION_SECOND_FACTOR] = method


def has_second_factor(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_SECOND_FACTOR))
