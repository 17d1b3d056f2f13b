"""Rate limits on the API and on person search (SPEC §7).

The API is limited per caller: a browser session counts against its user, a machine client
against its API token, so one busy integration does not use up the budget of the officer who
owns it, and a leaked token is slowed on its own. Person search has its own, much lower limit per
user on top, because a run of short name searches lists the people of a whole area.

Rates live in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (settings.base, from the environment) and
are read on every request, so a changed setting applies at once. A rate is `N/period`, where the
period is DRF's s, m, h or d, optionally with a count: `30/10m` is 30 per ten minutes. The counts
live in the default cache, which is shared by every web process in production (Redis)."""

from __future__ import annotations

import logging
import math
import re

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

_RATE = re.compile(r"(\d+)/(\d*)([smhd])[a-z]*")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`30/10m` -> (30, 600); DRF's own forms (`100/min`, `5/s`) as DRF reads them."""
    match = _RATE.fullmatch(str(rate).strip())
    if not match:
        raise ImproperlyConfigured(f"Ogiltig gräns {rate!r}: skriv t.ex. 30/10m eller 600/h.")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _SECONDS[unit]


class _ConfiguredRateThrottle(SimpleRateThrottle):
    """A throttle whose rate is looked up when it is used (DRF copies the rates once, at import,
    so an overridden or reloaded setting would otherwise not apply)."""

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"Ingen gräns satt för {self.scope!r}.") from None

    def parse_rate(self, rate):
        if rate is None:
            return None, None
        return parse_rate(rate)

    def allow_request(self, request, view):
        # The counters are a guard, not the data: while the cache (Redis) is out of reach the
        # request goes through, as pages and the API keep working without Redis, and the
        # outage is logged. Refusing every call would turn a Redis outage into a full one.
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            logger.warning("rate limit %s not counted, cache unreachable: %s", self.scope, exc)
            return True


def _api_token(request):
    """The ApiToken the request was authenticated with, or None (a browser session)."""
    # Imported here: DRF loads the throttle classes while its views module is imported, which
    # may happen before the models are ready.
    from accounts.models import ApiToken

    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class UserRateThrottle(_ConfiguredRateThrottle):
    """Requests with a browser session, counted per user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated or _api_token(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenRateThrottle(_ConfiguredRateThrottle):
    """Requests with an API token, counted per token."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = _api_token(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class PersonSearchThrottle(_ConfiguredRateThrottle):
    """Person searches per user, whatever the channel (the search page is a plain Django view:
    `allow_request(request, None)` needs only `request.user`)."""

    scope = "person_search"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


def wait_seconds(throttle: SimpleRateThrottle) -> int:
    """Whole seconds until the throttle lets the next request through (at least one)."""
    return max(1, math.ceil(throttle.wait() or 1))


def throttled_message(wait: int | float | None) -> str:
    """The API's answer to a throttled request, in the UI language (source Swedish)."""
    seconds = max(1, math.ceil(wait or 1))
    return ngettext(
        "För många anrop på kort tid. Försök igen om %(seconds)d sekund.",
        "För många anrop på kort tid. Försök igen om %(seconds)d sekunder.",
        seconds,
    ) % {"seconds": seconds}


def person_search_refusal(wait: int) -> str:
    """What the search page says once the user has searched too often."""
    count, period = parse_rate(api_settings.DEFAULT_THROTTLE_RATES[PersonSearchThrottle.scope])
    minutes = max(1, math.ceil(wait / 60))
    return _(
        "Du har gjort många sökningar på kort tid (högst %(count)d på %(period)d minuter). "
        "Av säkerhetsskäl kan du söka igen om %(minutes)d min."
    ) % {"count": count, "period": max(1, period // 60), "minutes": minutes}


def document_rate_limits(result, generator, request, public):
    """drf-spectacular hook: every operation documents the 429 a caller gets past its rate."""
    answer = {
        "description": "För många anrop på kort tid; försök igen när Retry-After har gått.",
        "headers": {
            "Retry-After": {
                "description": "Sekunder tills nästa anrop tas emot.",
                "schema": {"type": "integer"},
            }
        },
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}},
                    "required": ["detail"],
                },
                "example": {"detail": "För många anrop på kort tid. Försök igen om 42 sekunder."},
            }
        },
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("429", answer)
    return result
