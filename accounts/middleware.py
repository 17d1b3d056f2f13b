import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import has_second_factor

SESSION_LOGIN_AT = "login_at"
SESSION_SEEN_AT = "seen_at"
API_PREFIX = "/api/"


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after login whatever the activity (SPEC §7), and renews the
    30-minute idle limit (the stored session's expiry, settings.SESSION_COOKIE_AGE) on activity:
    at most once per SESSION_RENEW_SECONDS, so that a busy officer's every click is not a write
    to the session table. The session thus ends between 30 minutes less that interval and 30
    minutes after the last request, never later."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            started = request.session.get(SESSION_LOGIN_AT)
            if started is None:
                request.session[SESSION_LOGIN_AT] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if not request.path.startswith(API_PREFIX):
                    messages.info(request, _("Du har varit inloggad i tolv timmar. Logga in igen."))
                    return redirect_to_login(request.get_full_path())
            if now - request.session.get(SESSION_SEEN_AT, 0) >= settings.SESSION_RENEW_SECONDS:
                # Setting the key marks the session modified: saved, with a fresh expiry.
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login required everywhere but the login page (SPEC §7). The API answers 401/403 itself
    (it also takes machine clients' tokens), so it is left to DRF's IsAuthenticated."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecondFactorRequiredMiddleware:
    """Until the login has its second factor (SPEC §7, ADR 0015), every page answers with a
    redirect to the code page (or, for a user without an authenticator app, to enrolment).

    Open are only the views for anonymous visitors (`login_not_required`: the login page, the
    language switch) and those marked `second_factor_not_required` (the code and enrolment pages,
    logging out). The Django admin is a page like any other here. The API is held back by
    `accounts.mfa.SecondFactorSessionAuthentication`, which alone knows whether a call uses the
    session or a token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(API_PREFIX):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or has_second_factor(request):
            return None
        if not getattr(view_func, "login_required", True):
            return None
        if not getattr(view_func, "second_factor_required", True):
            return None
        return redirect_to_login(
            request.get_full_path(), login_url=reverse("accounts:second_factor")
        )
