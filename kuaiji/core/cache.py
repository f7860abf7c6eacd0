"""Django's Redis cache, with one client per connection pool instead of one per operation.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call, and redis-py
fills a table of some 170 response callbacks in each one: on these machines that cost more than the
round trip to Redis itself, several times per request (sessions, rate limits, cached reads). A client
over a connection pool is thread-safe, so one per pool serves every thread of the process. And ``incr``
(every rate-limit count) takes one round trip instead of two.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# INCRBY only where the key exists, in one round trip (Django's ``incr`` asks EXISTS first, then INCRBY).
_INCR_EXISTING = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end"
)


class _ReusedClientRedisCacheClient(RedisCacheClient):
    # Django's private attributes, which django-stubs does not declare.
    _servers: list[str]
    _pools: dict[int, Any]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _client: Any

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]  # Django's, private
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            # Two threads may both build one here; either is fine, the pool is the same.
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client

    def incr(self, key, delta):
        value = self.get_client(key, write=True).eval(_INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient
