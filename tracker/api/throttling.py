"""Request rates per token (or session user) and per client address; over the rate: 429 with Retry-After.

The rates are read at each request from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], so a deployment
(or a test) that changes them needs no restart of class attributes.

Each throttle counts requests in fixed windows of the rate's period (a minute for "60/min"): one
counter per client and window, incremented atomically. DRF's own SimpleRateThrottle keeps the time
of every request in the period, and reads and writes that whole list at every request (tens of
kilobytes at 3,600 an hour); a counter costs one round trip to Redis. A client can spend up to twice
its rate across the edge of two windows; Retry-After says when its window ends.

While Redis cannot be reached (restarting, a network fault) requests are let through uncounted, with a
warning in the log: a rate limit is a guard against overuse, and its store being away must not turn every
API answer into a 500. Password guessing stays bounded meanwhile: django-axes counts failed logins in the
database.
"""

import logging
import time

import redis
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


def count_hit(key: str, period: int) -> int:
    """Add one to the counter `key` (which lapses after `period` seconds) and return it."""
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is not None:  # Django's Redis cache: INCR and EXPIRE in one round trip
        name = cache.make_and_validate_key(key)
        pipe = client(name, write=True).pipeline()
        pipe.incr(name)
        pipe.expire(name, period + 1, nx=True)
        return pipe.execute()[0]
    cache.add(key, 0, timeout=period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # lapsed between the two calls
        cache.add(key, 1, timeout=period + 1)
        return 1


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window = int(now // self.duration) * self.duration
        self.wait_seconds = window + self.duration - now
        try:
            return count_hit(f"{key}:{window}", self.duration) <= self.num_requests
        except (redis.ConnectionError, redis.TimeoutError):
            logger.warning("rate counters unreachable; request let through uncounted", extra={"scope": self.scope})
            return True

    def wait(self) -> float:
        return self.wait_seconds


class TokenRateThrottle(_SettingsRateThrottle):
    """Per knox token (each dashboard its own budget), or per user for browser sessions."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        token = getattr(request, "auth", None)
        if token is not None and hasattr(token, "digest"):
            ident = f"token-{token.digest[:32]}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(_SettingsRateThrottle):
    """Per client address, whoever is asking (NUM_PROXIES says how far to trust X-Forwarded-For)."""

    scope = "address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginRateThrottle(AddressRateThrottle):
    """Password attempts per address, far stricter than reads."""

    scope = "login"
