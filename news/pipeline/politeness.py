"""Per-host politeness: one request at a time per host, a minimum gap between requests, Retry-After honoured.

The state lives in Django's cache, so with Redis (production, CI) it holds across every worker; with
the in-process cache (local development) it holds within one process. `cache.add` is the atomic claim,
and the claim expires by itself, so a worker that dies mid-request cannot block a host for good.
Nothing here sleeps: a busy or deferred host raises HostBusy and the Celery task retries later.

Usage: ``with host_slot(host): result = fetch(url)``; on a 429 or 503 with Retry-After,
``defer_host(host, error.retry_after)``. Hold the slot around the fetch only, not the parsing.
"""

import hashlib
import math
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

_SAFE_HOST = re.compile(r"[a-z0-9._:\[\]-]{1,200}")


class HostBusy(Exception):
    """The host is being fetched by another worker, or must not be asked yet; retry in retry_in seconds."""

    def __init__(self, host: str, retry_in: float) -> None:
        super().__init__(f"{host} must not be asked now; try again in {retry_in:.1f} seconds")
        self.host = host
        self.retry_in = retry_in


def _key(host: str, what: str) -> str:
    name = host.strip().lower().rstrip(".")
    if not _SAFE_HOST.fullmatch(name):  # keep keys short and free of spaces, whatever the caller passes
        name = hashlib.sha256(name.encode()).hexdigest()
    return f"ingest:host:{name}:{what}"


def _timeout(seconds: float) -> int:
    # Whole seconds, at least one: Redis takes integer expiries and 0 would mean "delete now".
    return max(1, math.ceil(seconds))


def _push_not_before(host: str, when: float) -> None:
    key = _key(host, "not-before")
    if when > (cache.get(key) or 0.0):
        cache.set(key, when, timeout=_timeout(when - time.time()) + 1)


@contextmanager
def host_slot(host: str) -> Iterator[None]:
    """Hold host for one request; raise HostBusy at once if it is in use, too recently used, or deferred."""
    lock = _key(host, "lock")
    token = uuid.uuid4().hex
    # A fetch ends within INGEST_TOTAL_TIMEOUT; twice that, and the claim of a dead worker lapses.
    if not cache.add(lock, token, timeout=_timeout(2 * settings.INGEST_TOTAL_TIMEOUT)):
        raise HostBusy(host, max(settings.INGEST_HOST_MIN_GAP, 1.0))
    try:
        wait = (cache.get(_key(host, "not-before")) or 0.0) - time.time()
        if wait > 0:
            raise HostBusy(host, wait)
        try:
            yield
        finally:
            _push_not_before(host, time.time() + settings.INGEST_HOST_MIN_GAP)
    finally:
        if cache.get(lock) == token:
            cache.delete(lock)


def defer_host(host: str, seconds: float) -> None:
    """Ask nothing of host for the next `seconds` (a Retry-After), capped at INGEST_MAX_INTERVAL."""
    _push_not_before(host, time.time() + min(seconds, settings.INGEST_MAX_INTERVAL))
