"""Two-factor login (SPEC §7, ADR 0015): enrolling an authenticator app, checking a code, and an
administrator's reset of a lost device.

The devices are django-otp's: one `TOTPDevice` (the authenticator app) and one `StaticDevice`
holding the one-time recovery codes. django-otp keeps the replay guard (a TOTP code is accepted
once) and the per-device back-off after wrong codes (1, 2, 4, 8 … seconds); every refused code
also counts as a failed login for django-axes, which locks the user name and the address after
five (the same limit as for passwords). Each step writes the access log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessLog
from audit.services import access_log_record

from .scoping import first_area_id

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"
# What a user may type around a code: spaces and the dash shown inside recovery codes.
_SEPARATORS = re.compile(r"[\s-]+")
_TOTP_CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of one typed code: the device that accepted it and how ("totp" or
    "recovery"), or why it was refused (`wait_until` when the device's back-off is running)."""

    device: object | None = None
    method: str = ""
    wait_until: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.device is not None


def normalise_code(code: str) -> str:
    return _SEPARATORS.sub("", str(code or "")).lower()


def app_device_of(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, or None: then the user enrols one."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


# The session's own enrolment: the unconfirmed device whose secret this session's page shows.
SESSION_ENROLMENT_DEVICE = "second_factor_enrolment_device"


def enrolment_device(user, session) -> TOTPDevice:
    """The unconfirmed device an enrolment page shows. It belongs to this session alone:
    reloading the page keeps its secret, so an app that already scanned the code still matches,
    but another session of the same user (someone else who knows the password) gets a secret of
    its own, and confirming one device removes every other."""
    device_id = session.get(SESSION_ENROLMENT_DEVICE)
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False).filter(pk=device_id).first()
        if device_id
        else None
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
        session[SESSION_ENROLMENT_DEVICE] = device.pk
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG data URI drawn here: the secret never
    leaves the server for a QR service, and the page needs no script (CSP: img-src data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(
        scale=5, border=4, dark="#000", light="#fff"
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an app that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


@transaction.atomic
def second_factor_enrol(*, device: TOTPDevice, code: str, request) -> list[str] | None:
    """Confirm `device` with a code from the app. Returns the new recovery codes (shown once, then
    only their use is possible), or None when the code is wrong. Any older device of the user goes:
    one app and one set of recovery codes at a time."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_is_allowed()[0]:
        return None
    if not device.verify_token(normalise_code(code)):
        return None
    user = device.user
    for other in devices_for_user(user, confirmed=None):
        if not (isinstance(other, TOTPDevice) and other.pk == device.pk):
            other.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    access_log_record(
        action=AccessLog.Action.SECOND_FACTOR,
        request=request,
        user=user,
        purpose=(
            "tvåstegsinloggning aktiverad med autentiseringsapp; "
            f"{RECOVERY_CODE_COUNT} reservkoder skapade"
        ),
    )
    return [format_recovery_code(c) for c in codes]


def second_factor_check(*, user, code: str, request) -> CodeCheck:
    """Check a code typed at login: six digits are the app's code, anything else a recovery
    code (used up by a successful check). Writes the access log either way."""
    code = normalise_code(code)
    if _TOTP_CODE.fullmatch(code):
        method, model = "totp", TOTPDevice
    else:
        method, model = "recovery", StaticDevice
    result = CodeCheck()
    with transaction.atomic():
        device = (
            model.objects.devices_for_user(user, confirmed=True)
            .select_for_update()
            .order_by("pk")
            .first()
        )
        if device is not None:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                result = CodeCheck(wait_until=(details or {}).get("locked_until"))
            elif code and device.verify_token(code):
                result = CodeCheck(device=device, method=method)
    if result.accepted:
        purpose = (
            "kod från autentiseringsappen"
            if method == "totp"
            else f"reservkod använd; {device.token_set.count()} kvar"
        )
    else:
        purpose = "fel kod" if result.wait_until is None else "kod under spärrtid efter fel koder"
    access_log_record(
        action=(
            AccessLog.Action.SECOND_FACTOR
            if result.accepted
            else AccessLog.Action.SECOND_FACTOR_FAILED
        ),
        request=request,
        user=user,
        purpose=purpose,
    )
    return result


@transaction.atomic
def second_factor_reset(*, user, reset_by, request=None) -> int:
    """Remove all of `user`'s devices (a lost or replaced phone): the next login enrols a new app,
    and sessions that the removed devices verified lose their second factor (accounts.mfa).
    Returns how many devices went."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    access_log_record(
        action=AccessLog.Action.SECOND_FACTOR_RESET,
        request=request,
        user=reset_by,
        object_type="user",
        object_id=user.pk,
        area_id=first_area_id(user),
        # Stored in Swedish whatever the administrator's language, like every log purpose.
        purpose=(
            f"tvåstegsinloggningen för {user.get_username()} återställd ({removed} enheter "
            "borttagna); ny autentiseringsapp aktiveras vid nästa inloggning"
        ),
    )
    return removed
