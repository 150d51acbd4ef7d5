"""The cache settings for a Redis URL, apart from config/settings.py to keep it short; tests
point the cache at a Redis that is down with the same function."""


def redis_cache(url: str) -> dict:
    return {
        # Falls back to process memory while Redis is unreachable (see core/cache.py).
        "BACKEND": "core.cache.FailoverRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            # A hung or stopped Redis must cost a request a second, not a worker thread.
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
