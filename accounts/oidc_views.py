"""The two addresses of single sign-on (accounts.oidc): the start, which sends the browser to
the provider, and the callback, where the provider sends it back. Both answer 404 while single
sign-on is off, and every way a login can fail ends on the login page with a Swedish message."""

import logging

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .mfa import mark_second_factor
from .oidc import (
    UNTRUSTED_NAME,
    ProviderUnavailable,
    SSORefused,
    oidc_setting,
    provider_name,
)

logger = logging.getLogger(__name__)

# What django-axes knows of a login through the provider before the provider has answered: no
# user name. Its lock-out then follows the address alone, since no failure is ever recorded
# under the empty name (accounts.oidc.UNTRUSTED_NAME).
LOCKOUT_CHECK = {"username": ""}


def _require_enabled():
    if not settings.OIDC_ENABLED:
        raise Http404


def _back_to_login(request, reason: str):
    name = provider_name()
    if reason == SSORefused.ACCOUNT:
        text = _(
            "Inloggningen via %(name)s gick inte igenom: det finns inget aktivt personalkonto "
            "i Samverkan som hör till din inloggning. Kontakta den som administrerar Samverkan "
            "hos din myndighet."
        )
    elif reason == SSORefused.UNAVAILABLE:
        text = _(
            "Inloggning via %(name)s går inte just nu. Försök igen senare eller logga in med "
            "användarnamn och lösenord."
        )
    elif reason == SSORefused.TOKEN:
        text = _(
            "Inloggningen via %(name)s kunde inte bekräftas och gick inte igenom. Försök igen."
        )
    else:
        text = _("Inloggningen via %(name)s avbröts eller gick inte igenom. Försök igen.")
    messages.error(request, text % {"name": name})
    return redirect("accounts:login")


class SSOAuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's login, with a fresh state, nonce and PKCE challenge
    kept in the session."""

    def __init__(self, **kwargs):
        # The library looks up the provider's address while the view is built, where a provider
        # that does not answer could only be a server error; it is looked up in `get` instead.
        View.__init__(self, **kwargs)

    def get(self, request):
        _require_enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as exc:
            logger.warning("Single sign-on unavailable: %s", exc)
            return _back_to_login(request, SSORefused.UNAVAILABLE)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SSOCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: the library checks the state and exchanges
    the code (accounts.oidc.StaffOIDCBackend checks the answer); a login that the provider's
    `acr`/`amr` shows to be strong counts as two-factor."""

    def get(self, request):
        _require_enabled()
        if request.GET.get("error"):
            # The provider's refusal (the person cancelled, say). The library would also log out
            # whoever is logged in, on a GET any other site can cause; logging out is a POST here.
            states = request.session.get("oidc_states")
            if isinstance(states, dict) and states.pop(request.GET.get("state"), None):
                request.session.modified = True
            return self.login_failure()
        if "code" in request.GET and not AxesProxyHandler.is_allowed(request, LOCKOUT_CHECK):
            # An address locked by django-axes gets the lock-out page, as the password form
            # does. Checked here, before Django's authenticate: a refusal by axes in there
            # would be recorded as a failure without a user name (accounts.oidc.UNTRUSTED_NAME).
            user_locked_out.send(
                "axes",
                request=request,
                username=UNTRUSTED_NAME,
                ip_address=request.axes_ip_address,
            )
            return get_lockout_response(request, None, LOCKOUT_CHECK)
        try:
            return super().get(request)
        except SSORefused as refusal:
            if refusal.is_failed_login:
                # Logged and counted as the password login's failures are (accounts.signals,
                # django-axes), under the claimed name where the provider's answer was genuine.
                user_login_failed.send(
                    sender=__name__, credentials={"username": refusal.username}, request=request
                )
            return _back_to_login(request, refusal.reason)
        except SuspiciousOperation as exc:
            # A state this session never sent: an old tab, or a callback forged elsewhere. No
            # code was exchanged, so it is not a failed login of anyone.
            logger.warning("Single sign-on callback refused: %s", exc)
            return _back_to_login(request, SSORefused.TOKEN)

    def login_failure(self):
        return _back_to_login(self.request, "")

    def login_success(self):
        response = super().login_success()
        if getattr(self.request, "sso_second_factor", False):
            mark_second_factor(self.request, "sso")
        return response
