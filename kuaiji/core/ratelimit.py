"""Fixed-window counters in the cache (Redis in production, so every app server counts together)."""

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone


def count_hit(name: str, *, window_seconds: int, now: datetime | None = None) -> int:
    """Count one hit on ``name`` in the current window of ``window_seconds`` and return the hits so far.

    ``incr``, and ``add`` for the window's first hit, are atomic on Redis and on the local-memory cache
    alike, so two servers counting at once never lose a hit; after the first hit, one round trip."""
    now = now or timezone.now()
    window = int(now.timestamp()) // window_seconds
    key = f"rate:{name}:{window}"
    for _ in range(3):
        try:
            return cache.incr(key)
        except ValueError:  # the window's first hit (or the key was evicted)
            if cache.add(key, 1, window_seconds * 2):
                return 1
            # another server added it in between: count on it
    return cache.incr(key)


def over_limit(name: str, *, limit: int, window_seconds: int, now: datetime | None = None) -> bool:
    """Count one hit on ``name`` and say whether it goes over ``limit`` hits in the window."""
    return count_hit(name, window_seconds=window_seconds, now=now) > limit
