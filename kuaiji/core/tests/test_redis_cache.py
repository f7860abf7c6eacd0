"""The Redis cache backend production runs on (kuaiji.core.cache), against a real Redis: one client per
pool, ``incr`` in one round trip with Django's semantics, and the rate-limit counter exact under threads."""

import os
import threading
import uuid

import pytest

from kuaiji.core import ratelimit
from kuaiji.core.cache import RedisCache

REDIS_URL = os.environ.get("KUAIJI_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _redis_answers() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    os.environ.get("KUAIJI_REQUIRE_ALL") != "1" and not _redis_answers(),
    reason=f"Redis is not reachable at {REDIS_URL}",
)


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"})
    yield cache
    cache.clear()


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b", write=True) is client
    redis_cache.set("a", {"x": 1})
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache._cache.get_client("a") is client


def test_incr_keeps_djangos_meaning_and_the_expiry(redis_cache):
    with pytest.raises(ValueError):
        redis_cache.incr("missing")
    assert redis_cache.get("missing") is None  # a refused incr creates nothing

    redis_cache.set("hits", 1, 60)
    assert redis_cache.incr("hits") == 2
    assert redis_cache.incr("hits", 5) == 7
    client = redis_cache._cache.get_client("hits")
    assert 0 < client.ttl(redis_cache.make_and_validate_key("hits")) <= 60


def test_the_rate_limit_counts_every_hit_of_concurrent_servers(redis_cache, monkeypatch):
    monkeypatch.setattr(ratelimit, "cache", redis_cache)
    counts: list[int] = []
    lock = threading.Lock()

    def hit_many():
        for _ in range(50):
            count = ratelimit.count_hit("probe", window_seconds=60)
            with lock:
                counts.append(count)

    threads = [threading.Thread(target=hit_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every hit got its own number: none was lost, none counted twice.
    assert sorted(counts) == list(range(1, 201))
    assert ratelimit.over_limit("probe", limit=200, window_seconds=60)
