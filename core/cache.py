"""A Redis cache that keeps working, per process, while Redis is unreachable."""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# After a failure, skip Redis for this long rather than paying a socket timeout on every
# cache call of every request.
RETRY_AFTER_SECONDS = 30

# django-redis re-raises the underlying redis error unless it is told to ignore errors.
UNREACHABLE = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, OSError)

_down_until: dict[str, float] = {}
_lock = threading.Lock()


class FailoverRedisCache(RedisCache):
    """Redis, falling back to this process's memory while Redis is down or hung.

    Swallowing errors is not enough: allauth's rate limits take a lock in the cache and
    answer 429 when they cannot, so a cache that merely fails would lock everyone out of
    sign-in during a Redis outage. What the cache holds (rate-limit counters, throttles)
    can be kept per process for a while without harm.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._fallback = LocMemCache(
            f"failover:{self._location}", {"TIMEOUT": params.get("TIMEOUT", 300)}
        )


def _with_failover(name):
    redis_method = getattr(RedisCache, name)
    local_method = getattr(LocMemCache, name)

    def method(self, *args, **kwargs):
        if time.monotonic() >= _down_until.get(self._location, 0.0):
            try:
                return redis_method(self, *args, **kwargs)
            except UNREACHABLE as error:
                with _lock:
                    _down_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning(
                    "Redis cache unreachable (%s); using process memory for %ss",
                    error,
                    RETRY_AFTER_SECONDS,
                )
        return local_method(self._fallback, *args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "has_key",
    "incr",
    "decr",
    "clear",
):
    setattr(FailoverRedisCache, _name, _with_failover(_name))
