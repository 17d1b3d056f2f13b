"""Logging a test client in as a complete, two-factor login (SPEC §7, ADR 0015).

`client.force_login` gives the password half only: every page would answer with a redirect to
the code page. These tests are about what comes after, so the client also gets what the code page
gives: the user's authenticator app, verified in this session, and the session's clocks started."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import mark_second_factor
from accounts.middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT

TEST_DEVICE_NAME = "Testapp"


class _SessionHolder:
    """What `mark_second_factor` needs of a request: its session."""

    def __init__(self, session):
        self.session = session


def give_second_factor(client, user) -> TOTPDevice:
    """Mark the client's (already logged-in) session as verified by `user`'s app."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    mark_second_factor(_SessionHolder(session), "totp")
    # The code page is a request of the logged-in user: it starts the session's clocks
    # (accounts.middleware.SessionLifetimeMiddleware).
    session[SESSION_LOGIN_AT] = session[SESSION_SEEN_AT] = time.time()
    session.save()
    return device


def force_login_two_factor(client, user):
    """`client.force_login(user)` plus the second factor; returns the client."""
    client.force_login(user)
    give_second_factor(client, user)
    return client
