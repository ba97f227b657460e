"""The cache settings, and a Redis cache that an outage slows down instead of stopping.

The cache only holds figures the portal can compute again (activities/compliance_cache.py).
With Django's own RedisCache, a stopped Redis raises into every page that reads a figure and
into every write whose signal replaces a version: the dashboards answer 500 and planning a
meeting rolls back. `ForgivingRedisCache` logs the error and answers as an empty cache that
stores nothing (`get` → default, `add` → False), so pages compute their figures and writes
commit. After a failure the process leaves Redis alone for `PAUSE` seconds, so a page does not
wait for a refused or timed-out connection at every call; connections and reads give up after
a second instead of hanging. A process that lost a write (a version replaced by a meeting saved
during the outage) clears the cache at its first call once Redis answers again, so figures
cached before the outage are not served after it. Another process may still read such figures
until then: after an outage, `redis-cli -n <cache db> FLUSHDB` is always safe.
"""
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PAUSE = 10.0  # seconds without trying Redis after it failed
SOCKET_TIMEOUT = 1.0


def caches_for(url):
    """The CACHES setting for a CACHE_URL of redis://… or rediss://…"""
    return {"default": {"BACKEND": "kernel.cache.ForgivingRedisCache", "LOCATION": url}}


def _forgiving(method, answer_when_down, writes=True):
    """`method`, answering `answer_when_down(*args, **kwargs)` while Redis fails."""
    def call(self, *args, **kwargs):
        if time.monotonic() < self._paused_until:
            self._lost_writes |= writes
            return answer_when_down(*args, **kwargs)
        try:
            if self._lost_writes:
                # A version replaced during the outage never reached Redis: what it holds
                # may be older than the records. It holds nothing that cannot be computed.
                RedisCache.clear(self)
                self._lost_writes = False
                logger.warning("Redis cache back after an outage: cleared")
            return method(self, *args, **kwargs)
        except RedisError as error:
            self._paused_until = time.monotonic() + PAUSE
            self._lost_writes |= writes
            logger.warning("Redis cache unavailable (%s); figures are computed without it "
                           "for %d s", error, PAUSE)
            return answer_when_down(*args, **kwargs)

    call.__name__ = method.__name__
    call.__doc__ = method.__doc__
    return call


class ForgivingRedisCache(RedisCache):
    _paused_until = 0.0
    _lost_writes = False

    def __init__(self, server, params):
        # No retries with backoff inside redis-py: the next request tries again after PAUSE.
        options = {"socket_connect_timeout": SOCKET_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT,
                   "retry_on_error": [], "retry": None, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})

    add = _forgiving(RedisCache.add, lambda *args, **kwargs: False)
    get = _forgiving(RedisCache.get, lambda key, default=None, version=None: default,
                     writes=False)
    set = _forgiving(RedisCache.set, lambda *args, **kwargs: None)
    touch = _forgiving(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _forgiving(RedisCache.delete, lambda *args, **kwargs: False)
    get_many = _forgiving(RedisCache.get_many, lambda *args, **kwargs: {}, writes=False)
    has_key = _forgiving(RedisCache.has_key, lambda *args, **kwargs: False, writes=False)
    set_many = _forgiving(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    delete_many = _forgiving(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _forgiving(RedisCache.clear, lambda *args, **kwargs: False)
