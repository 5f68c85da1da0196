"""Django's Redis cache, where a Redis that refuses or cannot be reached is a miss, never a 500.

Everything the portal keeps in the cache (pages, counts, facet options) can be
computed again from the database, so a cache that fails costs time, not
answers: a read that fails is a miss, a write that fails is skipped, and each
logs a warning. A Redis that refuses writes (``OOM command not allowed`` with
``maxmemory-policy noeviction``) or that is down therefore leaves every page
rendering. After a connection failure this process leaves Redis alone for
``PAUSE_SECONDS``, so that an unreachable host costs one socket timeout, not one
per cache call. ``/healthz`` asks Redis itself (``problem()``) and reports a
cache that fails. django-redis's ``DJANGO_REDIS_IGNORE_EXCEPTIONS`` does the
same for its own backend; the portal keeps Django's built-in one (docs/decisions.md).
"""

import functools
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 5.0
PROBE_KEY = "portal:healthz-probe"


def _forgiving(fallback):
    """Wrap a cache method: on a Redis error, log it and answer ``fallback(*args, **kwargs)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._paused_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                if isinstance(error, RedisConnectionError | RedisTimeoutError):
                    self._paused_until = time.monotonic() + PAUSE_SECONDS
                logger.warning(
                    "Cache %s failed, answering without the cache: %s", method.__name__, error
                )
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _missing(key, default=None, version=None):
    return default


class ForgivingRedisCache(RedisCache):
    _paused_until = 0.0

    get = _forgiving(_missing)(RedisCache.get)
    get_many = _forgiving(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *args, **kwargs: False)(RedisCache.has_key)
    set = _forgiving(lambda *args, **kwargs: None)(RedisCache.set)
    # As Django's backends do, set_many answers the keys it could not store.
    set_many = _forgiving(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    add = _forgiving(lambda *args, **kwargs: False)(RedisCache.add)
    touch = _forgiving(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _forgiving(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _forgiving(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _forgiving(lambda *args, **kwargs: False)(RedisCache.clear)

    def problem(self) -> str | None:
        """Why Redis cannot keep a value right now (down, or refusing writes), or None.

        Asks Redis directly, past the forgiveness and the pause: a write, since a full Redis
        with ``noeviction`` still answers reads.
        """
        try:
            client = self._cache.get_client(PROBE_KEY, write=True)
            client.set(self.make_and_validate_key(PROBE_KEY), b"1", ex=30)
        except RedisError as error:
            return str(error)
        return None


def problem() -> str | None:
    """Why the default cache cannot keep a value right now, or None when it can."""
    backend = caches["default"]
    if isinstance(backend, ForgivingRedisCache):
        return backend.problem()
    try:
        backend.set(PROBE_KEY, 1, 30)
    except Exception as error:  # Any other backend: its own errors.
        return str(error)
    return None
