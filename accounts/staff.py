"""Offboarding and support of staff accounts by an administrator (SPEC §7; docs/ORGANISATION.md):
deactivating an account, a password reset link, clearing a lock-out. Each is a service the admin's
actions call, and each writes the access log (who, when, whose account), against the area of the
account so its coordinator sees it.

Deactivating stops the account at once: Django's ModelBackend (and single sign-on's backend,
accounts.oidc) answer no user for an inactive account, so each of its sessions is anonymous at its
next request; the API refuses its tokens (accounts.tokens), which are also revoked here, so
reactivating the account later does not bring old keys back."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.models import AccessLog
from audit.services import access_log_record

from .models import Area
from .scoping import first_area_id
from .tokens import api_token_revoke


def _area_of(user) -> int | None:
    """The account's area for the log: as for any entry about a user (first_area_id), or, for
    an account that is no longer active and so has no scope, its profile's first area."""
    return first_area_id(user) or (
        Area.objects.filter(staff__user=user).order_by("pk").values_list("pk", flat=True).first()
    )


def _record(*, user, by, request, purpose: str) -> None:
    access_log_record(
        action=AccessLog.Action.UPDATE,
        request=request,
        user=by,
        object_type="user",
        object_id=user.pk,
        area_id=_area_of(user),
        # Stored in Swedish whatever the administrator's language, like every log purpose.
        purpose=purpose,
    )


@transaction.atomic
def staff_deactivate(*, user, by, request=None) -> int:
    """Make `user` inactive and revoke their API tokens; returns the number of tokens revoked.
    Staff imports never do this: leaving is an explicit act."""
    # The tokens first, while the account still has its areas: their log entries go to them.
    revoked = sum(
        api_token_revoke(token=token, revoked_by=by, request=request)
        for token in user.api_tokens.filter(revoked_at__isnull=True)
    )
    user.is_active = False
    user.save(update_fields=["is_active"])
    _record(
        user=user,
        by=by,
        request=request,
        purpose=(
            f"konto avaktiverat för {user.get_username()}: inloggningar upphör, "
            f"{revoked} API-nycklar återkallade"
        ),
    )
    return revoked


def staff_reactivated_record(*, user, by, request=None) -> None:
    """Log that the admin's form made `user` active again."""
    _record(user=user, by=by, request=request, purpose=f"konto aktiverat igen för {user}")


@transaction.atomic
def password_reset_link(*, user, by, request=None) -> str:
    """A one-time link (path) on which `user` chooses a new password under the password rules
    (AUTH_PASSWORD_VALIDATORS). The old password stops working now, and so do the account's
    sessions (Django ties a session to the password). The link holds Django's reset token: it
    lapses when the password is set, at the account's next login, or after
    PASSWORD_RESET_TIMEOUT. Nothing of it is stored or logged."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _record(
        user=user,
        by=by,
        request=request,
        purpose=(
            f"lösenord återställt av administratör för {user.get_username()}: det gamla "
            "gäller inte längre, länk för nytt lösenord skapad"
        ),
    )
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def lockout_clear(*, user, by, request=None) -> int:
    """Remove the failed logins recorded against `user`'s user name (django-axes,
    accounts.lockout), so the account can log in again before the cool-off ends. An address
    locked for failures across many user names stays locked. Returns the records removed."""
    removed = axes_reset(username=user.get_username())
    _record(
        user=user,
        by=by,
        request=request,
        purpose=(
            f"utelåsning hävd för {user.get_username()} av administratör "
            f"({removed} poster om misslyckade inloggningar borttagna)"
        ),
    )
    return removed
