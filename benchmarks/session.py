"""Logged-in clients for the bench: a complete login (password and second factor) made
directly in the session store, as the login pages would leave it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import mark_second_factor
from accounts.models import Agency, Area, Role, StaffProfile

BENCH_ANALYST = "bench.analytiker"


class _Holder:
    def __init__(self, session):
        self.session = session


def logged_in(user, host: str = "127.0.0.1") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Bänkapp", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    mark_second_factor(_Holder(session), "totp")
    session.save()
    return client


def analyst():
    """A national analyst (every area's aggregates), made once in the bench database."""
    user, created = get_user_model().objects.get_or_create(
        username=BENCH_ANALYST, defaults={"first_name": "Bänk", "last_name": "Analytiker"}
    )
    if created:
        role = Role.objects.get(code="analyst")
        profile = StaffProfile.objects.create(
            user=user, role=role, agency=role.agency or Agency.objects.get(code="FK")
        )
        profile.areas.set(Area.objects.all())
    return user
