"""Per-host politeness: one request at a time per host, a minimum gap between requests, Retry-After honoured.

Two keys per host: a lock (held during a request, with a token, expiring by itself so a worker
that dies mid-request cannot block a host for good) and a "not before" time. With Redis (the
default cache in production and CI) they live in Redis and hold across every worker: claiming
a slot is one Lua script, releasing it another, so a request costs two round trips. Without
Redis (the embedded default) they live in Django's in-process cache (`cache.add` is the atomic
claim) and hold within one process. A host that frees up within INGEST_HOST_WAIT seconds
(another process's request, a gap about to end) is waited for; a longer wait raises HostBusy
and the Celery task retries later.

Usage: ``with host_slot(host): result = fetch(url)``; on a 429 or 503 with Retry-After,
``defer_host(host, error.retry_after)``. Hold the slot around the fetch only, not the parsing.
"""

import hashlib
import logging
import math
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

_SAFE_HOST = re.compile(r"[a-z0-9._:\[\]-]{1,200}")


logger = logging.getLogger(__name__)


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


def _claim_timeout() -> int:
    # A fetch ends within INGEST_TOTAL_TIMEOUT; twice that, and the claim of a dead worker lapses.
    return _timeout(2 * settings.INGEST_TOTAL_TIMEOUT)


# --- Redis: two scripts ---------------------------------------------------------------------

# KEYS: lock, not-before. ARGV: token, claim seconds, now. Returns "-1" (held by another),
# the seconds to wait (deferred; the claim is dropped), or "0" (claimed).
_CLAIM = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return '-1' end
local wait = tonumber(redis.call('GET', KEYS[2]) or '0') - tonumber(ARGV[3])
if wait > 0 then
  redis.call('DEL', KEYS[1])
  return tostring(wait)
end
return '0'
"""
# KEYS: not-before, lock. ARGV: not-before time, its expiry in seconds, token ("" to keep the lock).
# The not-before time only ever moves later; the lock is dropped only by the one who holds it.
_PUSH = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
"""


class _RedisGate:
    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.claim_script = self.client.register_script(_CLAIM)
        self.push_script = self.client.register_script(_PUSH)

    def claim(self, host: str, token: str) -> float | None:
        """None when another holds the host, else the seconds to wait (0: claimed)."""
        keys = [_key(host, "lock"), _key(host, "not-before")]
        answer = float(self.claim_script(keys=keys, args=[token, _claim_timeout(), time.time()]))
        return None if answer < 0 else answer

    def push(self, host: str, when: float, token: str = "") -> None:
        keys = [_key(host, "not-before"), _key(host, "lock")]
        self.push_script(keys=keys, args=[repr(when), _timeout(when - time.time()) + 1, token])


# --- Django's in-process cache ----------------------------------------------------------------


class _CacheGate:
    def claim(self, host: str, token: str) -> float | None:
        lock = _key(host, "lock")
        if not cache.add(lock, token, timeout=_claim_timeout()):
            return None
        wait = (cache.get(_key(host, "not-before")) or 0.0) - time.time()
        if wait > 0:
            self._unlock(host, token)
            return wait
        return 0.0

    def push(self, host: str, when: float, token: str = "") -> None:
        key = _key(host, "not-before")
        if when > (cache.get(key) or 0.0):
            cache.set(key, when, timeout=_timeout(when - time.time()) + 1)
        if token:
            self._unlock(host, token)

    @staticmethod
    def _unlock(host: str, token: str) -> None:
        lock = _key(host, "lock")
        if cache.get(lock) == token:
            cache.delete(lock)


_gates: dict[tuple[int, str], _RedisGate] = {}
_gates_lock = threading.Lock()


def _gate() -> _RedisGate | _CacheGate:
    """Redis when the default cache is Redis (one client per process and URL), else the cache itself."""
    if not isinstance(caches["default"], RedisCache):
        return _CacheGate()
    url = settings.CACHES["default"]["LOCATION"]
    key = (os.getpid(), url)  # a forked worker process makes its own connection pool
    with _gates_lock:
        if key not in _gates:
            _gates[key] = _RedisGate(url)
        return _gates[key]


@contextmanager
def host_slot(host: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold host for one request. A host in use, too recently used or deferred is waited for when it
    frees up within `wait` seconds (INGEST_HOST_WAIT: another process's request takes moments, and
    two pool processes can then share a host, one fetching while the other extracts); otherwise,
    or once that time is spent, HostBusy is raised and the caller retries later."""
    gate, token = _gate(), uuid.uuid4().hex
    deadline = time.monotonic() + (settings.INGEST_HOST_WAIT if wait is None else wait)
    pause = _FIRST_PAUSE
    while (answer := _claim(gate, host, token)) != 0:
        left = deadline - time.monotonic()
        if answer is None:  # another request is under way: look again soon, a little later each time
            if left <= 0:
                raise HostBusy(host, max(settings.INGEST_HOST_MIN_GAP, 1.0))
            time.sleep(min(pause, left))
            pause = min(2 * pause, _LONGEST_PAUSE)
        elif answer > left:
            raise HostBusy(host, answer)
        else:
            time.sleep(answer)
    try:
        yield
    finally:
        _push(gate, host, time.time() + settings.INGEST_HOST_MIN_GAP, token)


# Without its shared state (Redis restarting, a network fault) nobody can tell whether a host is free: it
# counts as busy for this long, so the caller retries later instead of failing the article or the feed.
UNREACHABLE_RETRY = 5.0


def _claim(gate, host: str, token: str) -> float | None:
    try:
        return gate.claim(host, token)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        logger.warning("politeness state unreachable; the host counts as busy", extra={"host": host})
        raise HostBusy(host, UNREACHABLE_RETRY) from error


def _push(gate, host: str, when: float, token: str = "") -> None:
    """Record when `host` may be asked next; lost if the shared state is unreachable (the claim's own
    timeout then frees the host)."""
    try:
        gate.push(host, when, token)
    except (redis.ConnectionError, redis.TimeoutError):
        logger.warning("politeness state unreachable; the host's next gap is not recorded", extra={"host": host})


_FIRST_PAUSE, _LONGEST_PAUSE = 0.002, 0.05  # seconds between looks at a host in use


def defer_host(host: str, seconds: float) -> None:
    """Ask nothing of host for the next `seconds` (a Retry-After), capped at INGEST_MAX_INTERVAL."""
    _push(_gate(), host, time.time() + min(seconds, settings.INGEST_MAX_INTERVAL))
