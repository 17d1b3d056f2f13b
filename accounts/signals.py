"""Every login attempt, lock-out and logout goes to the access log (SPEC §7)."""

import time

from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AccessLog
from audit.services import access_log_record

from .middleware import SESSION_LOGIN_AT


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = time.time()
    # Clear this user name's failures only; the address's failures stay (settings.base).
    axes_reset(username=user.get_username())
    access_log_record(action=AccessLog.Action.LOGIN, request=request, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    if credentials.get("second_factor"):
        return  # a wrong code: logged as such by accounts.two_factor, counted by django-axes
    access_log_record(
        action=AccessLog.Action.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    access_log_record(
        action=AccessLog.Action.LOCKOUT,
        request=request,
        username=str(username or ""),
        purpose="utelåst efter upprepade misslyckade inloggningar "
        f"från {ip_address or 'okänd adress'}",
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        access_log_record(action=AccessLog.Action.LOGOUT, request=request, user=user)
