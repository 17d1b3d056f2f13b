"""Login lock-out per account and, at a much higher threshold, per address (SPEC §7).

django-axes counts failures per user name and per address (AXES_LOCKOUT_PARAMETERS) but holds
both against one limit. Five failures are right for an account: they lock it whichever
addresses the guesses come from. Five are wrong for an address: an office reaches the service
through one shared address, and five colleagues each mistyping once in a quarter of an hour
would lock the whole office out. An address is therefore locked only once it has gathered
LOGIN_ADDRESS_FAILURE_LIMIT failures within the cool-off time, across any user names, which
still stops one machine guessing its way through many accounts."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures that count against the account limit: the account's own, or the full
        limit once the address has reached its own threshold (axes compares the result with
        AXES_FAILURE_LIMIT, both before a login is tried and after it fails)."""
        counts = {}
        parameters = get_lockout_parameters(request, credentials)
        attempts_per_parameter = self.get_user_attempts(request, credentials)
        for parameter, attempts in zip(parameters, attempts_per_parameter, strict=True):
            total = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            counts[parameter if isinstance(parameter, str) else tuple(parameter)] = total
        account = counts.get("username", 0)
        if counts.get("ip_address", 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(account, get_failure_limit(request, credentials))
        return account
