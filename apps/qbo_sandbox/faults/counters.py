"""
Atomic counters shared by every thread and process that serves the sandbox, kept in a Django cache.

Only ``incr``/``decr``/``add`` are used: LocMemCache runs them under its lock (atomic across the threads of one
process, which is what ``runserver`` and ``live_server`` are), and django-redis maps them to ``INCRBY`` and
``SET NX`` (atomic across processes). With several web processes the cache must therefore be Redis (``REDIS_URL``);
a per-process LocMemCache would give each process its own budget. ``QBO_SANDBOX_CACHE`` names another cache alias.
"""

import contextlib
import math
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import BaseCache, caches

PREFIX = "qbo_sandbox:faults"


def counter_cache() -> BaseCache:
    return caches[getattr(settings, "QBO_SANDBOX_CACHE", "default")]


def _timeout(seconds: float | None) -> int | None:
    # Backends take whole seconds, and some treat 0 as "expire now".
    return None if seconds is None else max(math.ceil(seconds), 1)


def counter_incr(key: str, *, timeout: float | None) -> int:
    """Add one to ``key`` and return the new value; a missing key starts at 0 and lives ``timeout`` seconds."""
    cache = counter_cache()
    try:
        return cache.incr(key)
    except ValueError:
        # Missing: create it; if another thread won the race, increment theirs.
        if cache.add(key, 1, timeout=_timeout(timeout)):
            return 1
        return cache.incr(key)


def counter_decr(key: str) -> None:
    """Take one back; a key that expired or was evicted meanwhile is left alone."""
    with contextlib.suppress(ValueError):
        counter_cache().decr(key)


def counters_sum(keys: Iterable[str]) -> int:
    keys = list(keys)
    if not keys:
        return 0
    return sum(int(value) for value in counter_cache().get_many(keys).values())


def counter_get(key: str) -> int:
    return int(counter_cache().get(key) or 0)
