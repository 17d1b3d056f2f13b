"""Single sign-on through the agency's OpenID Connect provider (SPEC §7, ADR 0017).

Off unless `settings.OIDC_ENABLED`. The provider says who someone is; the product alone decides
what they may do: a login is matched by one claim to an existing, active staff account, and no
account, role or area is ever created or changed from the provider's claims.

mozilla-django-oidc runs the code flow: state, nonce and PKCE, the token exchange and the ID
token's signature against the provider's published keys. This module adds what that library
leaves to its user: the endpoints from the issuer's discovery document, the ID token's issuer and
audience, the userinfo answer's subject, refusal with a reason, and whether the provider's
authentication strength (`acr`/`amr`) counts as the login's second factor (accounts.mfa).
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from audit.logfilters import mask_personnummer

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
# The library's setting for each endpoint, and the discovery document's key for it.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
# Without these there is no login; the userinfo endpoint is optional (the ID token's claims).
REQUIRED_ENDPOINTS = (
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
MATCH_FIELDS = ("username", "email")


class ProviderUnavailable(Exception):
    """The provider could not be reached, or does not answer as configured."""


# The user name a refused login is logged and counted under when the provider's answer names
# nobody that can be trusted. Never empty: django-axes holds every login without a user name
# (each login through the provider, before the provider answers) to the failures recorded under
# the empty name, so failures recorded there would lock single sign-on for everyone. No account
# can have this name (brackets are not allowed in user names).
UNTRUSTED_NAME = "[okänd via SSO]"


class SSORefused(Exception):
    """A login through the provider that the product refuses. `username` is the claimed
    account name, masked, or UNTRUSTED_NAME where the provider's answer named nobody that can
    be trusted."""

    TOKEN = "token"  # the answer failed a check: signature, issuer, audience, nonce, expiry
    ACCOUNT = "account"  # no single active staff account matches the claim
    UNAVAILABLE = "unavailable"  # the provider did not answer; not the person's failure

    def __init__(self, reason: str, *, username: str = UNTRUSTED_NAME):
        super().__init__(reason)
        self.reason = reason
        self.username = username or UNTRUSTED_NAME

    @property
    def is_failed_login(self) -> bool:
        return self.reason != self.UNAVAILABLE


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME or _("myndighetens inloggningstjänst")


def _require_secure(url: str) -> str:
    # Tokens and the client secret travel to these addresses; plain http only for the test
    # suite's local stub provider.
    if urlsplit(url).scheme != "https" and not settings.OIDC_ALLOW_HTTP:
        raise ProviderUnavailable(f"not an https address: {url}")
    return url


def _discovery() -> dict:
    issuer = settings.OIDC_ISSUER
    key = "oidc-discovery:" + hashlib.sha256(issuer.encode()).hexdigest()
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(
            _require_secure(issuer.rstrip("/") + DISCOVERY_PATH),
            timeout=settings.OIDC_TIMEOUT,
            verify=import_from_settings("OIDC_VERIFY_SSL", True),
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery failed: {exc}") from exc
    # OpenID Connect Discovery §4.3: a document naming another issuer must not be used.
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise ProviderUnavailable("the discovery document names another issuer")
    cache.set(key, document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return document


def provider_endpoints() -> dict[str, str]:
    """The provider's endpoints: those set explicitly, the rest from its discovery document."""
    endpoints = {name: getattr(settings, name, "") for name in ENDPOINTS}
    if not all(endpoints[name] for name in REQUIRED_ENDPOINTS):
        document = _discovery()
        for name, key in ENDPOINTS.items():
            endpoints[name] = endpoints[name] or str(document.get(key) or "")
    for name in REQUIRED_ENDPOINTS:
        if not endpoints[name]:
            raise ProviderUnavailable(f"the provider has no {ENDPOINTS[name]}")
    return {name: _require_secure(url) if url else "" for name, url in endpoints.items()}


def oidc_setting(attr: str, *default):
    """The library's settings, with the endpoints looked up as `provider_endpoints` says."""
    if attr in ENDPOINTS:
        return provider_endpoints()[attr]
    return import_from_settings(attr, *default)


def strong_authentication(id_token_claims: dict) -> bool:
    """Whether the provider's login counts as two-factor: its `acr` is one the settings accept,
    or its `amr` holds an accepted method. Read from the signed ID token only."""
    acr = id_token_claims.get("acr")
    if isinstance(acr, str) and acr in settings.OIDC_ACCEPTED_ACR:
        return True
    amr = id_token_claims.get("amr")
    methods = {amr} if isinstance(amr, str) else set(amr) if isinstance(amr, list) else set()
    return bool({m for m in methods if isinstance(m, str)} & set(settings.OIDC_ACCEPTED_AMR))


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Logs in an existing, active staff member whom the provider has identified."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every password login too: the provider is looked up
        # only when a login comes back from it (`authenticate`), never here.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback's call is this backend's: it passes the nonce it kept in the
        # session. A password login (user name and password) is ModelBackend's.
        if request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        if not settings.OIDC_ENABLED:
            return None
        try:
            super().__init__()  # reads the client settings and the endpoints (get_settings)
            user = super().authenticate(request, **kwargs)
        except SSORefused:
            raise
        except (
            ProviderUnavailable,
            ImproperlyConfigured,
            requests.ConnectionError,
            requests.Timeout,
        ) as exc:
            logger.warning("Single sign-on unavailable: %s", exc)
            raise SSORefused(SSORefused.UNAVAILABLE) from exc
        except (
            SuspiciousOperation,
            requests.RequestException,
            jwt.PyJWTError,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            logger.warning("Single sign-on refused: %s: %s", type(exc).__name__, exc)
            raise SSORefused(SSORefused.TOKEN) from exc
        if user is None:
            # The library's quiet refusals (no code, an empty answer): refused here with a
            # reason, so that Django never records a failure without a user name (UNTRUSTED_NAME).
            raise SSORefused(SSORefused.TOKEN)
        return user

    def verify_token(self, token, **kwargs):
        """The library checks the signature, the algorithm, the expiry and the nonce; the issuer
        and the audience are checked here (OpenID Connect Core §3.1.3.7)."""
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("the token's issuer is not the configured provider")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        client_id = settings.OIDC_RP_CLIENT_ID
        if not isinstance(audiences, list) or client_id not in audiences:
            raise SuspiciousOperation("the token was not issued to this client")
        if len(audiences) > 1 and payload.get("azp") != client_id:
            raise SuspiciousOperation("the token's authorised party is another client")
        # The library passes the nonce for the ID token only; a signed userinfo answer need not
        # carry an expiry.
        if "nonce" in kwargs and not (payload.get("exp") and payload.get("sub")):
            raise SuspiciousOperation("the ID token has no expiry or no subject")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo answer over the ID token's claims; without a userinfo endpoint, the ID
        token's claims alone."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict):
            raise SuspiciousOperation("the userinfo answer is not an object")
        # OpenID Connect Core §5.3.4: an answer about another subject must not be used.
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("the userinfo answer is about another subject")
        return {**payload, **userinfo}

    def filter_users_by_claims(self, claims):
        field = settings.OIDC_USERNAME_FIELD
        if field not in MATCH_FIELDS:
            raise ImproperlyConfigured(f"OIDC_USERNAME_FIELD must be one of {MATCH_FIELDS}")
        value = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not isinstance(value, str) or not value.strip():
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(**{f"{field}__iexact": value.strip()})

    def get_or_create_user(self, access_token, id_token, payload):
        """The one staff account the claim names, or a refusal. Never creates a user and never
        copies claims onto one: accounts, roles and areas are managed in the product."""
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except SuspiciousOperation as exc:
            # The library would swallow this here and let the login fail without a reason.
            logger.warning("Single sign-on refused: %s", exc)
            raise SSORefused(SSORefused.TOKEN) from exc
        claimed = claims.get(settings.OIDC_USERNAME_CLAIM)
        name = mask_personnummer(claimed.strip())[:150] if isinstance(claimed, str) else ""
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) != 1:
            why = "no account" if not users else "more than one account"
            logger.warning("Single sign-on refused for %r: %s matches the claim", name, why)
            raise SSORefused(SSORefused.ACCOUNT, username=name)
        user = users[0]
        if not self.user_can_authenticate(user):
            logger.warning("Single sign-on refused for %r: the account is inactive", name)
            raise SSORefused(SSORefused.ACCOUNT, username=name)
        if not hasattr(user, "staff_profile"):
            logger.warning("Single sign-on refused for %r: the account has no staff profile", name)
            raise SSORefused(SSORefused.ACCOUNT, username=name)
        # Read by the callback view once the login is made (oidc_views.SSOCallbackView).
        self.request.sso_second_factor = strong_authentication(payload)
        return user

    def get_user(self, user_id):
        # As ModelBackend: a session of an account made inactive since ends at its next request
        # (the library's own get_user would keep it).
        return ModelBackend.get_user(self, user_id)
