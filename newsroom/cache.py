"""Redis caches that survive a Redis outage.

Django's RedisCache raises when Redis is unreachable, and Wagtail reads the cache on every
request (`Site.get_site_root_paths()`), so a dead Redis turned every page into a 500.

- FailOpenRedisCache, the page cache ("default"), treats an unreachable Redis as an empty
  cache: reads miss, writes are dropped, and pages render from the database.
- FailFastRedisCache, the rate limiter's ("ratelimit"), still raises, so the limiter can refuse
  what it cannot count; but while Redis is down it raises at once, without asking Redis.

After a failure both leave that Redis alone for `retry_after` seconds (a hanging Redis would
otherwise cost a socket timeout on every call), and they log at most once every `log_every`
seconds per process.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class Outage:
    """When a Redis server last failed. Django makes a cache backend per thread; this is shared
    by every thread of the process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._log_at = 0.0

    def ongoing(self):
        return time.monotonic() < self._retry_at

    def record(self, error, retry_after, log_every):
        now = time.monotonic()
        with self._lock:
            self._retry_at = now + retry_after
            log = now >= self._log_at
            if log:
                self._log_at = now + log_every
        if log:
            logger.warning(
                "Redis cache unreachable (%s): pages render from the database, rate limits "
                "decide without it. Logged at most every %d seconds while it lasts.",
                error,
                log_every,
            )


_outages = {}


class OutageAwareRedisCache(RedisCache):
    """Routes every cache call through `_guarded()`, which decides what an outage means."""

    retry_after = 5  # seconds without trying Redis after it failed
    log_every = 60  # seconds between two log lines about the same outage

    def __init__(self, server, params):
        super().__init__(server, params)
        # Shared by both backends: when the page cache finds Redis down, so does the limiter.
        self._outage = _outages.setdefault(tuple(self._servers), Outage())

    def _guarded(self, fallback, method, *args, **kwargs):
        raise NotImplementedError

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # set_many() returns the keys it could not store.
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        # Also decr(), which calls incr(). False, not ValueError: a caller that has just seen
        # add() fail expects the key to exist.
        return self._guarded(False, super().incr, key, delta, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)


class FailOpenRedisCache(OutageAwareRedisCache):
    def _guarded(self, fallback, method, *args, **kwargs):
        if self._outage.ongoing():
            return fallback
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            self._outage.record(error, self.retry_after, self.log_every)
            return fallback


class FailFastRedisCache(OutageAwareRedisCache):
    def _guarded(self, fallback, method, *args, **kwargs):
        if self._outage.ongoing():
            raise RedisConnectionError("Redis was unreachable a moment ago; not asked again yet.")
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            self._outage.record(error, self.retry_after, self.log_every)
            raise
